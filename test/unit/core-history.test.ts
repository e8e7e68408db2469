// Replay's data in the core (issue 6): unit positions sampled at most every 10 s per unit, kept
// 7 days and pruned, thinned for long periods; a period's cases and their events.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CaseSchema, EventSchema, type Case, type HubEvent, type Position } from '../../shared/protocol';
import { BRIDGE_CALLS, HistorySchema, validateCall } from '../../shared/bridge/contract';
import { Replica } from '../../main/core/replica/replica';
import { MAX_SAMPLES, ReplicaHistory, SAMPLES_KEPT_MS } from '../../main/core/replica/history';
import { REPLICA_MIGRATIONS } from '../../main/core/replica/migrations';
import { METHOD_ARGS, METHOD_RESULTS } from '../../main/core/host/protocol';
import { CORE_METHODS } from '../../main/core/api';

const T0 = 1_700_000_000_000;

function makeCase(id: string, over: Partial<Case> = {}): Case {
  return CaseSchema.parse({
    id, version: 1, status: 'reported', previousStatus: null, source: 'hotline', externalRef: null,
    categoryCode: '06013', urgency: 'normal', point: [121.38, 31.11], address: '闵行区某路1号',
    subdistrictCode: '310112102', communityCode: '310112102001', reporter: null, description: '',
    attachments: [], owners: [], reportedAt: T0, registeredAt: null, dispatchedAt: null,
    acceptedAt: null, resolvedAt: null, closedAt: null, dispatchDue: null, handlingDue: null,
    dueSoonAt: null, overdueAt: null, mergedInto: null, updatedAt: T0, ...over,
  });
}

const event = (seq: number, at: number, c: Case, type: string): HubEvent =>
  EventSchema.parse({ seq, at, type, entity: 'case', id: c.id, data: { state: c, by: 'u1', commandId: null, detail: {} } });

const fix = (id: string, at: number, lng = 121.4, lat = 31.1): Position => ({ id, point: [lng, lat], heading: 90, speed: 5, at });

let dir: string;
let replica: Replica;
let history: ReplicaHistory;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'core-history-'));
  replica = Replica.open(path.join(dir, 'replica.sqlite'));
  history = new ReplicaHistory(replica.db);
});

afterEach(() => {
  replica.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('position samples', () => {
  it('are a migration of their own, right after operations', () => {
    const names = REPLICA_MIGRATIONS.map((m) => m.name);
    expect(names.findIndex((n) => /position-samples/.test(n))).toBe(names.findIndex((n) => /operations/.test(n)) + 1);
    expect(REPLICA_MIGRATIONS.map((m) => m.version)).toEqual(names.map((_, i) => i + 1));
  });

  it('are taken at most every 10 s per unit, by the fixes\' own times', () => {
    const taken = [0, 2_000, 9_999, 10_000, 15_000, 20_000, 31_000].flatMap((dt) => history.due([fix('U1', T0 + dt), fix('U2', T0 + dt * 2)]));
    expect(taken.filter((p) => p.id === 'U1').map((p) => p.at - T0)).toEqual([0, 10_000, 20_000, 31_000]);
    expect(taken.filter((p) => p.id === 'U2').map((p) => p.at - T0)).toEqual([0, 19_998, 30_000, 40_000, 62_000]);
  });

  it('go on from the last stored sample after a restart', () => {
    history.save([fix('U1', T0)]);
    const again = new ReplicaHistory(replica.db);
    expect(again.due([fix('U1', T0 + 5_000)])).toEqual([]);
    expect(again.due([fix('U1', T0 + 10_000)])).toHaveLength(1);
  });

  it('are kept 7 days, then pruned', () => {
    history.save([fix('U1', T0), fix('U1', T0 + 3600_000), fix('U2', T0 + SAMPLES_KEPT_MS)]);
    expect(history.prune(T0 + SAMPLES_KEPT_MS + 1)).toBe(1);
    const h = history.read({ from: T0, to: T0 + SAMPLES_KEPT_MS });
    expect(h.tracks.map((t) => [t.unitId, t.at.length])).toEqual([['U1', 1], ['U2', 1]]);
  });

  it('read back as tracks per unit, oldest first, with the last sample before the period', () => {
    history.save([fix('U1', T0 - 60_000, 121.0), fix('U1', T0 + 10_000, 121.1), fix('U1', T0 + 20_000, 121.2), fix('U1', T0 + 90_000, 121.9)]);
    const h = history.read({ from: T0, to: T0 + 60_000 });
    expect(h.tracks).toEqual([{ unitId: 'U1', at: [T0 - 60_000, T0 + 10_000, T0 + 20_000], lng: [121.0, 121.1, 121.2], lat: [31.1, 31.1, 31.1], heading: [90, 90, 90] }]);
    expect(h.sampleStepMs).toBe(10_000);
    expect(HistorySchema.safeParse(h).success).toBe(true);
  });

  it('are thinned for a long period, so one answer stays bounded', () => {
    const units = 30;
    const n = Math.ceil(MAX_SAMPLES / units) + 200; // just over the cap
    const rows: Position[] = [];
    for (let u = 0; u < units; u++) for (let i = 0; i < n; i++) rows.push(fix(`U${u}`, T0 + i * 10_000));
    history.save(rows);
    const h = history.read({ from: T0, to: T0 + n * 10_000 });
    const total = h.tracks.reduce((s, t) => s + t.at.length, 0);
    expect(h.sampleStepMs).toBeGreaterThan(10_000);
    expect(total).toBeLessThanOrEqual(MAX_SAMPLES + units);
    expect(h.tracks).toHaveLength(units);
  });

  it('go with a wiped replica', () => {
    history.save([fix('U1', T0)]);
    replica.wipe();
    expect(history.read({ from: T0 - 1, to: T0 + 1 }).tracks).toEqual([]);
  });
});

describe('cases of a period', () => {
  it('are those reported by its end and not finished before its start, with their events up to its end', () => {
    const open = makeCase('C1', { reportedAt: T0 });
    const later = makeCase('C2', { reportedAt: T0 + 7200_000, updatedAt: T0 + 7200_000 });
    const closedBefore = makeCase('C3', { status: 'closed', reportedAt: T0 - 7200_000, updatedAt: T0 - 3600_000, closedAt: T0 - 3600_000 });
    const closedDuring = makeCase('C4', { version: 2, status: 'closed', reportedAt: T0 - 7200_000, updatedAt: T0 + 60_000, closedAt: T0 + 60_000 });
    replica.applyEvents([
      event(1, T0, open, 'case.reported'),
      event(2, T0 + 7200_000, later, 'case.reported'),
      event(3, T0 - 3600_000, closedBefore, 'case.closed'),
      event(4, T0 + 60_000, closedDuring, 'case.closed'),
      event(5, T0 + 4000_000, { ...open, version: 2, status: 'registered' }, 'case.registered'),
    ]);
    const h = history.read({ from: T0, to: T0 + 3600_000 });
    expect(h.cases.map((c) => c.id).sort()).toEqual(['C1', 'C4']);
    expect(h.events).toEqual([{ caseId: 'C1', at: T0, type: 'case.reported' }, { caseId: 'C4', at: T0 + 60_000, type: 'case.closed' }]);
    expect(h.truncated).toBe(false);
  });
});

describe('the history call crosses every boundary checked', () => {
  it('is a bridge call and a core method with schemas', () => {
    expect(Object.keys(BRIDGE_CALLS)).toContain('history');
    expect(CORE_METHODS).toContain('history');
    expect(METHOD_ARGS.history.safeParse([{ from: T0, to: T0 + 1000 }]).success).toBe(true);
    expect(METHOD_RESULTS.history).toBe(HistorySchema);
    expect(validateCall('history', [{ from: T0, to: T0 + 1000 }]).ok).toBe(true);
    expect(validateCall('history', [{ from: T0, to: T0 - 1 }]).ok).toBe(false);
    expect(validateCall('history', [{ from: T0, to: T0 + 8 * 24 * 3600_000 }]).ok).toBe(false);
    expect(validateCall('history', [{ from: 'yesterday', to: T0 }]).ok).toBe(false);
  });
});

describe('backfill from the hub’s kept tracks (issue 15)', () => {
  it('stores, in one go, only fixes before each unit’s first sample, 10 s apart, within the retention', () => {
    const now = T0 + 2 * 86_400_000;
    expect(history.empty()).toBe(true);
    history.save([fix('u1', now - 60_000)]);
    expect(history.empty()).toBe(false);
    const n = history.backfill([
      fix('u1', now - 180_000), fix('u1', now - 120_000), fix('u1', now - 115_000), // 5 s after the one before: dropped
      fix('u1', now - 65_000), // 5 s before the unit's own first sample: dropped
      fix('u1', now - 30_000), // after it: the stream's, not the backfill's
      fix('u2', now - 120_000), fix('u2', now - 60_000),
      fix('u3', now - SAMPLES_KEPT_MS - 1), // older than the retention
    ], now);
    expect(n).toBe(4);
    const h = history.read({ from: now - 600_000, to: now });
    const by = new Map(h.tracks.map((t) => [t.unitId, t.at]));
    expect(by.get('u1')).toEqual([now - 180_000, now - 120_000, now - 60_000]);
    expect(by.get('u2')).toEqual([now - 120_000, now - 60_000]);
    expect(by.has('u3')).toBe(false);
    // The live sampling goes on from the latest stored fix of each unit.
    expect(history.due([fix('u2', now - 55_000), fix('u2', now - 45_000)]).map((p) => p.at)).toEqual([now - 45_000]);
    // Asked again (a retry after a crash between fetch and flag): nothing twice.
    expect(history.backfill([fix('u2', now - 120_000), fix('u1', now - 180_000)], now)).toBe(0);
  });
});
