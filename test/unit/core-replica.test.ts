import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { CaseSchema, EventSchema, UnitSchema, type Case, type HubEvent, type Unit } from '../../shared/protocol';
import { noChanges, Replica } from '../../main/core/replica/replica';
import { checksumOf } from '../../main/core/replica/checksum';
import { casesFromRowsJson } from '../../main/core/model';

// Fake data built from the protocol's schemas, so a schema change breaks these tests loudly.
function makeCase(id: string, version: number, over: Partial<Case> = {}): Case {
  return CaseSchema.parse({
    id, version, status: 'reported', previousStatus: null, source: 'hotline', externalRef: null,
    categoryCode: '010101', urgency: 'normal', point: [121.38, 31.11], address: '闵行区某路1号',
    subdistrictCode: '310112102', communityCode: '310112102001', reporter: null, description: '',
    attachments: [], owners: [], reportedAt: 1_700_000_000_000, registeredAt: null, dispatchedAt: null,
    acceptedAt: null, resolvedAt: null, closedAt: null, dispatchDue: null, handlingDue: null,
    dueSoonAt: null, overdueAt: null, mergedInto: null, updatedAt: 1_700_000_000_000 + version, ...over,
  });
}

function makeUnit(id: string, version: number): Unit {
  return UnitSchema.parse({
    id, version, name: `巡逻${id}`, kind: 'patrol', departmentCode: 'cgzf', subdistrictCode: '310112102',
    status: 'available', home: [121.4, 31.1], caseId: null, updatedAt: 1_700_000_000_000 + version,
  });
}

function caseEvent(seq: number, c: Case, type = 'case.updated', detail: Record<string, unknown> = {}): HubEvent {
  return EventSchema.parse({ seq, at: 1_700_000_000_000 + seq, type, entity: 'case', id: c.id, data: { state: c, by: 'u1', commandId: null, detail } });
}

function unitEvent(seq: number, u: Unit): HubEvent {
  return EventSchema.parse({ seq, at: 1_700_000_000_000 + seq, type: 'unit.status', entity: 'unit', id: u.id, data: { state: u, by: null, commandId: null, detail: {} } });
}

let dir: string;
let file: string;
let replica: Replica;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'core-replica-'));
  file = path.join(dir, 'replica.sqlite');
  replica = Replica.open(file);
});

afterEach(() => {
  replica.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('replica schema', () => {
  it('runs numbered migrations once and records user_version; WAL with synchronous=NORMAL', () => {
    expect(replica.db.pragma('user_version', { simple: true })).toBe(4); // 0001-initial, 0002-operations, 0003-position-samples, 0004-people
    expect(replica.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(replica.db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    replica.close();
    replica = Replica.open(file); // again: nothing re-applied, nothing thrown
    expect(replica.db.pragma('user_version', { simple: true })).toBe(4);
  });

  it('keeps the people directory whole, across a wipe and a reopen', () => {
    const a = { id: 'u-b', displayName: '绿化联络员', role: 'liaison' as const, departmentCode: 'greening' };
    const b = { id: 'u-a', displayName: '区指挥长', role: 'coordinator' as const, departmentCode: null };
    expect(replica.people()).toEqual([]);
    expect(replica.replacePeople([a, b])).toBe(true);
    expect(replica.replacePeople([b, a])).toBe(false); // the same directory: no change to announce
    replica.wipe(); // another scope: the hub's directory stays
    replica.close();
    replica = Replica.open(file);
    expect(replica.people()).toEqual([b, a]);
    expect(replica.replacePeople([{ ...a, displayName: '绿化局联络员' }])).toBe(true);
    expect(replica.people()).toEqual([{ ...a, displayName: '绿化局联络员' }]);
    expect(replica.replacePeople([])).toBe(true);
    expect(replica.people()).toEqual([]);
  });

  it('refuses a file written by a newer schema', () => {
    replica.db.pragma('user_version = 99');
    replica.close();
    expect(() => Replica.open(file)).toThrow(/schema 99/);
    replica = Replica.open(path.join(dir, 'other.sqlite'));
  });
});

describe('applying events', () => {
  it('applies a batch and its lastSeq in one transaction', () => {
    const a = makeCase('C1', 1);
    const changes = replica.applyEvents([caseEvent(1, a), unitEvent(2, makeUnit('U1', 1)), caseEvent(3, makeCase('C2', 1))], 5);
    expect(changes.cases.map((c) => c.id)).toEqual(['C1', 'C2']);
    expect(changes.units.map((u) => u.id)).toEqual(['U1']);
    expect(replica.lastSeq).toBe(5); // upTo beyond the last visible event (a scoped user's gap)

    // A batch that fails half-way leaves neither its first events nor its lastSeq behind.
    const broken = { ...caseEvent(7, makeCase('C4', 1)) };
    (broken.data.state as Partial<Case>).description = undefined; // binding fails inside the transaction
    expect(() => replica.applyEvents([caseEvent(6, makeCase('C3', 1)), broken], 9)).toThrow();
    expect(replica.lastSeq).toBe(5);
    expect(replica.caseById('C3')).toBeNull();

    // What is on disk agrees (another connection, as after a crash).
    const raw = new Database(file, { readonly: true });
    expect(raw.prepare(`SELECT value FROM meta WHERE key = 'lastSeq'`).pluck().get()).toBe('5');
    expect(raw.prepare('SELECT COUNT(*) FROM cases').pluck().get()).toBe(2);
    raw.close();
  });

  it('is idempotent: a batch applied twice, or an old event late, changes nothing', () => {
    const batch = [caseEvent(1, makeCase('C1', 1)), caseEvent(2, makeCase('C1', 2, { status: 'registered' })), unitEvent(3, makeUnit('U1', 1))];
    replica.applyEvents(batch, 3);
    const before = replica.checksum();
    const again = replica.applyEvents(batch, 3);
    expect(again).toEqual(noChanges());
    expect(replica.checksum()).toEqual(before);
    expect(replica.caseById('C1')?.status).toBe('registered');
    expect(replica.timeline('C1').map((t) => t.seq)).toEqual([1, 2]);

    // Out of order inside one batch: sorted by seq, the later state wins.
    replica.applyEvents([caseEvent(5, makeCase('C2', 2, { status: 'registered' })), caseEvent(4, makeCase('C2', 1))]);
    expect(replica.caseById('C2')?.version).toBe(2);
    expect(replica.lastSeq).toBe(5);
  });

  it('never lets an older version overwrite a newer one (after a snapshot, say)', () => {
    const w = replica.beginSnapshot();
    w.addPage({ cases: [makeCase('C1', 5, { status: 'dispatched' })], units: [], cameras: [] });
    w.commit(10);
    // An event with seq > lastSeq but an older version of the entity: ignored for the state.
    replica.applyEvents([caseEvent(11, makeCase('C1', 4))]);
    expect(replica.caseById('C1')?.version).toBe(5);
    expect(replica.lastSeq).toBe(11);
  });

  it('keeps the timeline of a case in seq order with who, what and detail', () => {
    const c1 = makeCase('C1', 1);
    replica.applyEvents([caseEvent(1, c1, 'case.reported'), caseEvent(2, makeCase('C9', 1)), caseEvent(3, makeCase('C1', 2), 'case.rejected', { reason: '重复' })]);
    const t = replica.timeline('C1');
    expect(t.map((e) => [e.seq, e.type])).toEqual([[1, 'case.reported'], [3, 'case.rejected']]);
    expect(t[1]!.detail).toEqual({ reason: '重复' });
    expect(t[1]!.by).toBe('u1');
  });
});

describe('leaving the scope', () => {
  it('removes an entity, and its timeline, when the hub tells that it left the user\'s scope', () => {
    // A liaison of department D1: the case is theirs, then re-dispatched to D2.
    const inScope = (e: HubEvent) => ((e.data.state as Case).owners ?? []).includes('D1');
    replica.applyEvents([caseEvent(1, makeCase('C1', 1, { owners: ['D1'] }))], 1, inScope);
    expect(replica.caseById('C1')).not.toBeNull();
    const ch = replica.applyEvents([caseEvent(2, makeCase('C1', 2, { owners: ['D2'] }), 'case.dispatched', { formerOwners: ['D1'] })], 2, inScope);
    expect(ch.removed.cases).toEqual(['C1']);
    expect(ch.cases).toEqual([]);
    expect(replica.caseById('C1')).toBeNull();
    expect(replica.timeline('C1')).toEqual([]);
    expect(replica.search('C1')).toEqual([]); // and out of the index
    expect(replica.lastSeq).toBe(2);
    // Back in scope later: the event's full state brings it back.
    replica.applyEvents([caseEvent(3, makeCase('C1', 3, { owners: ['D1'] }))], 3, inScope);
    expect(replica.caseById('C1')?.version).toBe(3);
  });
});

describe('snapshots', () => {
  it('replaces the state in one go, sets lastSeq, and drops timelines of cases no longer in scope', () => {
    replica.applyEvents([caseEvent(1, makeCase('OLD', 1)), caseEvent(2, makeCase('KEEP', 1)), unitEvent(3, makeUnit('U-OLD', 1))]);
    const w = replica.beginSnapshot();
    w.addPage({ cases: [makeCase('KEEP', 3)], units: [makeUnit('U1', 2)], cameras: [] });
    w.addPage({ cases: [makeCase('NEW', 1, { address: '虹桥枢纽' })], units: [], cameras: [] });
    expect(replica.caseById('OLD')).not.toBeNull(); // nothing visible before commit
    w.commit(500);
    expect(replica.lastSeq).toBe(500);
    expect(replica.cases().map((c) => c.id).sort()).toEqual(['KEEP', 'NEW']);
    expect(replica.units().map((u) => u.id)).toEqual(['U1']);
    expect(replica.caseById('KEEP')?.version).toBe(3);
    expect(replica.timeline('OLD')).toEqual([]);
    expect(replica.timeline('KEEP').map((e) => e.seq)).toEqual([2]);
    expect(replica.search('虹桥枢纽').map((c) => c.id)).toEqual(['NEW']); // the index followed
  });

  it('an abandoned snapshot leaves the replica as it was', () => {
    replica.applyEvents([caseEvent(1, makeCase('C1', 1))]);
    const w = replica.beginSnapshot();
    w.addPage({ cases: [makeCase('X', 1)], units: [], cameras: [] });
    w.abandon();
    expect(replica.cases().map((c) => c.id)).toEqual(['C1']);
    expect(replica.lastSeq).toBe(1);
  });
});

describe('search', () => {
  beforeEach(() => {
    let seq = 0;
    replica.applyEvents([
      caseEvent(++seq, makeCase('C-HQ', 1, { address: '申长路虹桥枢纽西交通中心', description: '出租车违规候客' })),
      caseEvent(++seq, makeCase('C-QB', 1, { address: '七宝老街', description: '占道经营' })),
      caseEvent(++seq, makeCase('C-XZ', 1, { address: '莘庄地铁站北广场', description: '共享单车乱停放，100% 堵塞', categoryCode: '030207' })),
      caseEvent(++seq, makeCase('C-HQ2', 1, { address: '虹桥镇吴中路', description: '垃圾满溢' })),
    ]);
  });

  it('finds 虹桥 inside 虹桥枢纽 (trigram, ≥ 3 characters)', () => {
    expect(replica.search('虹桥枢纽').map((c) => c.id)).toEqual(['C-HQ']);
    expect(replica.search('桥枢纽').map((c) => c.id)).toEqual(['C-HQ']);
    expect(replica.search('虹桥枢纽东')).toEqual([]);
  });

  it('answers 1–2 character queries with LIKE', () => {
    expect(replica.search('虹桥').map((c) => c.id).sort()).toEqual(['C-HQ', 'C-HQ2']);
    expect(replica.search('七宝').map((c) => c.id)).toEqual(['C-QB']);
    expect(replica.search('宝').map((c) => c.id)).toEqual(['C-QB']);
    expect(replica.search('%')).toHaveLength(1); // LIKE wildcards are literal
  });

  it('combines terms (all must match), searches category and id, and survives FTS syntax in input', () => {
    expect(replica.search('虹桥 垃圾').map((c) => c.id)).toEqual(['C-HQ2']);
    expect(replica.search('虹桥 出租车违规').map((c) => c.id)).toEqual(['C-HQ']);
    expect(replica.search('030207').map((c) => c.id)).toEqual(['C-XZ']);
    expect(replica.search('c-qb').map((c) => c.id)).toEqual(['C-QB']);
    expect(replica.search('"虹桥枢纽" OR *')).toEqual([]);
    expect(replica.search('   ')).toEqual([]);
  });

  it('follows updates of the text', () => {
    replica.applyEvents([caseEvent(10, makeCase('C-QB', 2, { address: '七宝镇新镇路' }))]);
    expect(replica.search('七宝老街')).toEqual([]);
    expect(replica.search('新镇路').map((c) => c.id)).toEqual(['C-QB']);
  });
});

describe('checksum', () => {
  it('is the sorted id:version fingerprint, equal to the one computed from plain lists', () => {
    const cases = [makeCase('B', 2), makeCase('A', 1)];
    const units = [makeUnit('U1', 3)];
    replica.applyEvents([caseEvent(1, makeCase('B', 1)), caseEvent(2, cases[0]!), caseEvent(3, cases[1]!), unitEvent(4, units[0]!)]);
    expect(replica.checksum()).toEqual(checksumOf({ cases, units, cameras: [] }));
    expect(replica.checksum().cases.count).toBe(2);
    expect(checksumOf({ cases: [makeCase('A', 2), makeCase('B', 2)], units, cameras: [] }).all).not.toBe(replica.checksum().all);
  });
});

describe('positions', () => {
  it('keeps the latest value per unit', () => {
    replica.savePositions([{ id: 'U1', point: [121.1, 31.1], heading: 0, speed: 1, at: 10 }]);
    replica.savePositions([{ id: 'U1', point: [121.2, 31.2], heading: 90, speed: 2, at: 20 }, { id: 'U2', point: [121.3, 31.3], heading: 0, speed: 0, at: 5 }]);
    replica.savePositions([{ id: 'U1', point: [121.0, 31.0], heading: 0, speed: 0, at: 15 }]); // older: ignored
    const byId = new Map(replica.positions().map((p) => [p.id, p]));
    expect(byId.get('U1')).toEqual({ id: 'U1', point: [121.2, 31.2], heading: 90, speed: 2, at: 20 });
    expect(byId.size).toBe(2);
  });
});

describe('the snapshot\'s case rows (issue 5)', () => {
  it('are made by SQLite from the stored cases: all ASCII, and decoded they equal cases()', () => {
    const tricky = makeCase('C2', 2, {
      address: '闵行区 "莘庄" \\ 路\n1号 😀', description: 'line\u2028sep\ttab \u0001', reporter: '张三', externalRef: 'x"y',
      point: [121.39819818663597, 31.016149397611617], attachments: [{ id: 'a1', name: '照片.jpg', mime: 'image/jpeg', size: 10 }],
      owners: ['gaj', 'cgzf'], registeredAt: 1_700_000_000_123, dispatchDue: 1_795_619_492_525,
    });
    replica.applyEvents([caseEvent(1, makeCase('C1', 1)), caseEvent(2, tricky), caseEvent(3, makeCase('C3', 1))], 3);
    const text = replica.caseRowsJson();
    expect(/^[\x00-\x7f]*$/.test(text)).toBe(true);
    const decoded = casesFromRowsJson(text);
    expect(decoded).toEqual(replica.cases());
    expect(decoded.find((c) => c.id === 'C2')).toEqual(tricky);
    const empty = Replica.open(path.join(dir, 'empty.sqlite'));
    expect(casesFromRowsJson(empty.caseRowsJson())).toEqual([]);
    empty.close();
  });
});
