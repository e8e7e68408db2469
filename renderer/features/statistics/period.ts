/**
 * The statistics window's periods, in Beijing time like the hub's days and months: today, this
 * week (Monday first), this month, or custom dates (both ends included). Each is [from, to) in
 * epoch ms, with the period before it for the trends: yesterday, last week, last month, or the
 * same number of days just before a custom period. Pure.
 */
import { dayStart, localDay, localMonth, monthStart } from '../../../shared/domain/assessment';

export const PERIOD_KINDS = ['today', 'week', 'month', 'custom'] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];

export interface Period {
  kind: PeriodKind;
  from: number;
  to: number;
  previousFrom: number;
  previousTo: number;
}

const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` of a Beijing day number. */
export function dateOf(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The Beijing day number of `YYYY-MM-DD`; null when it is not a date. */
export function dayOf(date: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return null;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return new Date(ms).toISOString().slice(0, 10) === date ? Math.floor(ms / DAY_MS) : null;
}

export function periodOf(kind: PeriodKind, now: number, custom?: { from: string; to: string }): Period | null {
  const today = localDay(now);
  switch (kind) {
    case 'today':
      return { kind, from: dayStart(today), to: dayStart(today + 1), previousFrom: dayStart(today - 1), previousTo: dayStart(today) };
    case 'week': {
      const monday = today - ((today + 3) % 7); // 1970-01-01 was a Thursday
      return { kind, from: dayStart(monday), to: dayStart(monday + 7), previousFrom: dayStart(monday - 7), previousTo: dayStart(monday) };
    }
    case 'month': {
      const m = localMonth(now);
      return { kind, from: monthStart(m), to: monthStart(m + 1), previousFrom: monthStart(m - 1), previousTo: monthStart(m) };
    }
    case 'custom': {
      const a = custom ? dayOf(custom.from) : null;
      const b = custom ? dayOf(custom.to) : null;
      if (a === null || b === null || b < a || b - a > 3650) return null;
      const days = b - a + 1;
      return { kind, from: dayStart(a), to: dayStart(b + 1), previousFrom: dayStart(a - days), previousTo: dayStart(a) };
    }
  }
}

/** The dates a period covers, both included, e.g. for the pickers and the report's cover. */
export function periodDates(p: { from: number; to: number }): { from: string; to: string } {
  return { from: dateOf(localDay(p.from)), to: dateOf(localDay(p.to - 1)) };
}
