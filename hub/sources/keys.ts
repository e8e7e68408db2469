/**
 * API keys of the ingestion networks ("many networks in one"). Each source system presents its
 * own key in `X-Api-Key`; the hub keeps only the key's SHA-256 and compares in constant time.
 * Keys are made on first start and shown once; an operator rotates one with `rotateSourceKey`.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { HubCore } from '../core';

/** The sources that have an ingestion endpoint (and so a key). */
export const KEYED_SOURCES = ['hotline', 'patrol', 'video', 'police', 'cap'] as const;
export type KeyedSource = (typeof KEYED_SOURCES)[number];

export function isKeyedSource(s: string): s is KeyedSource {
  return (KEYED_SOURCES as readonly string[]).includes(s);
}

const digest = (key: string): Buffer => createHash('sha256').update(key, 'utf8').digest();

/** `lk_<source>_<32 random bytes>`: the prefix tells an operator which key is which. */
function newKey(source: KeyedSource): string {
  return `lk_${source}_${randomBytes(32).toString('base64url')}`;
}

function store(core: HubCore, source: KeyedSource, key: string): void {
  core.db.prepare(`INSERT INTO source_keys (source, key_hash, created_at) VALUES (?, ?, ?)
    ON CONFLICT(source) DO UPDATE SET key_hash = excluded.key_hash, created_at = excluded.created_at`)
    .run(source, digest(key).toString('hex'), core.clock());
}

/**
 * Gives every keyed source lacking a key a new random one. Returns the new plain keys (to be
 * shown once; they are not kept), or null when every source already had a key.
 */
export function ensureSourceKeys(core: HubCore): Partial<Record<KeyedSource, string>> | null {
  const have = new Set((core.db.prepare('SELECT source FROM source_keys').all() as { source: string }[]).map((r) => r.source));
  const made: Partial<Record<KeyedSource, string>> = {};
  core.db.transaction(() => {
    for (const s of KEYED_SOURCES) {
      if (have.has(s)) continue;
      const key = newKey(s);
      store(core, s, key);
      made[s] = key;
    }
  })();
  return Object.keys(made).length ? made : null;
}

/** Replaces a source's key; the old one stops working at once. Returns the new plain key. */
export function rotateSourceKey(core: HubCore, source: KeyedSource): string {
  if (!isKeyedSource(source)) throw new Error(`no ingestion endpoint for source ${String(source)}`);
  const key = newKey(source);
  store(core, source, key);
  return key;
}

const DUMMY = digest('no key stored for this source');

/** Whether `presented` is the source's current key. Constant time in the key's content. */
export function checkKey(core: HubCore, source: string, presented: unknown): boolean {
  const row = core.db.prepare('SELECT key_hash FROM source_keys WHERE source = ?').get(source) as { key_hash: string } | undefined;
  const expected = row ? Buffer.from(row.key_hash, 'hex') : DUMMY;
  const given = digest(typeof presented === 'string' ? presented.slice(0, 512) : '');
  // Both sides are 32-byte digests, so the comparison never leaks the key's length either.
  const same = expected.length === given.length && timingSafeEqual(expected, given);
  return same && !!row && typeof presented === 'string' && presented.length > 0;
}
