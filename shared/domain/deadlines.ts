/**
 * Stage deadlines of a case (ARCHITECTURE §3, ARCHITECTURE §3.1): dispatch is timed
 * from the report, handling from the dispatch (the clock starts at dispatch). Overdue is
 * always derived from the deadlines and the status, never stored.
 */
import type { Catalog, TimeLimit } from './catalog';
import { toEpochMs, type Calendar, type Instant } from './calendar';
import { DomainError } from './errors';
import { CASE_STATUSES, type CaseStatus } from './lifecycle';

export type Stage = 'dispatch' | 'handling';

/**
 * Which deadline is running in each status. A returned case is back with the center to be
 * re-dispatched; a reopened one is back with the department. Suspension (an approved
 * extension) stops the clock.
 */
const RUNNING_STAGE: Record<CaseStatus, Stage | 'paused' | null> = {
  reported: 'dispatch',
  registered: 'dispatch',
  returned: 'dispatch',
  dispatched: 'handling',
  accepted: 'handling',
  reopened: 'handling',
  suspended: 'paused',
  resolved: null,
  closed: null,
  rejected: null,
};

export interface DeadlineInput {
  catalog: Catalog;
  calendar: Calendar;
  categoryCode: string;
  urgency: string;
  reportedAt: Instant;
  /** Absent until the case is dispatched: the handling clock has not started. */
  dispatchedAt?: Instant | null;
}

/** Epoch ms; `handlingDue` is null until the case is dispatched. */
export interface Deadlines {
  dispatchDue: number;
  handlingDue: number | null;
}

export function dueAfter(calendar: Calendar, start: Instant, limit: TimeLimit): number {
  return limit.basis === 'natural'
    ? calendar.addNaturalHours(start, limit.hours)
    : calendar.addWorkingHours(start, limit.hours);
}

/** @throws DomainError 'unknown_category' | 'unknown_urgency' | 'invalid_input' */
export function computeDeadlines(input: DeadlineInput): Deadlines {
  const { catalog, calendar, dispatchedAt } = input;
  const limits = catalog.urgency(input.categoryCode, input.urgency);
  return {
    dispatchDue: dueAfter(calendar, input.reportedAt, limits.dispatch),
    handlingDue: dispatchedAt == null ? null : dueAfter(calendar, dispatchedAt, limits.handling),
  };
}

export type DeadlineState = 'ok' | 'due_soon' | 'overdue';

/** "Due soon" as a fixed margin, or as the last fraction of the stage's whole window. */
export type DueSoonRule = { dueSoonMs: number } | { dueSoonFraction: number; startedAt: Instant };

/** Overdue only once the due instant has passed: a case finished exactly at the limit is on time. */
export function deadlineState(due: Instant, now: Instant, rule: DueSoonRule): DeadlineState {
  const dueMs = toEpochMs(due);
  const left = dueMs - toEpochMs(now);
  if (left < 0) return 'overdue';
  return left <= dueSoonMargin(dueMs, rule) ? 'due_soon' : 'ok';
}

function dueSoonMargin(dueMs: number, rule: DueSoonRule): number {
  if ('dueSoonMs' in rule) {
    if (!(rule.dueSoonMs >= 0)) throw new DomainError('invalid_input', `dueSoonMs must be ≥ 0, got ${rule.dueSoonMs}`);
    return rule.dueSoonMs;
  }
  if (!(rule.dueSoonFraction >= 0 && rule.dueSoonFraction <= 1)) {
    throw new DomainError('invalid_input', `dueSoonFraction must be within 0..1, got ${rule.dueSoonFraction}`);
  }
  return rule.dueSoonFraction * Math.max(0, dueMs - toEpochMs(rule.startedAt));
}

/** The part of a case that its timeliness depends on. */
export interface CaseClock {
  status: string;
  reportedAt: Instant;
  dispatchedAt?: Instant | null;
  deadlines: { dispatchDue: Instant; handlingDue?: Instant | null };
}

export interface Timeliness {
  /** The stage whose deadline is running, or null when none is (finished, or paused). */
  stage: Stage | null;
  due: number | null;
  state: DeadlineState;
  /** Suspended: the clock stands still, so the case counts as neither overdue nor due soon. */
  paused: boolean;
}

/** The stage window's last fifth: 6 min of a 30-min dispatch, one day of a 5-day handling. */
export const DEFAULT_CASE_DUE_SOON = { dueSoonFraction: 0.2 } as const;

/** @throws DomainError 'invalid_input' for an unknown status, or a running stage without its deadline or start */
export function caseTimeliness(
  c: CaseClock,
  now: Instant,
  rule: { dueSoonMs: number } | { dueSoonFraction: number } = DEFAULT_CASE_DUE_SOON,
): Timeliness {
  if (!(CASE_STATUSES as readonly string[]).includes(c.status)) {
    throw new DomainError('invalid_input', `unknown case status "${c.status}"`);
  }
  const running = RUNNING_STAGE[c.status as CaseStatus];
  if (running === null || running === 'paused') {
    return { stage: null, due: null, state: 'ok', paused: running === 'paused' };
  }
  const due = running === 'dispatch' ? c.deadlines.dispatchDue : c.deadlines.handlingDue;
  if (due == null) throw new DomainError('invalid_input', `a ${c.status} case has no ${running} deadline`);
  const startedAt = running === 'dispatch' ? c.reportedAt : c.dispatchedAt;
  let soon: DueSoonRule;
  if ('dueSoonMs' in rule) soon = rule;
  else if (startedAt != null) soon = { ...rule, startedAt };
  else throw new DomainError('invalid_input', `a ${c.status} case has no ${running} start to measure "due soon" from`);
  return { stage: running, due: toEpochMs(due), state: deadlineState(due, now, soon), paused: false };
}
