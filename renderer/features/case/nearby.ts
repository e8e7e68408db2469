/**
 * What is near a case: cameras to look through, units to send, and other reports of the same
 * place in the last day (likely the same event reported twice: candidates for merging).
 */
import type { Camera, Case, Position, Unit } from '../../../shared/protocol/entities';
import { distanceM } from './geo';

export interface Near<T> {
  item: T;
  distanceM: number;
}

export const NEARBY_CAMERA_M = 1_000;
export const RELATED_RADIUS_M = 300;
export const RELATED_WINDOW_MS = 24 * 3_600_000;

function nearest<T>(list: readonly T[], at: readonly [number, number], pointOf: (x: T) => readonly [number, number] | null, limit: number, maxM = Infinity): Near<T>[] {
  const out: Near<T>[] = [];
  for (const item of list) {
    const p = pointOf(item);
    if (!p) continue;
    const d = distanceM(at, p);
    if (d <= maxM) out.push({ item, distanceM: d });
  }
  return out.sort((a, b) => a.distanceM - b.distanceM).slice(0, limit);
}

/** Online cameras first is not the rule: the nearest, with their status shown. */
export function nearbyCameras(c: Case, cameras: readonly Camera[], limit = 6): Near<Camera>[] {
  return nearest(cameras, c.point, (x) => x.point, limit, NEARBY_CAMERA_M);
}

/** Available units by distance from where they are now (their home when no fix came yet). */
export function nearestAvailableUnits(c: Case, units: readonly Unit[], positions: Readonly<Record<string, Position>>, limit = 6): Near<Unit>[] {
  const available = units.filter((u) => u.status === 'available');
  return nearest(available, c.point, (u) => positions[u.id]?.point ?? u.home, limit);
}

/** Reports within 300 m and 24 h of this one, not merged away: possible duplicates. */
export function relatedCases(c: Case, cases: readonly Case[], limit = 8): Near<Case>[] {
  const candidates = cases.filter((o) => o.id !== c.id && o.mergedInto === null && c.mergedInto !== o.id && Math.abs(o.reportedAt - c.reportedAt) <= RELATED_WINDOW_MS);
  return nearest(candidates, c.point, (o) => o.point, limit, RELATED_RADIUS_M)
    // Same small class first: the likeliest duplicate.
    .sort((a, b) => Number(b.item.categoryCode === c.categoryCode) - Number(a.item.categoryCode === c.categoryCode) || a.distanceM - b.distanceM);
}
