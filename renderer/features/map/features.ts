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
/**
 * At most this many cases pulse at once, the newest: a pulse is for "look here", and a typhoon's
 * hundred fresh cases pulsing would say nothing while repainting the map without end.
 */
export const MAX_PULSING = 8;

const URGENCY_RANK: Record<Urgency, number> = { urgent: 3, high: 2, normal: 1 };
/** Statuses the map leaves out: finished business only clutters the picture. */
const FINISHED = new Set<string>(['closed', 'rejected']);

export interface CaseProps {
  id: string;
  urgency: Urgency;
  status: string;
  overdue: boolean;
  /** A new urgent case not yet dispatched. */
  fresh: boolean;
  /** One of the newest few fresh ones (MAX_PULSING): these get the pulsing ring. */
  pulse: boolean;
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

/** Derived from the deadlines (ARCHITECTURE §3), never stored; a case without its deadline is not overdue. */
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

export function caseFeature(c: Case, now: number, pulse = false): MapFeature<CaseProps> {
  const overdue = isOverdue(c, now);
  return point(c.point, {
    id: c.id,
    urgency: c.urgency,
    status: c.status,
    overdue,
    fresh: isFreshUrgent(c, now),
    pulse,
    rank: URGENCY_RANK[c.urgency] + (overdue ? 3 : 0),
    subdistrictCode: c.subdistrictCode,
  });
}

/** The cases drawn: open ones, plus the selected one whatever its status (the officer is looking at it). */
export function casesOnMap(cases: readonly Case[], selectedId: string | null = null): Case[] {
  return cases.filter((c) => caseOnMap(c) || c.id === selectedId);
}

/** The newest fresh urgent cases, at most `max`: the ones that pulse. */
export function pulsingIds(cases: readonly Case[], now: number, max = MAX_PULSING): Set<string> {
  const fresh = cases.filter((c) => isFreshUrgent(c, now));
  if (fresh.length > max) fresh.sort((a, b) => b.reportedAt - a.reportedAt || (a.id < b.id ? -1 : 1)).length = max;
  return new Set(fresh.map((c) => c.id));
}

export function caseFeatures(cases: readonly Case[], now: number, selectedId: string | null = null): MapFeature<CaseProps>[] {
  const shown = casesOnMap(cases, selectedId);
  const pulse = pulsingIds(shown, now);
  return shown.map((c) => caseFeature(c, now, pulse.has(c.id)));
}

/**
 * Which cases to judge again: `changed` only new or changed case objects; `due` also those
 * whose judgement may have changed since (the clock passed a deadline or the end of "fresh");
 * `all` everything (the clock went back: a replay seeking backwards).
 */
export type Rejudge = 'changed' | 'due' | 'all';

/**
 * Case features kept per case object: the store hands back the same object for a case that did
 * not change, so a new batch re-derives only the changed cases (deadline rules included) and the
 * diff that follows skips the rest by identity. Each entry knows until when its judgement holds.
 */
export class CaseFeatureCache {
  private readonly byId = new Map<string, { c: Case; f: MapFeature<CaseProps>; until: number }>();

  build(shown: readonly Case[], now: number, pulse: ReadonlySet<string>, rejudge: Rejudge = 'changed'): MapFeature<CaseProps>[] {
    const out: MapFeature<CaseProps>[] = [];
    const seen = new Set<string>();
    for (const c of shown) {
      seen.add(c.id);
      const hit = this.byId.get(c.id);
      const valid = hit && hit.c === c && rejudge !== 'all' && (rejudge === 'changed' || now < hit.until);
      if (valid && hit.f.properties.pulse === pulse.has(c.id)) {
        out.push(hit.f);
        continue;
      }
      const f = caseFeature(c, now, pulse.has(c.id));
      // Same judgement as before: keep the old object, so the diff skips it without a look.
      const kept = hit && hit.c.point === c.point && sameProps(hit.f.properties, f.properties) ? hit.f : f;
      this.byId.set(c.id, { c, f: kept, until: judgedUntil(c, now) });
      out.push(kept);
    }
    if (seen.size !== this.byId.size) for (const id of [...this.byId.keys()]) if (!seen.has(id)) this.byId.delete(id);
    return out;
  }
}

/** The next moment a case's overdue or fresh may flip by the clock alone: its next deadline or the end of fresh. */
export function judgedUntil(c: Case, now: number): number {
  let until = Infinity;
  for (const t of [c.dispatchDue, c.handlingDue, c.urgency === 'urgent' ? c.reportedAt + FRESH_URGENT_MS : null]) {
    if (t != null && t >= now && t < until) until = t + 1;
  }
  return until;
}

function sameProps(a: CaseProps, b: CaseProps): boolean {
  return a.urgency === b.urgency && a.status === b.status && a.overdue === b.overdue && a.fresh === b.fresh && a.pulse === b.pulse && a.rank === b.rank && a.subdistrictCode === b.subdistrictCode;
}

export function unitFeature(u: Unit, pose: Pose | undefined): MapFeature<UnitProps> {
  return point(pose?.point ?? u.home, { id: u.id, name: u.name, kind: u.kind, status: u.status, heading: Math.round((pose?.heading ?? 0) * 10) / 10, live: !!pose });
}

export function cameraFeature(c: Camera): MapFeature<CameraProps> {
  return point(c.point, { id: c.id, name: c.name, status: c.status });
}
