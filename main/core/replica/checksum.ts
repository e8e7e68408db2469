/**
 * A fingerprint of a state: sha256 over the sorted `id:version` pairs of each entity kind.
 * Versions only grow, so equal fingerprints mean the replica holds what the hub holds. Pure, so
 * tests compute the hub's side with the same code from a snapshot or the hub's tables.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';

export interface Versioned {
  id: string;
  version: number;
}

export const EntityChecksumSchema = z.object({ count: z.number().int().nonnegative(), hash: z.string() });
export const ChecksumSchema = z.object({
  cases: EntityChecksumSchema,
  units: EntityChecksumSchema,
  cameras: EntityChecksumSchema,
  operations: EntityChecksumSchema,
  /** One string to compare: the hashes together. */
  all: z.string(),
});
export type EntityChecksum = z.infer<typeof EntityChecksumSchema>;
export type Checksum = z.infer<typeof ChecksumSchema>;

/** Code-unit order, the same in every process (SQL's collation is not used on purpose). */
const byId = (a: Versioned, b: Versioned): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export function entityChecksum(items: Iterable<Versioned>): EntityChecksum {
  const sorted = [...items].sort(byId);
  const h = createHash('sha256');
  for (const it of sorted) h.update(`${it.id}:${it.version}\n`);
  return { count: sorted.length, hash: h.digest('hex') };
}

/** `operations` absent counts as none (callers from before operations existed). */
export function checksumOf(state: { cases: Iterable<Versioned>; units: Iterable<Versioned>; cameras: Iterable<Versioned>; operations?: Iterable<Versioned> }): Checksum {
  const cases = entityChecksum(state.cases);
  const units = entityChecksum(state.units);
  const cameras = entityChecksum(state.cameras);
  const operations = entityChecksum(state.operations ?? []);
  const all = createHash('sha256').update(`cases ${cases.hash}\nunits ${units.hash}\ncameras ${cameras.hash}\noperations ${operations.hash}\n`).digest('hex');
  return { cases, units, cameras, operations, all };
}
