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

/**
 * Gives every keyed source lacking a key a new random one. Returns the new plain keys (to be
 * shown once; they are not kept), or null when every source already had a key.
 */
export async function ensureSourceKeys(core: HubCore): Promise<Partial<Record<KeyedSource, string>> | null> {
  const have = new Set(await core.sourceKeys.sources());
  const made: Partial<Record<KeyedSource, string>> = {};
  for (const s of KEYED_SOURCES) {
    if (have.has(s)) continue;
    const key = newKey(s);
    await core.sourceKeys.put(s, digest(key).toString('hex'), core.clock());
    made[s] = key;
  }
  return Object.keys(made).length ? made : null;
}

/** Replaces a source's key; the old one stops working at once. Returns the new plain key. */
export async function rotateSourceKey(core: HubCore, source: KeyedSource): Promise<string> {
  if (!isKeyedSource(source)) throw new Error(`no ingestion endpoint for source ${String(source)}`);
  const key = newKey(source);
  await core.sourceKeys.put(source, digest(key).toString('hex'), core.clock());
  return key;
}

const DUMMY = digest('no key stored for this source');

/** Whether `presented` is the source's current key. Constant time in the key's content. */
export async function checkKey(core: HubCore, source: string, presented: unknown): Promise<boolean> {
  const stored = await core.sourceKeys.keyHash(source);
  const expected = stored ? Buffer.from(stored, 'hex') : DUMMY;
  const given = digest(typeof presented === 'string' ? presented.slice(0, 512) : '');
  // Both sides are 32-byte digests, so the comparison never leaks the key's length either.
  const same = expected.length === given.length && timingSafeEqual(expected, given);
  return same && !!stored && typeof presented === 'string' && presented.length > 0;
}
