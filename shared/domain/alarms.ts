/**
 * When a case calls for an alarm (a tone, a flash, an OS notification): the one rule both
 * notifiers use — the window's listener (renderer/app/listeners.ts, browser mode and Electron's
 * windows) and Electron's main process (main/electron/app.ts, the desktop notice).
 *
 * A duty officer is alerted to news that needs action now: a report not yet registered
 * (status `reported`), of urgency `urgent` or `high` (each has its own tone), that arrived
 * recently. Reports older than ALARM_FRESH_MS when they reach a notifier are catch-up after a
 * cut or a restart, already in the queue: they are shown, not sounded.
 */
import type { Case, Urgency } from '../protocol/entities';

/** Reports older than this when they reach a notifier are catch-up, not news: no alarm. */
export const ALARM_FRESH_MS = 10 * 60_000;

/** The urgencies that alarm; `normal` reports only enter the queue. */
export const ALARM_URGENCIES: readonly Urgency[] = ['urgent', 'high'];

/** The case itself calls for an alarm at `now` (whether it is new to a notifier is the caller's: see newAlarms). */
export function isAlarming(c: Pick<Case, 'status' | 'urgency' | 'reportedAt'>, now: number): boolean {
  return c.status === 'reported' && ALARM_URGENCIES.includes(c.urgency) && now - c.reportedAt <= ALARM_FRESH_MS;
}

/** The cases of a batch that alarm and that the notifier had not seen before (`known`). */
export function newAlarms<C extends Pick<Case, 'id' | 'status' | 'urgency' | 'reportedAt'>>(
  cases: readonly C[], known: (id: string) => boolean, now: number,
): C[] {
  return cases.filter((c) => !known(c.id) && isAlarming(c, now));
}

/**
 * "Seen before" for a notifier that keeps no store (Electron's main process), kept as a window's
 * store keeps its cases: the cases of a snapshot a window loads are known (`know`; added, not
 * replacing, so a batch that passed while the snapshot was on its way is not forgotten), a
 * batch's cases are known after it, its removals are forgotten (a case that left the scope and
 * comes back is new again). Nothing alarms before the first snapshot, as in a window that has
 * not loaded one.
 */
export class AlarmWatch {
  private readonly seen = new Set<string>();
  private loaded = false;

  /** A snapshot handed to a window: its cases are known to it. */
  know(cases: readonly Pick<Case, 'id'>[]): void {
    for (const c of cases) this.seen.add(c.id);
    this.loaded = true;
  }

  /** The batch's new alarming cases; then remembers the batch's cases and forgets its removals. */
  take<C extends Pick<Case, 'id' | 'status' | 'urgency' | 'reportedAt'>>(
    batch: { cases: readonly C[]; removed: { cases: readonly string[] } }, now: number,
  ): C[] {
    const alarms = this.loaded ? newAlarms(batch.cases, (id) => this.seen.has(id), now) : [];
    for (const id of batch.removed.cases) this.seen.delete(id);
    for (const c of batch.cases) this.seen.add(c.id);
    return alarms;
  }
}
