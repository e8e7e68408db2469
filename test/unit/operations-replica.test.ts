// Operations in the app core's replica: applied from events, dropped when they leave the
// user's scope, replaced from snapshots, counted in the checksum, and the 0002 upgrade.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../main/core/sqlite';
import { Replica } from '../../main/core/replica/replica';
import { m0001 } from '../../main/core/replica/migrations/0001-initial';
import { checksumOf } from '../../main/core/replica/checksum';
import { ChangeCoalescer } from '../../main/core/changes';
import { activateOperation, parsePlans, reportTask } from '../../shared/domain/operations';
import { EventSchema, type HubEvent, type Operation } from '../../shared/protocol';
import type { ChangeBatch } from '../../main/core/model';

const book = parsePlans(JSON.parse(fs.readFileSync(new URL('../../resources/plans/plans.json', import.meta.url), 'utf8')));
const T0 = Date.UTC(2026, 6, 28, 6, 0);
const op1 = activateOperation(book.plan('typhoon-flood'), 4, { id: 'OP1', caseIds: [], subdistrictCodes: [] }, { at: T0, by: 'u-c' });

function opEvent(seq: number, op: Operation, type = 'operation.activated'): HubEvent {
  return EventSchema.parse({ seq, at: op.updatedAt, type, entity: 'operation', id: op.id, data: { state: op, by: 'u-c', commandId: null, detail: {} } });
}

let dir: string;
let replica: Replica;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ops-replica-'));
  replica = Replica.open(path.join(dir, 'replica.sqlite'));
});
afterEach(() => {
  replica.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('operations in the replica', () => {
  it('are upserted by version from events, and reported as changes', () => {
    const op2 = reportTask(op1, 'tf-iv-01', '到岗', true, { at: T0 + 60_000, by: 'u-w' });
    expect(replica.applyEvents([opEvent(1, op1)]).operations).toEqual([op1]);
    expect(replica.applyEvents([opEvent(2, op2, 'operation.taskReported')]).operations).toEqual([op2]);
    // An older state arriving late changes nothing.
    expect(replica.applyEvents([opEvent(3, op1)]).operations).toEqual([]);
    expect(replica.operations()).toEqual([op2]);
    expect(replica.operationById('OP1')).toEqual(op2);
    expect(replica.checksum()).toEqual(checksumOf({ cases: [], units: [], cameras: [], operations: [op2] }));
    expect(replica.checksum().operations.count).toBe(1);
  });

  it('are removed when the event says they left the user\'s scope', () => {
    replica.applyEvents([opEvent(1, op1)]);
    const changes = replica.applyEvents([opEvent(2, { ...op1, version: 2 }, 'operation.taskReassigned')], 0, () => false);
    expect(changes.removed.operations).toEqual(['OP1']);
    expect(replica.operations()).toEqual([]);
  });

  it('are replaced from a snapshot, and wiped with the rest', () => {
    replica.applyEvents([opEvent(1, op1)]);
    const w = replica.beginSnapshot();
    const other = { ...op1, id: 'OP2' };
    w.addPage({ cases: [], units: [], cameras: [], operations: [other] });
    w.commit(10);
    expect(replica.operations().map((o) => o.id)).toEqual(['OP2']);
    const old = replica.beginSnapshot();
    old.addPage({ cases: [], units: [], cameras: [] }); // a hub without operations
    old.commit(11);
    expect(replica.operations()).toEqual([]);
    replica.applyEvents([opEvent(12, op1)]);
    replica.wipe();
    expect(replica.operations()).toEqual([]);
  });

  it('upgrades a replica of schema 1 in place, keeping what it holds', () => {
    const file = path.join(dir, 'old.sqlite');
    const db = openDatabase(file, { synchronous: 'NORMAL', migrations: [m0001] });
    db.prepare(`INSERT INTO meta (key, value) VALUES ('lastSeq', '41')`).run();
    db.close();
    const upgraded = Replica.open(file);
    try {
      expect(upgraded.db.pragma('user_version', { simple: true })).toBe(4);
      expect(upgraded.lastSeq).toBe(41);
      upgraded.applyEvents([opEvent(42, op1)]);
      expect(upgraded.operations()).toEqual([op1]);
    } finally {
      upgraded.close();
    }
  });
});

describe('change batches', () => {
  it('carry operations and their removals, latest state per id', async () => {
    const batches: ChangeBatch[] = [];
    const c = new ChangeCoalescer((b) => batches.push(b), 5);
    const op2 = { ...op1, version: 2 };
    c.addEntities('operations', [op1]);
    c.addEntities('operations', [op2]);
    c.addRemoved({ cases: [], units: [], cameras: [], operations: ['OP9'] });
    c.flush();
    expect(batches).toHaveLength(1);
    expect(batches[0]!.operations).toEqual([op2]);
    expect(batches[0]!.removed.operations).toEqual(['OP9']);
    c.dispose();
  });
});
