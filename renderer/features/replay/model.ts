/**
 * Replay (issue 6), pure: from the replica's history of a period (cases, their events, the units'
 * sampled tracks) to what the map shows at any moment of it. A case appears when it was
 * reported and takes each status at the time of the event that gave it; a unit moves along its
 * samples, interpolated between them. Tested without a browser (test/unit/replay-model.test.ts).
 */
import type { History, UnitTrack } from '../../../shared/bridge/contract';
import type { CaseStatus } from '../../../shared/domain/lifecycle';
import type { Case, Position } from '../../../shared/protocol/entities';
import { lerpHeading } from '../map/motion';

export const REPLAY_SPEEDS = [1, 10, 60, 300, 900, 3600] as const;
export type ReplaySpeed = (typeof REPLAY_SPEEDS)[number];

/** Samples further apart than this are a gap in coverage (unit off, tunnel): held, not glided across. */
export const TRACK_GAP_MS = 5 * 60_000;

/** The status an event leaves its case in; `resume` goes back to the status before the suspension. */
const STATUS_OF_EVENT: Record<string, CaseStatus | 'resume'> = {
  'case.reported': 'reported',
  'case.registered': 'registered',
  'case.rejected': 'rejected',
  'case.merged': 'rejected', // a duplicate is rejected into the case it repeats
  'case.dispatched': 'dispatched',
  'case.accepted': 'accepted',
  'case.returned': 'returned',
  'case.resolved': 'resolved',
  'case.closed': 'closed',
  'case.reopened': 'reopened',
  'case.suspended': 'suspended',
  'case.resumed': 'resume',
};

export interface StatusKey {
  at: number;
  status: CaseStatus;
}

interface CaseLine {
  base: Case;
  /** Status changes, oldest first; the case is not on the map before the first. */
  keys: StatusKey[];
}

export interface Replay {
  from: number;
  to: number;
  cases: CaseLine[];
  tracks: UnitTrack[];
  /** Every moment a case changes, sorted: between two of them the case list stays the same. */
  changes: number[];
  truncated: boolean;
}

/**
 * The status changes of one case: its events where the replica has them; before its first
 * event (a case that came with a snapshot has none), the stage times the case carries.
 */
export function statusKeys(c: Case, events: ReadonlyArray<{ at: number; type: string }>): StatusKey[] {
  const keys: StatusKey[] = [];
  const firstEventAt = events.length ? events[0]!.at : Infinity;
  const hasReport = events.some((e) => e.type === 'case.reported');
  if (!hasReport) {
    const stages: Array<[number | null, CaseStatus]> = [
      [c.reportedAt, 'reported'], [c.registeredAt, 'registered'], [c.dispatchedAt, 'dispatched'],
      [c.acceptedAt, 'accepted'], [c.resolvedAt, 'resolved'], [c.closedAt, 'closed'],
    ];
    for (const [at, status] of stages) if (at != null && at < firstEventAt && (!keys.length || at >= keys.at(-1)!.at)) keys.push({ at, status });
    // A final status with no stage time of its own (rejected, suspended…): from the last change.
    if (!events.length && keys.at(-1)?.status !== c.status) keys.push({ at: Math.max(c.updatedAt, keys.at(-1)?.at ?? c.reportedAt), status: c.status });
  }
  let beforeSuspension: CaseStatus | null = null;
  for (const e of events) {
    const next = STATUS_OF_EVENT[e.type];
    if (!next) continue; // comments, attachments, progress, timer marks: no status change
    const current = keys.at(-1)?.status ?? null;
    let status: CaseStatus;
    if (next === 'resume') status = beforeSuspension ?? c.previousStatus ?? 'registered';
    else status = next;
    if (next === 'suspended') beforeSuspension = current;
    if (status !== current) keys.push({ at: e.at, status });
  }
  return keys;
}

export function buildReplay(h: History): Replay {
  const eventsOf = new Map<string, Array<{ at: number; type: string }>>();
  for (const e of h.events) {
    let list = eventsOf.get(e.caseId);
    if (!list) eventsOf.set(e.caseId, (list = []));
    list.push(e);
  }
  const cases: CaseLine[] = [];
  const changes = new Set<number>();
  for (const c of h.cases) {
    const keys = statusKeys(c, eventsOf.get(c.id) ?? []);
    if (!keys.length) continue;
    cases.push({ base: c, keys });
    for (const k of keys) if (k.at > h.from && k.at <= h.to) changes.add(k.at);
  }
  return { from: h.from, to: h.to, cases, tracks: h.tracks, changes: [...changes].sort((a, b) => a - b), truncated: h.truncated };
}

/** Index of the last element ≤ t in an ascending array, or -1. */
export function lastAtOrBefore(xs: readonly number[], t: number): number {
  let lo = 0;
  let hi = xs.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! <= t) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** The case as it stood at a status: stage times still in its future are not known yet. */
function caseAs(c: Case, status: CaseStatus, at: number): Case {
  const known = (t: number | null) => (t != null && t <= at ? t : null);
  const dispatchedAt = known(c.dispatchedAt);
  return {
    ...c, status,
    registeredAt: known(c.registeredAt), dispatchedAt, acceptedAt: known(c.acceptedAt), resolvedAt: known(c.resolvedAt), closedAt: known(c.closedAt),
    handlingDue: dispatchedAt != null ? c.handlingDue : null,
    mergedInto: status === 'rejected' ? c.mergedInto : null,
  };
}

/**
 * What the map shows at moments of a replay. Objects are kept while nothing changes — the
 * list between two status changes, a case between its own changes, a unit's position while it
 * holds — so the map's diff (by identity) does only the work of what moved.
 */
export class ReplayFrames {
  private caseList: Case[] = [];
  /** The list holds for moments in [listFrom, listUntil). */
  private listFrom = Infinity;
  private listUntil = -Infinity;
  private readonly caseMemo = new Map<string, { key: StatusKey; c: Case }>();
  private readonly posMemo = new Map<string, Position>();

  constructor(readonly replay: Replay) {}

  casesAt(t: number): Case[] {
    if (t >= this.listFrom && t < this.listUntil) return this.caseList;
    const i = lastAtOrBefore(this.replay.changes, t);
    this.listFrom = i >= 0 ? this.replay.changes[i]! : -Infinity;
    this.listUntil = i + 1 < this.replay.changes.length ? this.replay.changes[i + 1]! : Infinity;
    const out: Case[] = [];
    for (const line of this.replay.cases) {
      let k = line.keys.length - 1; // a few keys per case: a scan from the end
      while (k >= 0 && line.keys[k]!.at > t) k--;
      if (k < 0) continue; // not reported yet
      const key = line.keys[k]!;
      const memo = this.caseMemo.get(line.base.id);
      if (memo && memo.key === key) {
        out.push(memo.c);
        continue;
      }
      const c = caseAs(line.base, key.status, key.at);
      this.caseMemo.set(line.base.id, { key, c });
      out.push(c);
    }
    this.caseList = out;
    return out;
  }

  /** Each tracked unit's position at `t`: between two samples on the straight line, across a gap held. */
  positionsAt(t: number): Record<string, Position> {
    const out: Record<string, Position> = {};
    for (const tr of this.replay.tracks) {
      const i = lastAtOrBefore(tr.at, t);
      if (i < 0) continue; // not yet seen in this period
      const j = i + 1 < tr.at.length && tr.at[i + 1]! - tr.at[i]! <= TRACK_GAP_MS ? i + 1 : i;
      const k = j === i ? 0 : (t - tr.at[i]!) / (tr.at[j]! - tr.at[i]!);
      const lng = tr.lng[i]! + (tr.lng[j]! - tr.lng[i]!) * k;
      const lat = tr.lat[i]! + (tr.lat[j]! - tr.lat[i]!) * k;
      const heading = lerpHeading(tr.heading[i]!, tr.heading[j]!, k);
      const prev = this.posMemo.get(tr.unitId);
      if (prev && prev.point[0] === lng && prev.point[1] === lat && prev.heading === heading) {
        out[tr.unitId] = prev;
        continue;
      }
      const p: Position = { id: tr.unitId, point: [lng, lat], heading, speed: 0, at: Math.round(t) };
      this.posMemo.set(tr.unitId, p);
      out[tr.unitId] = p;
    }
    return out;
  }
}

/** One step of the slider for the keyboard: 1% of the period, at least 10 s. */
export function keyStep(from: number, to: number): number {
  return Math.max(10_000, Math.round((to - from) / 100));
}

export function nextSpeed(speed: ReplaySpeed, dir: 1 | -1): ReplaySpeed {
  const i = REPLAY_SPEEDS.indexOf(speed);
  return REPLAY_SPEEDS[Math.max(0, Math.min(REPLAY_SPEEDS.length - 1, i + dir))]!;
}
