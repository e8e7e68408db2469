/**
 * Change batches from the bridge, applied in ONE dispatch per animation frame. The core already
 * coalesces per frame; this guards the window anyway (a slow frame, a burst after a resync):
 * batches that arrive between two frames are merged, latest state per entity.
 */
import { BATCH_ENTITIES, emptyBatch, emptyEntities, type BatchEntity } from '../../shared/bridge/batch';
import type { ChangeBatch } from '../../shared/bridge/contract';

function latestById<T extends { id: string }>(a: readonly T[], b: readonly T[], newer: (x: T, y: T) => boolean): T[] {
  if (!a.length) return [...b];
  const map = new Map(a.map((x) => [x.id, x]));
  for (const y of b) {
    const x = map.get(y.id);
    if (!x || newer(y, x)) map.set(y.id, y);
  }
  return [...map.values()];
}

/** A batch with every field present, so an older or leaner shell's batch still applies cleanly. */
export function normalizeBatch(raw: Partial<ChangeBatch>): ChangeBatch {
  const out: ChangeBatch = {
    ...emptyBatch(),
    reset: raw.reset === true,
    positions: raw.positions ?? [],
    answers: raw.answers ?? [],
    pending: raw.pending ?? null,
    connection: raw.connection ?? null,
    settings: raw.settings ?? null,
    people: Array.isArray(raw.people) ? raw.people : null,
  };
  // Each kind of entity the batch carries (shared/bridge/batch.ts), and its removals: absent is none.
  const removed = out.removed as Record<BatchEntity, string[]>;
  for (const kind of BATCH_ENTITIES) {
    const list: unknown = raw[kind];
    if (Array.isArray(list)) (out as Record<BatchEntity, unknown>)[kind] = list;
    const gone: unknown = raw.removed?.[kind];
    if (Array.isArray(gone)) removed[kind] = gone as string[];
  }
  return out;
}

/** `a`'s entities that `b` removes are dropped; `a`'s removals that `b` brings back are undone. */
function mergeEntities<T extends { id: string; version: number }>(a: readonly T[], aRemoved: readonly string[], b: readonly T[], bRemoved: readonly string[]) {
  const gone = new Set(bRemoved);
  const back = new Set(b.map((x) => x.id));
  return {
    list: latestById(a.filter((x) => !gone.has(x.id)), b, byVersion),
    removed: [...new Set([...aRemoved.filter((id) => !back.has(id)), ...bRemoved])],
  };
}

type Versioned = { id: string; version: number };
const byVersion = (y: { version: number }, x: { version: number }) => y.version >= x.version;

/** `b` after `a`: what applying both in order would do. */
export function mergeBatches(a: ChangeBatch, b: ChangeBatch): ChangeBatch {
  const entities = emptyEntities();
  for (const kind of BATCH_ENTITIES) {
    const m = mergeEntities<Versioned>(a[kind] ?? [], a.removed[kind] ?? [], b[kind] ?? [], b.removed[kind] ?? []);
    (entities as Record<BatchEntity, Versioned[]>)[kind] = m.list;
    entities.removed[kind] = m.removed;
  }
  return {
    reset: a.reset || b.reset,
    ...entities,
    positions: latestById(a.positions, b.positions, (y, x) => y.at >= x.at),
    answers: [...a.answers, ...b.answers],
    pending: b.pending ?? a.pending,
    connection: b.connection ?? a.connection,
    settings: b.settings ?? a.settings,
    // The whole directory each time: the later one is the directory.
    people: b.people ?? a.people ?? null,
  };
}

/**
 * Collects batches and hands them on at most once per `schedule` tick (requestAnimationFrame
 * in the window). Returns the push function and a flush (used before a snapshot re-read).
 */
export function createBatchPump(apply: (batch: ChangeBatch) => void, schedule: (fn: () => void) => void) {
  let waiting: ChangeBatch | null = null;
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    const batch = waiting;
    waiting = null;
    if (batch) apply(batch);
  };
  return {
    push(batch: ChangeBatch) {
      waiting = waiting ? mergeBatches(waiting, batch) : batch;
      if (!scheduled) {
        scheduled = true;
        schedule(flush);
      }
    },
    flush,
  };
}
