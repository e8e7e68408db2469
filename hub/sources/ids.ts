/**
 * Deterministic command ids for source records. The hub applies a commandId at most once and
 * answers a repeat with its first answer, so deriving the id from the record makes re-posting a
 * batch harmless. The id hashes the source, the external reference and the report as built:
 * - the same record again → the same id → the hub's first answer (a duplicate);
 * - a corrected record after a refusal → a new id → judged afresh;
 * - a changed record whose reference is already a case → a new id → `conflict` naming the case.
 */
import { createHash } from 'node:crypto';

/** 32 hex digits of SHA-256 shaped as an RFC 9562 name-based UUID (version 5, variant 10). */
export function uuidFromHash(...parts: string[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p, 'utf8').update('\u0000');
  const hex = h.digest('hex').slice(0, 32).split('');
  hex[12] = '5';
  hex[16] = (8 | (parseInt(hex[16]!, 16) & 3)).toString(16);
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20, 32)}`;
}

export function sourceCommandId(source: string, externalRef: string, payload: unknown): string {
  return uuidFromHash('linkage-source-record', source, externalRef, JSON.stringify(payload));
}
