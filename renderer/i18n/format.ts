/**
 * Dates, times and durations through Intl, in Shanghai time whatever the machine's zone (the
 * center works on Beijing time, as the hub's calendar does).
 */
import { DISTRICT_TIME_ZONE as TZ } from '../../shared/domain/district-time';

const cache = new Map<string, Intl.DateTimeFormat | Intl.RelativeTimeFormat | Intl.NumberFormat>();

function cached<T extends Intl.DateTimeFormat | Intl.RelativeTimeFormat | Intl.NumberFormat>(key: string, make: () => T): T {
  let f = cache.get(key) as T | undefined;
  if (!f) {
    f = make();
    cache.set(key, f);
  }
  return f;
}

export function formatTime(ms: number, lang: string): string {
  return cached(`t:${lang}`, () => new Intl.DateTimeFormat(lang, { timeZone: TZ, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })).format(ms);
}

export function formatDateTime(ms: number, lang: string): string {
  return cached(`dt:${lang}`, () => new Intl.DateTimeFormat(lang, { timeZone: TZ, month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })).format(ms);
}

/** "5 分钟前" / "5 minutes ago", in the largest fitting unit. */
export function formatAgo(ms: number, lang: string): string {
  const f = cached(`rel:${lang}`, () => new Intl.RelativeTimeFormat(lang, { numeric: 'auto' }));
  const s = Math.round(ms / 1000);
  if (s < 60) return f.format(-s, 'second');
  if (s < 3600) return f.format(-Math.floor(s / 60), 'minute');
  if (s < 86_400) return f.format(-Math.floor(s / 3600), 'hour');
  return f.format(-Math.floor(s / 86_400), 'day');
}

const pad = (n: number) => String(n).padStart(2, '0');

/** A countdown's magnitude: "01:02:03", or days and "hh:mm" beyond a day (seconds then add nothing). */
export function formatSpan(ms: number, daysLabel: (count: number) => string): string {
  const s = Math.floor(Math.abs(ms) / 1000);
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${daysLabel(d)} ${pad(h)}:${pad(m)}`;
  return `${pad(h)}:${pad(m)}:${pad(s % 60)}`;
}

export function formatPercent(x: number, lang: string): string {
  return cached(`pct:${lang}`, () => new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 1 })).format(x);
}

export function formatNumber(x: number, lang: string): string {
  return cached(`n:${lang}`, () => new Intl.NumberFormat(lang)).format(x);
}

/** "甲、乙和丙" / "A, B, and C". */
export function formatList(items: readonly string[], lang: string): string {
  return new Intl.ListFormat(lang, { style: 'long', type: 'conjunction' }).format(items);
}
