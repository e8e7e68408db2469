/**
 * The district's clock: Beijing time (UTC+8; China has had no daylight saving since 1991). Days,
 * months and hours of the duty day, deadlines' working time and the replay's times are counted
 * in it, whatever the time zone of the hub, the app core or the browser. All of it is arithmetic
 * on epoch milliseconds shifted by the fixed offset.
 */

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** The district's UTC offset as written in ISO times and the calendar's config. */
export const DISTRICT_UTC_OFFSET = '+08:00';
/** The same in milliseconds. */
export const DISTRICT_OFFSET_MS = 8 * HOUR_MS;
/** The IANA zone, for Intl formatting. */
export const DISTRICT_TIME_ZONE = 'Asia/Shanghai';

/** Days since 1970-01-01 at a fixed UTC offset (the calendar's configured one). */
export const dayAtOffset = (ms: number, offsetMs: number): number => Math.floor((ms + offsetMs) / DAY_MS);
/** The instant day `day` begins at a fixed UTC offset. */
export const dayStartAtOffset = (day: number, offsetMs: number): number => day * DAY_MS - offsetMs;

/** Days since 1970-01-01 in the district's time (one argument: safe to pass to map()). */
export const localDay = (ms: number): number => dayAtOffset(ms, DISTRICT_OFFSET_MS);
/** The instant the district's day `day` begins. */
export const dayStart = (day: number): number => dayStartAtOffset(day, DISTRICT_OFFSET_MS);
/** Midnight of the district's day that holds `ms` (the duty day). */
export const startOfDistrictDay = (ms: number): number => dayStart(localDay(ms));

/** year × 12 + month (0-based), local time. */
export function localMonth(ms: number): number {
  const d = new Date(ms + DISTRICT_OFFSET_MS);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
}
export const monthStart = (month: number): number => Date.UTC(Math.floor(month / 12), month % 12, 1) - DISTRICT_OFFSET_MS;
/** Local hour of day 0–23. */
export const localHour = (ms: number): number => Math.floor((((ms + DISTRICT_OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS / HOUR_MS);

/** "2025-06-02T10:00" in the district's time, e.g. for a datetime-local field. */
export const toLocalMinute = (ms: number): string => new Date(ms + DISTRICT_OFFSET_MS).toISOString().slice(0, 16);
/** The instant of a "2025-06-02T10:00" written in the district's time; null when it is not one. */
export function fromLocalMinute(s: string): number | null {
  const ms = Date.parse(`${s}:00${DISTRICT_UTC_OFFSET}`);
  return Number.isFinite(ms) ? ms : null;
}
