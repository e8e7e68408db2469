/**
 * A case's deadline as the queue and the countdowns use it, from the shared rules
 * (shared/domain/deadlines). The running stage and its due instant depend on the case only, so
 * they are cached per case object (the store hands out the same object until the case
 * changes); only the state (ok / due soon / overdue) depends on `now`.
 */
import { caseTimeliness, deadlineState, DEFAULT_CASE_DUE_SOON, type DeadlineState, type Stage } from '../../../shared/domain/deadlines';
import type { Case } from '../../../shared/protocol/entities';

export interface CaseClock {
  stage: Stage | null;
  due: number | null;
  /** When the running stage started: "due soon" is its last fifth. */
  startedAt: number | null;
  paused: boolean;
}

const NONE: CaseClock = { stage: null, due: null, startedAt: null, paused: false };
const cache = new WeakMap<Case, CaseClock>();

export function caseClock(c: Case): CaseClock {
  let clock = cache.get(c);
  if (clock) return clock;
  try {
    const t = caseTimeliness({ status: c.status, reportedAt: c.reportedAt, dispatchedAt: c.dispatchedAt, deadlines: { dispatchDue: c.dispatchDue ?? NaN, handlingDue: c.handlingDue } }, c.reportedAt);
    const startedAt = t.stage === 'dispatch' ? c.reportedAt : t.stage === 'handling' ? c.dispatchedAt : null;
    clock = Number.isFinite(t.due) ? { stage: t.stage, due: t.due, startedAt, paused: t.paused } : { ...NONE, paused: t.paused };
  } catch {
    clock = NONE; // a case without the deadline its status needs: shown without a countdown, never as "on time"
  }
  cache.set(c, clock);
  return clock;
}

export type Timeliness = DeadlineState | 'none' | 'paused';

export function timelinessAt(c: Case, now: number): Timeliness {
  const clock = caseClock(c);
  if (clock.paused) return 'paused';
  if (clock.due === null) return 'none';
  const rule = clock.startedAt !== null ? { ...DEFAULT_CASE_DUE_SOON, startedAt: clock.startedAt } : { dueSoonMs: 0 };
  return deadlineState(clock.due, now, rule);
}
