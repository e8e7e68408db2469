/**
 * How long people take. The center is on duty round the clock; departments answer in office
 * hours unless the case is urgent or they are a round-the-clock service; handling takes a
 * department-typical share of the catalog's limit, and now and then runs past it.
 */
import type { Calendar } from '../../shared/domain/calendar';
import type { Case, Urgency } from '../../shared/protocol';
import { CHANCES, departmentProfile } from './profiles';
import type { Rng } from './random';

const MIN = 60_000;
const HOUR = 3_600_000;

export class Pace {
  constructor(private readonly rng: Rng, private readonly calendar: Calendar) {}

  /** Registering, dispatching: minutes, faster for urgent cases, sometimes slow (past the 30-minute limit). */
  center(urgency: Urgency, t: number): number {
    if (this.rng.chance(CHANCES.slowCenter)) return t + this.rng.between(25, 50) * MIN;
    const [lo, hi] = urgency === 'urgent' ? [1, 4] : urgency === 'high' ? [2, 10] : [3, 20];
    return t + this.rng.between(lo, hi) * MIN;
  }

  /** A department's answer, `lo`–`hi` minutes of its (office or round-the-clock) time. */
  department(dept: string, urgency: Urgency, t: number, lo: number, hi: number): number {
    const minutes = this.rng.between(lo, hi);
    if (urgency === 'urgent' || departmentProfile(dept).roundTheClock || this.calendar.isWorkingTime(t)) return t + minutes * MIN;
    return this.calendar.addWorkingHours(t, minutes / 60);
  }

  /** Verification is a field check by day; urgent cases are checked at once. */
  verify(urgency: Urgency, t: number): number {
    if (urgency === 'urgent') return t + this.rng.between(15, 45) * MIN;
    return this.calendar.addWorkingHours(t, this.rng.between(0.3, 2.5));
  }

  /**
   * When the department (having just accepted at `t`) reports the case resolved. Durations are
   * taken from the hub's own deadline fields, so this holds whatever clock the hub runs on.
   */
  handling(c: Case, dept: string, t: number, rework: boolean): { at: number; remaining: number } {
    const profile = departmentProfile(dept);
    const remaining = Math.max(30 * MIN, (c.handlingDue ?? t + 4 * HOUR) - (c.acceptedAt ?? t));
    const late = this.rng.chance(profile.lateChance);
    let at = rework
      ? t + Math.min(remaining, this.rng.logNormal(3 * HOUR, 0.5))
      : late
        ? t + remaining + this.rng.logNormal(0.25 * remaining, 0.6) + 10 * MIN
        : t + Math.min(0.95 * remaining, this.rng.logNormal(profile.resolveShare * remaining, 0.5));
    at = Math.max(at, t + 15 * MIN);
    if (!profile.roundTheClock && c.urgency !== 'urgent' && !this.calendar.isWorkingTime(at)) {
      // Office departments finish in office hours, unless that would make them late.
      const shifted = this.calendar.addWorkingHours(at, this.rng.between(0.1, 1.5));
      if (late || shifted <= t + remaining) at = shifted;
    }
    return { at, remaining };
  }
}
