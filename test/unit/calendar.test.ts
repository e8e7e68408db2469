import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { createCalendar, holidaysFromData, HolidayDataSchema, type CalendarConfig } from '../../shared/domain/calendar';
import { DomainError } from '../../shared/domain/errors';

const holidayJson: unknown = JSON.parse(readFileSync(new URL('../../resources/calendar/holidays.json', import.meta.url), 'utf8'));
const { holidays, workdays } = holidaysFromData(holidayJson);
// Default working hours: 08:30–12:00 and 13:00–17:30, eight hours a day.
const cal = createCalendar({ holidays, workdays });

/** Beijing wall-clock time → epoch ms. */
const bj = (local: string) => Date.parse(`${local}:00+08:00`);

function errorCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof DomainError ? e.code : `not a DomainError: ${String(e)}`;
  }
  return undefined;
}

describe('addWorkingHours', () => {
  it('skips the lunch break', () => {
    // Tue 2026-03-10 11:00 + 2 h = 11:00–12:00 and 13:00–14:00
    expect(cal.addWorkingHours(bj('2026-03-10T11:00'), 2)).toBe(bj('2026-03-10T14:00'));
  });

  it('skips the night', () => {
    // 16:30–17:30 is 1 h; the second hour is 08:30–09:30 the next morning
    expect(cal.addWorkingHours(bj('2026-03-10T16:30'), 2)).toBe(bj('2026-03-11T09:30'));
  });

  it('starts counting at the next working moment when reported at night or at lunch', () => {
    expect(cal.addWorkingHours(bj('2026-03-10T20:00'), 1)).toBe(bj('2026-03-11T09:30'));
    expect(cal.addWorkingHours(bj('2026-03-10T12:30'), 1)).toBe(bj('2026-03-10T14:00'));
  });

  it('ends a limit that fills the morning at 12:00, not after lunch', () => {
    expect(cal.addWorkingHours(bj('2026-03-10T08:30'), 3.5)).toBe(bj('2026-03-10T12:00'));
  });

  it('skips a weekend', () => {
    // Fri 2026-03-13 16:00–17:30 is 1.5 h; Mon 03-16 08:30–11:00 is the other 2.5 h
    expect(cal.addWorkingHours(bj('2026-03-13T16:00'), 4)).toBe(bj('2026-03-16T11:00'));
  });

  it('skips the National Day holiday 2026 (Oct 1–7)', () => {
    // Wed 09-30 16:00–17:30 = 1.5 h; Oct 1–7 off; Thu 10-08 = 8 h; Fri 10-09 08:30–12:00 = 3.5 h,
    // 13:00–16:00 = the last 3 h
    expect(cal.addWorkingHours(bj('2026-09-30T16:00'), 16)).toBe(bj('2026-10-09T16:00'));
  });

  it('works on the make-up Saturday after National Day (2026-10-10)', () => {
    // Fri 10-09 16:00–17:30 = 1.5 h; Sat 10-10 is a working day: 08:30–11:00 = 2.5 h
    expect(cal.addWorkingHours(bj('2026-10-09T16:00'), 4)).toBe(bj('2026-10-10T11:00'));
  });

  it('works on the make-up Sunday before National Day (2026-09-20)', () => {
    // Sat 09-19 is a normal weekend day; Sun 09-20 is worked
    expect(cal.addWorkingHours(bj('2026-09-19T10:00'), 2)).toBe(bj('2026-09-20T10:30'));
  });

  it('works the make-up Saturday before Spring Festival and skips the nine days off', () => {
    // Fri 02-13 17:00–17:30 = 0.5 h; Sat 02-14 (make-up) 08:30–09:00 = 0.5 h
    expect(cal.addWorkingHours(bj('2026-02-13T17:00'), 1)).toBe(bj('2026-02-14T09:00'));
    // Sat 02-14 from 09:00 = 7.5 h; Feb 15–23 off; Tue 02-24 = 8 h; Wed 02-25 08:30–09:00 = 0.5 h
    expect(cal.addWorkingHours(bj('2026-02-14T09:00'), 16)).toBe(bj('2026-02-25T09:00'));
  });

  it('accepts Date and epoch ms alike, and zero hours is the start itself', () => {
    const start = bj('2026-03-14T03:00'); // a Saturday night
    expect(cal.addWorkingHours(new Date(start), 2)).toBe(cal.addWorkingHours(start, 2));
    expect(cal.addWorkingHours(start, 0)).toBe(start);
  });

  it('refuses a negative or non-finite duration', () => {
    expect(errorCode(() => cal.addWorkingHours(bj('2026-03-10T09:00'), -1))).toBe('invalid_input');
    expect(errorCode(() => cal.addWorkingHours(Number.NaN, 1))).toBe('invalid_input');
  });

  it('does not depend on the process time zone', () => {
    const saved = process.env.TZ;
    try {
      process.env.TZ = 'America/New_York';
      expect(createCalendar({ holidays, workdays }).addWorkingHours(bj('2026-10-09T16:00'), 4)).toBe(bj('2026-10-10T11:00'));
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });
});

describe('addNaturalHours', () => {
  it('runs through nights and holidays', () => {
    expect(cal.addNaturalHours(bj('2026-09-30T16:00'), 24)).toBe(bj('2026-10-01T16:00'));
    expect(cal.addNaturalHours(bj('2026-10-03T23:50'), 1 / 6)).toBe(bj('2026-10-04T00:00'));
  });
});

describe('isWorkingTime and workingHoursBetween', () => {
  it('knows working hours, holidays and make-up days', () => {
    expect(cal.isWorkingTime(bj('2026-03-10T08:30'))).toBe(true);
    expect(cal.isWorkingTime(bj('2026-03-10T12:30'))).toBe(false);
    expect(cal.isWorkingTime(bj('2026-03-10T17:30'))).toBe(false); // the end is exclusive
    expect(cal.isWorkingTime(bj('2026-10-01T09:00'))).toBe(false);
    expect(cal.isWorkingTime(bj('2026-10-10T09:00'))).toBe(true);
    expect(cal.isWorkday(bj('2026-09-20T23:00'))).toBe(true);
  });

  it('counts working hours between two instants, signed', () => {
    expect(cal.workingHoursBetween(bj('2026-10-09T16:00'), bj('2026-10-10T11:00'))).toBe(4);
    expect(cal.workingHoursBetween(bj('2026-10-10T11:00'), bj('2026-10-09T16:00'))).toBe(-4);
    // Only Sep 30 works between Sep 30 and Oct 8 (midnight to midnight)
    expect(cal.workingHoursBetween(bj('2026-09-30T00:00'), bj('2026-10-08T00:00'))).toBe(8);
  });

  it('is the inverse of addWorkingHours', () => {
    const start = bj('2026-02-12T10:15');
    expect(cal.workingHoursBetween(start, cal.addWorkingHours(start, 23.25))).toBe(23.25);
  });

  it('honours configured hours and offset', () => {
    const utc = createCalendar({ utcOffset: '+00:00', workHours: [{ start: '09:00', end: '17:00' }] });
    expect(utc.addWorkingHours(Date.parse('2026-03-13T16:00:00Z'), 2)).toBe(Date.parse('2026-03-16T10:00:00Z'));
  });
});

describe('createCalendar validation', () => {
  const bad: [string, unknown][] = [
    ['overlapping intervals', { workHours: [{ start: '08:30', end: '12:30' }, { start: '12:00', end: '17:30' }] }],
    ['unsorted intervals', { workHours: [{ start: '13:00', end: '17:30' }, { start: '08:30', end: '12:00' }] }],
    ['a reversed interval', { workHours: [{ start: '17:00', end: '09:00' }] }],
    ['no intervals', { workHours: [] }],
    ['a bad clock time', { workHours: [{ start: '8:30', end: '12:00' }] }],
    ['an impossible date', { holidays: ['2026-02-30'] }],
    ['a malformed date', { holidays: ['2026/10/01'] }],
    ['a day that is both holiday and make-up day', { holidays: ['2026-10-10'], workdays: ['2026-10-10'] }],
    ['a bad offset', { utcOffset: 'Asia/Shanghai' }],
    ['an unknown field', { timezone: 'Asia/Shanghai' }],
  ];
  it.each(bad)('refuses %s with invalid_calendar', (_what, config) => {
    expect(errorCode(() => createCalendar(config as CalendarConfig))).toBe('invalid_calendar');
  });

  it('accepts touching intervals', () => {
    expect(() => createCalendar({ workHours: [{ start: '08:00', end: '12:00' }, { start: '12:00', end: '16:00' }] })).not.toThrow();
  });
});

describe('holidays.json', () => {
  const data = HolidayDataSchema.parse(holidayJson);
  const weekday = (iso: string) => new Date(`${iso}T00:00:00Z`).getUTCDay();

  it('holds the official 2026 schedule: 33 days off, 6 make-up working days', () => {
    const y2026 = data.years.find((y) => y.year === 2026);
    expect(y2026?.provisional).toBe(false);
    const only2026 = holidaysFromData({ ...data, years: [y2026] });
    expect(only2026.holidays).toHaveLength(33);
    expect(only2026.workdays.sort()).toEqual(['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10']);
  });

  it('marks 2027 as provisional', () => {
    expect(holidaysFromData(holidayJson).provisionalYears).toEqual([2027]);
  });

  it('puts every make-up working day on a weekend', () => {
    for (const d of workdays) expect([0, 6]).toContain(weekday(d));
  });

  it('refuses a period that ends before it starts', () => {
    const broken = { source: 'x', years: [{ year: 2026, provisional: false, source: 'x', periods: [{ name: 'a', nameEn: 'a', from: '2026-10-07', to: '2026-10-01' }] }] };
    expect(errorCode(() => holidaysFromData(broken))).toBe('invalid_calendar');
  });
});
