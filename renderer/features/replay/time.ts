/** The replay's times in the district's time (the center's clock), whatever the machine's zone. */
import { DISTRICT_TIME_ZONE } from '../../../shared/domain/district-time';

/** "2025-06-02T10:00" for a datetime-local field, and back (shared/domain/district-time.ts). */
export { fromLocalMinute as fromLocalInput, toLocalMinute as toLocalInput } from '../../../shared/domain/district-time';

const fmtCache = new Map<string, Intl.DateTimeFormat>();
export function formatMoment(ms: number, lang: string): string {
  let f = fmtCache.get(lang);
  if (!f) fmtCache.set(lang, (f = new Intl.DateTimeFormat(lang, { timeZone: DISTRICT_TIME_ZONE, month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })));
  return f.format(ms);
}

