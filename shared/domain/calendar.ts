/**
 * Working time (ARCHITECTURE §3): the working hours of a day, public holidays and the make-up
 * working days (调休) that move weekends. Deadlines in working hours skip the rest.
 *
 * All arithmetic is on epoch milliseconds shifted by a fixed UTC offset (+08:00 by default:
 * China has had no daylight saving since 1991), so the result never depends on the process
 * time zone of the hub, the app core or the browser.
 */
import { z } from 'zod';
import { dayAtOffset, dayStartAtOffset, DAY_MS, DISTRICT_UTC_OFFSET, HOUR_MS } from './district-time';
import { DomainError } from './errors';

const MINUTE_MS = 60_000;
/** A calendar without working time must fail, not loop: ten years is beyond any deadline. */
const MAX_SCAN_DAYS = 3_660;

export type Instant = Date | number;

export const DEFAULT_WORK_HOURS = [
  { start: '08:30', end: '12:00' },
  { start: '13:00', end: '17:30' },
];

/** Days since 1970-01-01 for an ISO date; NaN when it is not a real date (2026-02-30). */
function dayNumber(iso: string): number {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const ms = Date.UTC(y, m - 1, d);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === iso ? ms / DAY_MS : NaN;
}

const isoDate = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

function clockMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

const IsoDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'dates are written YYYY-MM-DD')
  .refine((d) => !Number.isNaN(dayNumber(d)), 'not a calendar date');
const ClockTimeSchema = z.string().regex(/^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'times are written HH:MM');
const IntervalSchema = z.strictObject({ start: ClockTimeSchema, end: ClockTimeSchema });

export const CalendarConfigSchema = z
  .strictObject({
    utcOffset: z.string().regex(/^[+-](?:[01]\d|2[0-3]):[0-5]\d$/, 'offsets are written ±HH:MM').default(DISTRICT_UTC_OFFSET),
    /** Working intervals of a working day, in order, e.g. morning and afternoon around lunch. */
    workHours: z.array(IntervalSchema).min(1).default(() => DEFAULT_WORK_HOURS.map((i) => ({ ...i }))),
    /** Days off (法定节假日 and the weekdays moved into them). */
    holidays: z.array(IsoDateSchema).default([]),
    /** Make-up working days (调休上班) that fall on a Saturday or Sunday. */
    workdays: z.array(IsoDateSchema).default([]),
  })
  .superRefine((c, ctx) => {
    let previousEnd = -1;
    for (const { start, end } of c.workHours) {
      if (clockMinutes(start) >= clockMinutes(end)) ctx.addIssue({ code: 'custom', message: `work interval ${start}–${end} is empty or reversed` });
      if (clockMinutes(start) < previousEnd) ctx.addIssue({ code: 'custom', message: `work interval ${start}–${end} overlaps or precedes the one before` });
      previousEnd = clockMinutes(end);
    }
    const holidays = new Set(c.holidays);
    for (const d of c.workdays) {
      if (holidays.has(d)) ctx.addIssue({ code: 'custom', message: `${d} is both a holiday and a make-up working day` });
    }
  });
export type CalendarConfig = z.input<typeof CalendarConfigSchema>;

export interface Calendar {
  readonly config: z.output<typeof CalendarConfigSchema>;
  isWorkday(at: Instant): boolean;
  isWorkingTime(at: Instant): boolean;
  addNaturalHours(start: Instant, hours: number): number;
  /** The instant `hours` of working time after `start`; a limit that ends at 12:00 stays 12:00. */
  addWorkingHours(start: Instant, hours: number): number;
  /** Working hours in [a, b); negative when b is before a. */
  workingHoursBetween(a: Instant, b: Instant): number;
}

export function toEpochMs(at: Instant): number {
  const ms = at instanceof Date ? at.getTime() : at;
  if (!Number.isFinite(ms)) throw new DomainError('invalid_input', `not a time: ${String(at)}`);
  return ms;
}

function durationMs(hours: number): number {
  if (!Number.isFinite(hours) || hours < 0) throw new DomainError('invalid_input', `not a duration in hours: ${hours}`);
  return Math.round(hours * HOUR_MS);
}

/** @throws DomainError 'invalid_calendar' when the config does not validate. */
export function createCalendar(input: CalendarConfig): Calendar {
  const parsed = CalendarConfigSchema.safeParse(input);
  if (!parsed.success) throw new DomainError('invalid_calendar', `calendar: ${z.prettifyError(parsed.error)}`);
  const config = parsed.data;

  const sign = config.utcOffset.startsWith('-') ? -1 : 1;
  const offsetMs = sign * clockMinutes(config.utcOffset.slice(1)) * MINUTE_MS;
  const holidays = new Set(config.holidays.map((d) => dayNumber(d)));
  const makeUpDays = new Set(config.workdays.map((d) => dayNumber(d)));
  const intervals = config.workHours.map((i) => [clockMinutes(i.start) * MINUTE_MS, clockMinutes(i.end) * MINUTE_MS] as const);

  const localDay = (ms: number) => dayAtOffset(ms, offsetMs);
  const isWorkDay = (day: number) => {
    if (makeUpDays.has(day)) return true;
    if (holidays.has(day)) return false;
    const weekday = (day + 4) % 7; // 1970-01-01 was a Thursday; 0 = Sunday
    return weekday >= 1 && weekday <= 5;
  };
  /** The day's working intervals as absolute [start, end) epoch ms. */
  const spans = (day: number): (readonly [number, number])[] => {
    if (!isWorkDay(day)) return [];
    const midnight = dayStartAtOffset(day, offsetMs);
    return intervals.map(([s, e]) => [midnight + s, midnight + e] as const);
  };

  const workingHoursBetween = (a: Instant, b: Instant): number => {
    const from = toEpochMs(a);
    const to = toEpochMs(b);
    if (to < from) return -workingHoursBetween(to, from);
    let total = 0;
    for (let day = localDay(from); day <= localDay(to); day++) {
      for (const [s, e] of spans(day)) total += Math.max(0, Math.min(e, to) - Math.max(s, from));
    }
    return total / HOUR_MS;
  };

  return {
    config,
    isWorkday: (at) => isWorkDay(localDay(toEpochMs(at))),
    isWorkingTime(at) {
      const ms = toEpochMs(at);
      return spans(localDay(ms)).some(([s, e]) => ms >= s && ms < e);
    },
    addNaturalHours: (start, hours) => toEpochMs(start) + durationMs(hours),
    addWorkingHours(start, hours) {
      const from = toEpochMs(start);
      let left = durationMs(hours);
      if (left === 0) return from;
      for (let day = localDay(from), n = 0; n < MAX_SCAN_DAYS; day++, n++) {
        for (const [s, e] of spans(day)) {
          if (e <= from) continue;
          const begin = Math.max(s, from);
          if (e - begin >= left) return begin + left;
          left -= e - begin;
        }
      }
      throw new DomainError('invalid_calendar', 'the calendar has no working time within ten years');
    },
    workingHoursBetween,
  };
}

const HolidayPeriodSchema = z
  .strictObject({
    name: z.string().min(1),
    nameEn: z.string().min(1),
    from: IsoDateSchema,
    to: IsoDateSchema,
    workdays: z.array(IsoDateSchema).default([]),
  })
  .refine((p) => p.from <= p.to, 'a holiday period ends before it starts');

export const HolidayDataSchema = z.strictObject({
  source: z.string().min(1),
  years: z.array(
    z.strictObject({
      year: z.number().int(),
      /** True until the State Council's notice for the year is published and copied in. */
      provisional: z.boolean(),
      source: z.string().min(1),
      note: z.string().optional(),
      periods: z.array(HolidayPeriodSchema),
    }),
  ),
});

/**
 * The holidays and make-up working days of resources/calendar/holidays.json, flattened for
 * CalendarConfig; `provisionalYears` lets the UI warn that those years are estimates.
 * @throws DomainError 'invalid_calendar'
 */
export function holidaysFromData(json: unknown): { holidays: string[]; workdays: string[]; provisionalYears: number[] } {
  const parsed = HolidayDataSchema.safeParse(json);
  if (!parsed.success) throw new DomainError('invalid_calendar', `holidays: ${z.prettifyError(parsed.error)}`);
  const holidays: string[] = [];
  const workdays: string[] = [];
  for (const year of parsed.data.years) {
    for (const p of year.periods) {
      for (let day = dayNumber(p.from); day <= dayNumber(p.to); day++) holidays.push(isoDate(day));
      workdays.push(...p.workdays);
    }
  }
  const provisionalYears = parsed.data.years.filter((y) => y.provisional).map((y) => y.year);
  return { holidays, workdays, provisionalYears };
}
