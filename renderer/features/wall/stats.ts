/**
 * The wall's figures from the cases: today's flow (reported, registered, dispatched, closed),
 * 按期结案率 as the assessment defines it (shared with the console and the hub's definition), what
 * is open and overdue now, where the overdue cases sit (department, subdistrict), today's sources
 * and reports per hour. Pure: tested in Node.
 */
import { createSelector } from '@reduxjs/toolkit';
import { onTimeClosureOfCases } from '../../../shared/domain/assessment';
import { startOfDistrictDay } from '../../../shared/domain/district-time';
import { isOpen } from '../../../shared/domain/lifecycle';
import { SOURCES, type Case, type Source } from '../../../shared/protocol/entities';
import type { RootState } from '../../app/store';
import { selectAllCases } from '../cases/selectors';
import { timelinessAt } from '../cases/timeliness';

/** Overdue cases not dispatched yet are the center's: they count against it. */
export const CENTER_BUCKET = '__center';

export interface WallStats {
  reported: number;
  registered: number;
  dispatched: number;
  closed: number;
  /** 按期结案率 of today, the assessment's definition (onTimeClosureOfCases); null: nothing due today. */
  onTime: number | null;
  open: number;
  overdue: number;
  overdueByDepartment: Array<[string, number]>;
  overdueBySubdistrict: Array<[string, number]>;
  sources: Array<[Source, number]>;
  /** Reports per hour of today (Shanghai hours 0–23). */
  hourly: number[];
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const desc = (a: [string, number], b: [string, number]) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1);

export function computeWallStats(cases: readonly Case[], now: number): WallStats {
  const day = startOfDistrictDay(now);
  let reported = 0, registered = 0, dispatched = 0, closed = 0, open = 0, overdue = 0;
  const byDept = new Map<string, number>();
  const bySub = new Map<string, number>();
  const bySource = new Map<Source, number>();
  const hourly = new Array<number>(24).fill(0);
  for (const c of cases) {
    if (c.reportedAt >= day && c.reportedAt <= now + HOUR_MS) {
      reported += 1;
      bySource.set(c.source, (bySource.get(c.source) ?? 0) + 1);
      const h = Math.floor((c.reportedAt - day) / HOUR_MS);
      if (h >= 0 && h < 24) hourly[h]! += 1;
    }
    if (c.registeredAt !== null && c.registeredAt >= day) registered += 1;
    if (c.dispatchedAt !== null && c.dispatchedAt >= day) dispatched += 1;
    if (c.status === 'closed' && c.closedAt !== null && c.closedAt >= day) closed += 1;
    if (!isOpen(c.status)) continue;
    open += 1;
    if (timelinessAt(c, now) !== 'overdue') continue;
    overdue += 1;
    bySub.set(c.subdistrictCode, (bySub.get(c.subdistrictCode) ?? 0) + 1);
    const owners = c.status === 'reported' || c.status === 'registered' || c.status === 'returned' || c.owners.length === 0 ? [CENTER_BUCKET] : c.owners;
    for (const o of owners) byDept.set(o, (byDept.get(o) ?? 0) + 1);
  }
  return {
    reported, registered, dispatched, closed, onTime: onTimeClosureOfCases(cases, day, day + DAY_MS).rate, open, overdue,
    overdueByDepartment: [...byDept].sort(desc),
    overdueBySubdistrict: [...bySub].sort(desc),
    sources: SOURCES.map((s) => [s, bySource.get(s) ?? 0] as [Source, number]).filter(([, n]) => n > 0),
    hourly,
  };
}

/** Once per tick at most (overdue depends on now); the cases' timeliness clocks are cached per case. */
export const selectWallStats = createSelector([selectAllCases, (s: RootState) => s.clock.now], computeWallStats);
