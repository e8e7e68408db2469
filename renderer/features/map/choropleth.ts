/**
 * Subdistrict choropleth: open and overdue cases per subdistrict, pushed to the map as
 * feature-state (the region polygons never change, only their colour does). Levels are
 * normalised to the busiest subdistrict so the ramp reads the same on a quiet night and on a
 * typhoon day.
 */
import type { Case } from '../../../shared/protocol/entities';
import { OPEN_STATUSES } from '../../../shared/domain/lifecycle';
import { isOverdue } from './features';

export type ChoroplethMetric = 'open' | 'overdue';

export interface RegionCounts {
  open: number;
  overdue: number;
}

/** Feature-state for one subdistrict. */
export interface ChoroplethState extends RegionCounts {
  /** 0..1 of the busiest subdistrict, per metric. */
  openLevel: number;
  overdueLevel: number;
}

const OPEN = new Set<string>(OPEN_STATUSES);

export function countBySubdistrict(cases: readonly Case[], now: number): Map<string, RegionCounts> {
  const counts = new Map<string, RegionCounts>();
  for (const c of cases) {
    if (!OPEN.has(c.status) || c.mergedInto != null) continue;
    const row = counts.get(c.subdistrictCode) ?? { open: 0, overdue: 0 };
    row.open += 1;
    if (isOverdue(c, now)) row.overdue += 1;
    counts.set(c.subdistrictCode, row);
  }
  return counts;
}

/** The same counts from the map's case features (overdue already judged there): no second pass over the rules. */
export function countFeatures(features: ReadonlyArray<{ properties: { status: string; overdue: boolean; subdistrictCode: string } }>): Map<string, RegionCounts> {
  const counts = new Map<string, RegionCounts>();
  for (const { properties: p } of features) {
    if (!OPEN.has(p.status)) continue; // a selected closed case is drawn, not counted
    const row = counts.get(p.subdistrictCode) ?? { open: 0, overdue: 0 };
    row.open += 1;
    if (p.overdue) row.overdue += 1;
    counts.set(p.subdistrictCode, row);
  }
  return counts;
}

/** A state for every known subdistrict (zeros included, so a drained region loses its colour). */
export function choroplethStates(codes: readonly string[], counts: Map<string, RegionCounts>): Map<string, ChoroplethState> {
  let maxOpen = 0;
  let maxOverdue = 0;
  for (const c of counts.values()) {
    maxOpen = Math.max(maxOpen, c.open);
    maxOverdue = Math.max(maxOverdue, c.overdue);
  }
  const states = new Map<string, ChoroplethState>();
  for (const code of codes) {
    const { open, overdue } = counts.get(code) ?? { open: 0, overdue: 0 };
    states.set(code, { open, overdue, openLevel: maxOpen ? open / maxOpen : 0, overdueLevel: maxOverdue ? overdue / maxOverdue : 0 });
  }
  return states;
}

/** Only the subdistricts whose state differs from what the map holds: feature-state calls are not free. */
export function changedStates(prev: Map<string, ChoroplethState>, next: Map<string, ChoroplethState>): Map<string, ChoroplethState> {
  const out = new Map<string, ChoroplethState>();
  for (const [code, s] of next) {
    const p = prev.get(code);
    if (!p || p.open !== s.open || p.overdue !== s.overdue || p.openLevel !== s.openLevel || p.overdueLevel !== s.overdueLevel) out.set(code, s);
  }
  return out;
}
