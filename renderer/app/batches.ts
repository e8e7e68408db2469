/**
 * Change batches from the bridge, applied in ONE dispatch per animation frame. The core already
 * coalesces per frame; this guards the window anyway (a slow frame, a burst after a resync):
 * batches that arrive between two frames are merged, latest state per entity.
 */
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
  return {
    reset: raw.reset === true,
    cases: raw.cases ?? [],
    units: raw.units ?? [],
    cameras: raw.cameras ?? [],
    operations: Array.isArray(raw.operations) ? raw.operations : [],
    removed: {
      cases: raw.removed?.cases ?? [], units: raw.removed?.units ?? [], cameras: raw.removed?.cameras ?? [],
      operations: Array.isArray(raw.removed?.operations) ? raw.removed.operations : [],
    },
    positions: raw.positions ?? [],
    answers: raw.answers ?? [],
    pending: raw.pending ?? null,
    connection: raw.connection ?? null,
    settings: raw.settings ?? null,
    people: Array.isArray(raw.people) ? raw.people : null,
  };
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

const byVersion = (y: { version: number }, x: { version: number }) => y.version >= x.version;

/** `b` after `a`: what applying both in order would do. */
export function mergeBatches(a: ChangeBatch, b: ChangeBatch): ChangeBatch {
  const cases = mergeEntities(a.cases, a.removed.cases, b.cases, b.removed.cases);
  const units = mergeEntities(a.units, a.removed.units, b.units, b.removed.units);
  const cameras = mergeEntities(a.cameras, a.removed.cameras, b.cameras, b.removed.cameras);
  const operations = mergeEntities(a.operations ?? [], a.removed.operations ?? [], b.operations ?? [], b.removed.operations ?? []);
  return {
    reset: a.reset || b.reset,
    cases: cases.list,
    units: units.list,
    cameras: cameras.list,
    operations: operations.list,
    removed: { cases: cases.removed, units: units.removed, cameras: cameras.removed, operations: operations.removed },
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
