/**
 * The district's units as the simulator moves them: patrol teams walk their beats by day
 * (police round the clock), the nearest free unit of a department drives to its case, stays on
 * scene, and goes back. Status changes go through the hub as commands (via `setStatus`);
 * positions go to the hub's latest-value stream.
 */
import type { PositionStream } from '../positions';
import type { Case, LngLat, Unit } from '../../shared/protocol';
import { arrivalOf, beat, fixAt, metres, patrolFrom, route, still, type Motion } from './movement';
import type { Rng } from './random';

const MIN = 60_000;
const HOUR = 3_600_000;
/** Patrol teams are out 07:00–22:00 (Beijing time); police patrol round the clock. */
const SHIFT = { start: 7, end: 22 };
/** Average speeds through town, m/s: patrol cars ~29 km/h, service vans ~36 km/h, officers on e-bikes ~14 km/h. */
const SPEED_MS: Record<Unit['kind'], number> = { patrol: 8, vehicle: 10, officer: 4 };
/** Walking pace on a beat, m/s. */
const BEAT_SPEED_MS = 2;

export const hourOf = (t: number) => new Date(t + 8 * HOUR).getUTCHours();

interface Member { unit: Unit; beat: LngLat[]; motion: Motion; caseId: string | null; lastSent: string }

/** Changes a unit's status through the hub; returns the unit's new version, or null when refused. */
export type SetStatus = (unit: Unit, status: Unit['status'], caseId: string | null) => number | null;

export class Fleet {
  private readonly members = new Map<string, Member>();
  /** Position updates the stream accepted. */
  sent = 0;

  constructor(units: readonly Unit[], private readonly rng: Rng, private readonly setStatus: SetStatus, private readonly fresh: (id: string) => Unit | null) {
    for (const u of units) this.members.set(u.id, { unit: u, beat: beat(rng.fork(`beat:${u.id}`), u.home), motion: still(u.home), caseId: u.caseId, lastSent: '' });
  }

  get size(): number {
    return this.members.size;
  }

  /** Frees units left en route or busy by an earlier run (`ours` tells whose last change it was). */
  releaseStranded(ours: (unitId: string) => boolean): void {
    for (const m of this.members.values()) {
      if (m.unit.status === 'available' || m.unit.status === 'offline' || !ours(m.unit.id)) continue;
      if (this.set(m, 'available', null)) m.caseId = null;
    }
  }

  /** Sends free patrols out when the day starts on shift. */
  begin(t: number): void {
    for (const m of this.members.values()) if (m.caseId === null && onShift(m.unit, t)) m.motion = this.back(m, m.unit.home, t);
  }

  /** The department's nearest free unit drives to the case; null when none is free. */
  send(c: Case, dept: string, t: number): { unitId: string; arriveAt: number; leaveAt: number } | null {
    let best: Member | null = null;
    let bestD = Infinity;
    for (const m of this.members.values()) {
      if (m.unit.departmentCode !== dept || m.caseId !== null || m.unit.status === 'offline') continue;
      const d = metres(fixAt(m.motion, t).point, c.point);
      if (d < bestD) [best, bestD] = [m, d];
    }
    if (!best || !this.set(best, 'enroute', c.id)) return null;
    best.caseId = c.id;
    best.motion = route(this.rng, fixAt(best.motion, t).point, c.point, t + this.rng.between(1, 4) * MIN, SPEED_MS[best.unit.kind]);
    const arriveAt = arrivalOf(best.motion) ?? t;
    const leaveAt = arriveAt + (c.urgency === 'urgent' ? this.rng.between(10, 30) : this.rng.between(10, 40)) * MIN;
    return { unitId: best.unit.id, arriveAt, leaveAt };
  }

  /** On scene: busy. Returns the unit if it is still on this case. */
  arrive(unitId: string, caseId: string): Unit | null {
    const m = this.members.get(unitId);
    if (!m || m.caseId !== caseId) return null;
    this.set(m, 'busy', caseId);
    return m.unit;
  }

  /** Done on scene: available again, back to the beat or the station. */
  leave(unitId: string, caseId: string, t: number): void {
    const m = this.members.get(unitId);
    if (!m || m.caseId !== caseId) return;
    this.set(m, 'available', null);
    m.caseId = null;
    m.motion = this.back(m, fixAt(m.motion, t).point, t);
  }

  /** Patrols go out at the start of the shift and home at its end; returns the next change. */
  shift(t: number): number {
    for (const m of this.members.values()) {
      if (m.caseId !== null || onShift(m.unit, t) === (m.motion.patrol !== null)) continue;
      m.motion = this.back(m, fixAt(m.motion, t).point, t);
    }
    return nextShiftChange(t);
  }

  /** A unit out on its beat now, for a patrol's report. */
  onBeat(t: number, rng: Rng): { name: string; point: LngLat } | null {
    const out = [...this.members.values()].filter((m) => m.caseId === null && m.motion.patrol !== null && t >= m.motion.patrol.startAt);
    if (!out.length) return null;
    const m = rng.pick(out);
    return { name: m.unit.name, point: fixAt(m.motion, t).point };
  }

  /** Gives the stream every unit whose fix changed since the last sample. */
  sample(positions: PositionStream, t: number): void {
    for (const m of this.members.values()) {
      const f = fixAt(m.motion, t);
      const key = `${f.point[0]},${f.point[1]},${f.speed}`;
      if (key === m.lastSent) continue;
      m.lastSent = key;
      if (positions.update({ id: m.unit.id, point: f.point, heading: f.heading, speed: f.speed, at: Math.round(t) }).ok) this.sent++;
    }
  }

  /** Back to the beat when on shift (via home, where the beat starts), else home to stand by. */
  private back(m: Member, from: LngLat, t: number): Motion {
    const home = m.unit.home;
    const motion = metres(from, home) < 5 ? still(home) : route(this.rng, from, home, t, SPEED_MS[m.unit.kind]);
    if (onShift(m.unit, t)) motion.patrol = patrolFrom(m.beat, arrivalOf(motion) ?? t, BEAT_SPEED_MS);
    return motion;
  }

  private set(m: Member, status: Unit['status'], caseId: string | null): boolean {
    const now = this.fresh(m.unit.id);
    if (!now) return false;
    const version = this.setStatus(now, status, caseId);
    m.unit = version === null ? now : { ...now, status, caseId, version };
    return version !== null;
  }
}

function onShift(u: Unit, t: number): boolean {
  if (u.kind !== 'patrol') return false;
  const h = hourOf(t);
  return u.departmentCode === 'police' || (h >= SHIFT.start && h < SHIFT.end);
}

export function nextShiftChange(t: number): number {
  const h = hourOf(t);
  const dayStart = t - ((t + 8 * HOUR) % (24 * HOUR));
  if (h < SHIFT.start) return dayStart + SHIFT.start * HOUR;
  if (h < SHIFT.end) return dayStart + SHIFT.end * HOUR;
  return dayStart + (24 + SHIFT.start) * HOUR;
}
