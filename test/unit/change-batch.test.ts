// One list of a change batch's entity kinds (shared/bridge/batch.ts): the schema's fields, the
// session's empty batches, the core's coalescer and the window's normalizeBatch agree on it.
import { describe, expect, it } from 'vitest';
import { BATCH_ENTITIES, emptyBatch, emptyEntities, hasEntityChanges } from '../../shared/bridge/batch';
import { ChangeBatchSchema, CoreSnapshotSchema, SnapshotSchema } from '../../shared/bridge/contract';
import { ChangeCoalescer } from '../../main/core/changes';
import type { ChangeBatch } from '../../main/core/model';
import { normalizeBatch } from '../../renderer/app/batches';

describe('the change batch has one list of entity kinds', () => {
  it('is the schema\'s entity fields and removals', () => {
    const removedKeys = Object.keys(ChangeBatchSchema.shape.removed.shape);
    expect([...BATCH_ENTITIES].sort()).toEqual(removedKeys.sort());
    for (const k of BATCH_ENTITIES) expect(Object.keys(ChangeBatchSchema.shape)).toContain(k);
  });

  it('an empty batch carries every kind, operations included, and is a valid batch', () => {
    const b = emptyBatch();
    for (const k of BATCH_ENTITIES) {
      expect(b[k]).toEqual([]);
      expect(b.removed[k]).toEqual([]);
    }
    expect(ChangeBatchSchema.safeParse({ ...b, settings: null }).success).toBe(true);
    expect(hasEntityChanges(b)).toBe(false);
    expect(emptyBatch().cases).not.toBe(emptyBatch().cases); // fresh lists each time
  });

  it('a lean batch is normalized to every kind; the coalescer emits every kind', () => {
    const n = normalizeBatch({ cases: [], removed: { cases: ['c1'], units: [], cameras: [] } });
    expect(n.operations).toEqual([]);
    expect(n.removed).toEqual({ ...emptyEntities().removed, cases: ['c1'] });
    const got: ChangeBatch[] = [];
    const c = new ChangeCoalescer((b) => got.push(b), 1);
    c.addRemoved({ cases: ['c1'], operations: ['OP1'] });
    c.flush();
    c.dispose();
    expect(got).toHaveLength(1);
    expect(got[0]!.removed).toEqual({ ...emptyEntities().removed, cases: ['c1'], operations: ['OP1'] });
    for (const k of BATCH_ENTITIES) expect(got[0]![k]).toEqual([]);
  });
});

describe('the snapshot has one schema', () => {
  it('the core\'s snapshot is the bridge snapshot without what the session adds', () => {
    const core = Object.keys(CoreSnapshotSchema.shape).sort();
    const all = Object.keys(SnapshotSchema.shape).filter((k) => !['user', 'answers', 'settings'].includes(k)).sort();
    expect(core).toEqual(all);
  });
});
