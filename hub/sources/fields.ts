/**
 * Field parsers shared by the source adapters. Source systems send numbers as strings (CSV
 * always does), Chinese urgency words, and times with or without a zone: this is where that
 * variety becomes the one shape the hub's ReportPayload wants.
 */
import { z } from 'zod';
import { URGENCIES, type Urgency } from '../../shared/protocol';

/** '' and whitespace-only values count as absent (CSV has no other way to leave a field out). */
const blankToUndefined = (v: unknown): unknown => (typeof v === 'string' && v.trim() === '' ? undefined : v);

const toNumber = (v: unknown): unknown => {
  const b = blankToUndefined(v);
  return typeof b === 'string' ? Number(b.trim()) : b;
};

export const lng = z.preprocess(toNumber, z.number({ error: 'longitude must be a number' }).finite().min(-180).max(180));
export const lat = z.preprocess(toNumber, z.number({ error: 'latitude must be a number' }).finite().min(-90).max(90));
export const optLng = z.preprocess(toNumber, z.number().finite().min(-180).max(180).optional());
export const optLat = z.preprocess(toNumber, z.number().finite().min(-90).max(90).optional());

/** A required text field, trimmed. */
export const text = (max: number) => z.preprocess(blankToUndefined, z.string().trim().min(1).max(max));
/** An optional text field, trimmed; blank is absent. */
export const optText = (max: number) => z.preprocess(blankToUndefined, z.string().trim().max(max).optional());

/** A record's own id in its network: letters, digits and a few separators. */
export const ref = z.preprocess(
  (v) => (typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : blankToUndefined(v)),
  z.string().trim().min(1).max(64).regex(/^[\w.:\-/]+$/, 'only letters, digits and . _ - : / are allowed'),
);

/** Catalog small-class codes are strings: a JSON number would have lost its leading zero. */
export const category = z.preprocess(blankToUndefined, z.string({ error: 'category must be a string code such as "06010"' }).trim().min(1).max(16));

/** Words the hotline and police systems use for urgency, besides the hub's own. */
const URGENCY_WORDS: Record<string, Urgency> = {
  紧急: 'urgent', 特急: 'urgent', 加急: 'high', 较急: 'high', 急: 'high', 一般: 'normal', 普通: 'normal',
};

const toUrgency = (v: unknown): unknown => {
  const b = blankToUndefined(v);
  if (typeof b !== 'string') return b;
  const t = b.trim();
  return URGENCY_WORDS[t] ?? t.toLowerCase();
};

export const urgency = z.preprocess(toUrgency, z.enum(URGENCIES));
export const optUrgency = z.preprocess(toUrgency, z.enum(URGENCIES).optional());

const EARLIEST = Date.UTC(2000, 0, 1);
const ZONED = /(?:Z|[+-]\d{2}:?\d{2})$/i;
const LOCAL = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?$/;

/**
 * A time as epoch ms: ISO 8601 with a zone, epoch milliseconds, or a local
 * `YYYY-MM-DD HH:mm[:ss]` (also with `/`), which Chinese systems write in Beijing time (UTC+8).
 */
export function parseTime(v: unknown): number | null {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= EARLIEST ? v : null;
  if (typeof v !== 'string') return null;
  const t = v.trim();
  if (/^\d{13}$/.test(t)) return parseTime(Number(t));
  if (ZONED.test(t) && /^\d{4}-\d{2}-\d{2}T/.test(t)) {
    const ms = Date.parse(t);
    return Number.isFinite(ms) && ms >= EARLIEST ? ms : null;
  }
  const m = LOCAL.exec(t);
  if (!m) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '0'] = m;
  const ms = Date.UTC(+y!, +mo! - 1, +d!, +h - 8, +mi, +s, +frac.padEnd(3, '0'));
  // Date.UTC rolls over (Feb 30 → Mar 2); a real date survives the round trip.
  const back = new Date(ms + 8 * 3600_000);
  if (back.getUTCFullYear() !== +y! || back.getUTCMonth() !== +mo! - 1 || back.getUTCDate() !== +d! || +h > 23 || +mi > 59 || +s > 59) return null;
  return ms >= EARLIEST ? ms : null;
}

export const time = z.preprocess(blankToUndefined, z.unknown().transform((v, ctx) => {
  const ms = parseTime(v);
  if (ms === null) {
    ctx.addIssue({ code: 'custom', message: 'expected an ISO 8601 time with zone, epoch ms, or "YYYY-MM-DD HH:mm:ss" (Beijing time)' });
    return z.NEVER;
  }
  return ms;
}));
export const optTime = z.preprocess(blankToUndefined, z.union([z.undefined(), time]));

/** Attachments are links to the source system's store; only http(s) links are kept. */
export const httpUrl = z.string().trim().max(2000).refine((u) => {
  try {
    const p = new URL(u).protocol;
    return p === 'https:' || p === 'http:';
  } catch {
    return false;
  }
}, 'must be an http(s) URL');

/** One line per problem: `field: message`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : '(record)'}: ${i.message}`)
    .join('; ');
}
