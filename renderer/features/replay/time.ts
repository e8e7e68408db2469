/** The replay's times in Shanghai time (the center's clock), whatever the machine's zone. */
const TZ = 'Asia/Shanghai';
const SHANGHAI_OFFSET_MS = 8 * 3600_000; // no daylight saving in China

/** "2025-06-02T10:00" in Shanghai time, for a datetime-local field (whatever the machine's zone). */
export function toLocalInput(ms: number): string {
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 16);
}

export function fromLocalInput(s: string): number | null {
  const ms = Date.parse(`${s}:00+08:00`);
  return Number.isFinite(ms) ? ms : null;
}

const fmtCache = new Map<string, Intl.DateTimeFormat>();
export function formatMoment(ms: number, lang: string): string {
  let f = fmtCache.get(lang);
  if (!f) fmtCache.set(lang, (f = new Intl.DateTimeFormat(lang, { timeZone: TZ, month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })));
  return f.format(ms);
}

