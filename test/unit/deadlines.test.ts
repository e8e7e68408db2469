import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { parseCatalog } from '../../shared/domain/catalog';
import { createCalendar, holidaysFromData } from '../../shared/domain/calendar';
import { caseTimeliness, computeDeadlines, deadlineState, type CaseClock } from '../../shared/domain/deadlines';
import { DomainError } from '../../shared/domain/errors';

const readJson = (path: string): unknown => JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8'));
const catalog = parseCatalog(readJson('../../resources/catalog/categories.json'));
const { holidays, workdays } = holidaysFromData(readJson('../../resources/calendar/holidays.json'));
const calendar = createCalendar({ holidays, workdays });

const bj = (local: string) => Date.parse(`${local}:00+08:00`);
const MIN = 60_000;

function errorCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof DomainError ? e.code : `not a DomainError: ${String(e)}`;
  }
  return undefined;
}

describe('computeDeadlines', () => {
  it('times exposed garbage: dispatch 30 min natural, handling 4 working hours from dispatch', () => {
    const d = computeDeadlines({
      catalog, calendar, categoryCode: '06010', urgency: 'normal',
      reportedAt: bj('2026-10-09T15:00'), dispatchedAt: bj('2026-10-09T15:20'),
    });
    expect(d.dispatchDue).toBe(bj('2026-10-09T15:30'));
    // Fri 15:20–17:30 = 2 h 10 min; the make-up Saturday 10-10 08:30–10:20 = 1 h 50 min
    expect(d.handlingDue).toBe(bj('2026-10-10T10:20'));
  });

  it('times an urgent emergency in natural time, at night on a holiday', () => {
    const d = computeDeadlines({
      catalog, calendar, categoryCode: '90001', urgency: 'urgent',
      reportedAt: bj('2026-10-01T02:00'), dispatchedAt: bj('2026-10-01T02:05'),
    });
    expect(d).toEqual({ dispatchDue: bj('2026-10-01T02:10'), handlingDue: bj('2026-10-01T03:05') });
  });

  it('times a 12345 consultation in one working day, across National Day', () => {
    const d = computeDeadlines({
      catalog, calendar, categoryCode: '94001', urgency: 'normal',
      reportedAt: bj('2026-09-30T09:40'), dispatchedAt: bj('2026-09-30T10:00'),
    });
    // Sep 30: 10:00–12:00 + 13:00–17:30 = 6.5 h; Oct 1–7 off; Oct 8 08:30–10:00 = 1.5 h
    expect(d.handlingDue).toBe(bj('2026-10-08T10:00'));
  });

  it('has no handling deadline before dispatch', () => {
    const d = computeDeadlines({ catalog, calendar, categoryCode: '06010', urgency: 'high', reportedAt: bj('2026-03-10T09:00') });
    expect(d).toEqual({ dispatchDue: bj('2026-03-10T09:30'), handlingDue: null });
  });

  it('refuses an unknown category or urgency', () => {
    const base = { catalog, calendar, reportedAt: bj('2026-03-10T09:00') };
    expect(errorCode(() => computeDeadlines({ ...base, categoryCode: '99999', urgency: 'normal' }))).toBe('unknown_category');
    expect(errorCode(() => computeDeadlines({ ...base, categoryCode: '06010', urgency: 'critical' }))).toBe('unknown_urgency');
    expect(errorCode(() => computeDeadlines({ ...base, categoryCode: '06010', urgency: 'urgent' }))).toBe('unknown_urgency');
  });
});

describe('deadlineState', () => {
  const due = bj('2026-03-10T10:00');

  it('is overdue only after the due instant', () => {
    expect(deadlineState(due, due + 1, { dueSoonMs: 0 })).toBe('overdue');
    expect(deadlineState(due, due, { dueSoonMs: 0 })).toBe('due_soon');
    expect(deadlineState(due, due - 1, { dueSoonMs: 0 })).toBe('ok');
  });

  it('is due soon within a fixed margin', () => {
    expect(deadlineState(due, due - 15 * MIN, { dueSoonMs: 15 * MIN })).toBe('due_soon');
    expect(deadlineState(due, due - 16 * MIN, { dueSoonMs: 15 * MIN })).toBe('ok');
  });

  it('is due soon in the last fraction of the window', () => {
    const startedAt = due - 100 * MIN;
    expect(deadlineState(due, due - 25 * MIN, { dueSoonFraction: 0.2, startedAt })).toBe('ok');
    expect(deadlineState(due, due - 15 * MIN, { dueSoonFraction: 0.2, startedAt })).toBe('due_soon');
  });

  it('refuses a fraction outside 0..1 or a negative margin', () => {
    expect(errorCode(() => deadlineState(due, due, { dueSoonFraction: 1.5, startedAt: 0 }))).toBe('invalid_input');
    expect(errorCode(() => deadlineState(due, due, { dueSoonMs: -1 }))).toBe('invalid_input');
  });
});

describe('caseTimeliness', () => {
  const reportedAt = bj('2026-03-10T09:00');
  const dispatchedAt = bj('2026-03-10T09:20');
  const deadlines = { dispatchDue: bj('2026-03-10T09:30'), handlingDue: bj('2026-03-10T13:50') };
  const clock = (status: string): CaseClock => ({ status, reportedAt, dispatchedAt, deadlines });

  it('watches the dispatch deadline while the case waits at the center', () => {
    for (const status of ['reported', 'registered', 'returned']) {
      expect(caseTimeliness(clock(status), bj('2026-03-10T09:31'))).toEqual({ stage: 'dispatch', due: deadlines.dispatchDue, state: 'overdue', paused: false });
    }
  });

  it('watches the handling deadline while the department has it', () => {
    // Handling window 09:20–13:50 is 270 min; the last fifth is the final 54 min
    for (const status of ['dispatched', 'accepted', 'reopened']) {
      expect(caseTimeliness(clock(status), bj('2026-03-10T13:00')).state).toBe('due_soon');
      expect(caseTimeliness(clock(status), bj('2026-03-10T12:00'))).toEqual({ stage: 'handling', due: deadlines.handlingDue, state: 'ok', paused: false });
    }
    expect(caseTimeliness(clock('accepted'), bj('2026-03-10T12:00'), { dueSoonMs: 120 * MIN }).state).toBe('due_soon');
  });

  it('stops the clock while suspended', () => {
    expect(caseTimeliness(clock('suspended'), bj('2026-03-11T09:00'))).toEqual({ stage: null, due: null, state: 'ok', paused: true });
  });

  it('has no running deadline once resolved, closed or rejected', () => {
    for (const status of ['resolved', 'closed', 'rejected']) {
      expect(caseTimeliness(clock(status), bj('2026-03-12T09:00'))).toEqual({ stage: null, due: null, state: 'ok', paused: false });
    }
  });

  it('refuses an unknown status or a running stage without its deadline', () => {
    expect(errorCode(() => caseTimeliness(clock('lost'), reportedAt))).toBe('invalid_input');
    const undispatched = { status: 'dispatched', reportedAt, deadlines: { dispatchDue: deadlines.dispatchDue } };
    expect(errorCode(() => caseTimeliness(undispatched, reportedAt))).toBe('invalid_input');
  });
});
