/**
 * GeoJSON features the map's sources hold, built from the store's entities. Pure, so the
 * rules (what counts as overdue, which cases pulse) are tested without a browser. Feature ids
 * live in `properties.id` (the sources use `promoteId: 'id'`): maplibre keeps only numeric
 * top-level ids, and feature-state and `updateData` need the entity's own string id.
 */
import type { Feature, Point } from 'geojson';
import type { Camera, Case, LngLat, Unit, Urgency } from '../../../shared/protocol/entities';
import { caseTimeliness } from '../../../shared/domain/deadlines';
import type { Pose } from './motion';

/** How long a new urgent case pulses: long enough for a duty officer to look up. */
export const FRESH_URGENT_MS = 10 * 60_000;

const URGENCY_RANK: Record<Urgency, number> = { urgent: 3, high: 2, normal: 1 };
/** Statuses the map leaves out: finished business only clutters the picture. */
const FINISHED = new Set<string>(['closed', 'rejected']);

export interface CaseProps {
  id: string;
  urgency: Urgency;
  status: string;
  overdue: boolean;
  /** A new urgent case not yet dispatched: it pulses. */
  fresh: boolean;
  /** Higher draws on top (circle-sort-key). */
  rank: number;
  subdistrictCode: string;
}

export interface UnitProps {
  id: string;
  name: string;
  kind: Unit['kind'];
  status: Unit['status'];
  heading: number;
  /** False until a live fix arrived: the unit sits at its home base, heading unknown. */
  live: boolean;
}

export interface CameraProps {
  id: string;
  name: string;
  status: Camera['status'];
}

export type MapFeature<P> = Feature<Point, P>;

const point = <P>(coordinates: LngLat, properties: P): MapFeature<P> => ({
  type: 'Feature',
  geometry: { type: 'Point', coordinates: [coordinates[0], coordinates[1]] },
  properties,
});

/** Derived from the deadlines (DESIGN §3), never stored; a case without its deadline is not overdue. */
export function isOverdue(c: Case, now: number): boolean {
  if (c.dispatchDue == null) return false;
  try {
    const t = caseTimeliness({ status: c.status, reportedAt: c.reportedAt, dispatchedAt: c.dispatchedAt, deadlines: { dispatchDue: c.dispatchDue, handlingDue: c.handlingDue } }, now);
    return t.state === 'overdue';
  } catch {
    return false; // e.g. dispatched without a handling deadline yet: the hub will send it
  }
}

export function isFreshUrgent(c: Case, now: number): boolean {
  return c.urgency === 'urgent' && (c.status === 'reported' || c.status === 'registered') && now - c.reportedAt < FRESH_URGENT_MS;
}

export function caseOnMap(c: Case): boolean {
  return !FINISHED.has(c.status) && c.mergedInto == null;
}

export function caseFeature(c: Case, now: number): MapFeature<CaseProps> {
  const overdue = isOverdue(c, now);
  return point(c.point, {
    id: c.id,
    urgency: c.urgency,
    status: c.status,
    overdue,
    fresh: isFreshUrgent(c, now),
    rank: URGENCY_RANK[c.urgency] + (overdue ? 3 : 0),
    subdistrictCode: c.subdistrictCode,
  });
}

/** The cases drawn: open ones, plus the selected one whatever its status (the officer is looking at it). */
export function caseFeatures(cases: readonly Case[], now: number, selectedId: string | null = null): MapFeature<CaseProps>[] {
  return cases.filter((c) => caseOnMap(c) || c.id === selectedId).map((c) => caseFeature(c, now));
}

export function unitFeature(u: Unit, pose: Pose | undefined): MapFeature<UnitProps> {
  return point(pose?.point ?? u.home, { id: u.id, name: u.name, kind: u.kind, status: u.status, heading: Math.round((pose?.heading ?? 0) * 10) / 10, live: !!pose });
}

export function cameraFeature(c: Camera): MapFeature<CameraProps> {
  return point(c.point, { id: c.id, name: c.name, status: c.status });
}
