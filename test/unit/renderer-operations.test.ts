// The operation board's data in the window: change batches keep operations (merged per frame,
// latest version, removals), the slice fills from snapshots and batches, the selectors and the
// board's pure parts (tasks per department, timeliness, area, situation report, permissions).
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import type { Answer, ChangeBatch, ConnectionState, LinkageBridge, Snapshot } from '../../shared/bridge/contract';
import { activateOperation, addTask, deescalate, escalate, parsePlans, reportTask, standDown, tasksFor } from '../../shared/domain/operations';
import type { Case, Operation, User } from '../../shared/protocol/entities';
import { changesApplied, snapshotLoaded } from '../../renderer/app/actions';
import { mergeBatches, normalizeBatch } from '../../renderer/app/batches';
import { makeStore } from '../../renderer/app/store';
import { summarizeDistrict } from '../../renderer/features/district/summary';
import {
  areaAround, areaCenter, assignedUnits, casesOfOperation, compareOperations, peakLevel, planTasksByDepartment, readableLogText, situationReport, standDownOf,
  stoodDownOperations, taskCounts, tasksByDepartment, taskTimeliness,
} from '../../renderer/features/operations/model';
import { actorOf, may } from '../../renderer/features/operations/permissions';
import {
  selectActiveOperations, selectCasesOfOperation, selectHighestActiveLevel, selectOperations, selectPendingOfOperation, selectRefusalsOfOperation,
} from '../../renderer/features/operations/selectors';
import { sendCommand } from '../../renderer/features/outbox/slice';
import { asIs, personLabel } from '../../renderer/features/people/label';

const ROOT = path.resolve(import.meta.dirname, '../..');
const book = parsePlans(JSON.parse(fs.readFileSync(path.join(ROOT, 'resources/plans/plans.json'), 'utf8')));
const typhoon = book.plan('typhoon-flood');
const T0 = Date.parse('2026-11-25T09:00:00+08:00');
const coordinator = 'u-coord';

function anOp(id: string, level: 1 | 2 | 3 | 4 = 4, at = T0, caseIds: string[] = ['c1']): Operation {
  return activateOperation(typhoon, level, { id, caseIds, subdistrictCodes: ['310112101'], area: areaAround([[121.38, 31.11]]) }, { at, by: coordinator });
}

function aCase(id: string, point: [number, number]): Case {
  return {
    id, version: 1, status: 'registered', previousStatus: null, source: 'hotline', externalRef: null, categoryCode: '90001', urgency: 'urgent',
    point, address: '莘庄镇', subdistrictCode: '310112101', communityCode: '310112101001', reporter: null, description: '积水', attachments: [], owners: [],
    reportedAt: T0, registeredAt: T0, dispatchedAt: null, acceptedAt: null, resolvedAt: null, closedAt: null, dispatchDue: T0 + 3600_000, handlingDue: null,
    dueSoonAt: null, overdueAt: null, mergedInto: null, updatedAt: T0,
  };
}

const connection: ConnectionState = { state: 'online', since: T0, lastOnlineAt: T0, lastSeq: 1, headSeq: 1, caughtUp: null, pending: 0, user: null, error: null, hub: null, node: null };
const coordUser: User = { id: coordinator, username: 'coordinator', displayName: '区指挥长', role: 'coordinator', subdistricts: [], departmentCode: null };

function snapshot(over: Partial<Snapshot> = {}): Snapshot {
  return {
    user: coordUser, cases: [aCase('c1', [121.38, 31.11]), aCase('c2', [121.381, 31.111]), aCase('c3', [121.5, 31.2])], units: [], cameras: [], positions: [],
    pending: [], answers: [], connection, settings: { language: 'zh-CN', theme: 'dark', soundMuted: false, presets: [], layout: {} }, ...over,
  };
}

const bridge = { command: async () => ({ commandId: 'cmd-1' }) } as unknown as LinkageBridge;

describe('change batches keep operations', () => {
  it('normalizes a batch without operations (an older shell) to empty lists', () => {
    const b = normalizeBatch({ cases: [] } as Partial<ChangeBatch>);
    expect(b.operations).toEqual([]);
    expect(b.removed.operations).toEqual([]);
  });

  it('merges two batches: the later version wins, a removal drops, a return undoes the removal', () => {
    const v1 = anOp('OP1');
    const v2 = escalate(v1, typhoon, 3, '积水加重', { at: T0 + 60_000, by: coordinator });
    const a = normalizeBatch({ operations: [v2, anOp('OP2')], removed: { cases: [], units: [], cameras: [], operations: ['OP3'] } });
    const b = normalizeBatch({ operations: [v1, anOp('OP3')], removed: { cases: [], units: [], cameras: [], operations: ['OP2'] } });
    const m = mergeBatches(a, b);
    expect(m.operations?.map((o) => [o.id, o.version]).sort()).toEqual([['OP1', 2], ['OP3', 1]]);
    expect(m.removed.operations).toEqual(['OP2']);
  });
});

describe('the operations slice', () => {
  it('fills from the snapshot, upserts newer versions from batches, never goes back, removes', () => {
    const store = makeStore(bridge);
    const v1 = anOp('OP1');
    store.dispatch(snapshotLoaded(snapshot({ operations: [v1] })));
    expect(store.getState().operations.loaded).toBe(true);
    const v2 = escalate(v1, typhoon, 3, '积水加重', { at: T0 + 60_000, by: coordinator });
    store.dispatch(changesApplied(normalizeBatch({ operations: [v2, anOp('OP2', 2)] })));
    expect(store.getState().operations.entities.OP1?.level).toBe(3);
    store.dispatch(changesApplied(normalizeBatch({ operations: [v1] }))); // a stale copy
    expect(store.getState().operations.entities.OP1?.version).toBe(2);
    store.dispatch(changesApplied(normalizeBatch({ removed: { cases: [], units: [], cameras: [], operations: ['OP2'] } })));
    expect(store.getState().operations.ids).toEqual(['OP1']);
    // A snapshot replaces them all (another user, a resync).
    store.dispatch(snapshotLoaded(snapshot()));
    expect(store.getState().operations.ids).toEqual([]);
  });

  it('orders active operations by level, gives the console its badge, finds the cases of an area', () => {
    const store = makeStore(bridge);
    const over = standDown(anOp('OP0', 1, T0 - 1), '结束', '测试', { at: T0, by: coordinator });
    store.dispatch(snapshotLoaded(snapshot({ operations: [anOp('OP4', 4), anOp('OP2', 2, T0, ['c3']), over] })));
    const s = store.getState();
    expect(selectOperations(s).map((o) => o.id)).toEqual(['OP2', 'OP4', 'OP0']);
    expect(selectActiveOperations(s).map((o) => o.id)).toEqual(['OP2', 'OP4']);
    expect(selectHighestActiveLevel(s)).toBe(2);
    const { linked, inArea } = selectCasesOfOperation(s, 'OP4');
    expect(linked.map((c) => c.id)).toEqual(['c1']);
    expect(inArea.map((c) => c.id)).toEqual(['c2']); // c3 is far away
    expect(selectHighestActiveLevel(makeStore(bridge).getState())).toBeNull();
  });

  it('knows which refusals and pending commands are about which operation, and who is who', async () => {
    const store = makeStore(bridge);
    store.dispatch(snapshotLoaded(snapshot({ operations: [anOp('OP1')] })));
    await store.dispatch(sendCommand({ type: 'operation.standDown', payload: { operationId: 'OP1', summary: 'x' }, expectedVersion: 1 }));
    const refused: Answer = { commandId: 'cmd-1', type: 'operation.standDown', createdAt: T0, answeredAt: T0, result: { ok: false, commandId: 'cmd-1', error: { code: 'invalid_transition', message: 'required task(s) still open' } } };
    store.dispatch(changesApplied(normalizeBatch({
      answers: [refused],
      pending: [{ commandId: '00000000-0000-4000-8000-000000000001', type: 'operation.escalate', payload: { operationId: 'OP1', level: 3, reason: 'r' }, expectedVersion: 1, createdAt: T0, attempts: 0, state: 'pending', lastError: null }],
    })));
    const s = store.getState();
    expect(selectRefusalsOfOperation(s, 'OP1').map((a) => a.commandId)).toEqual(['cmd-1']);
    expect(selectRefusalsOfOperation(s, 'OP9')).toEqual([]);
    expect(selectPendingOfOperation(s, 'OP1').map((p) => p.type)).toEqual(['operation.escalate']);
    expect(selectPendingOfOperation(s, null)).toEqual([]);
    // The signed-in user is known before the directory came; an unknown id stays the id.
    const names = { department: (c: string) => c, withDepartment: (n: string, d: string) => `${n}（${d}）` };
    expect(s.people.entities[coordinator]).toEqual({ id: coordinator, displayName: '区指挥长', role: 'coordinator', departmentCode: null });
    expect(personLabel(coordinator, s.people.entities, names, asIs)).toBe('区指挥长');
    expect(personLabel('u-unknown', s.people.entities, names, asIs)).toBe('u-unknown');
  });
});

describe('the board\'s model', () => {
  it('groups tasks by department, overdue first, open before done', () => {
    let op = anOp('OP1');
    op = reportTask(op, 'tf-iv-02', '泵站已全开', true, { at: T0 + 1000, by: coordinator });
    const now = T0 + 45 * 60_000; // tf-iv-01 (water, 30 min) and tf-iv-05 (hotline, 30 min) are overdue
    const groups = tasksByDepartment(op, now);
    expect(groups.slice(0, 2).map((g) => g.department).sort()).toEqual(['hotline', 'water']);
    const water = groups.find((g) => g.department === 'water')!;
    expect(water.tasks.map((t) => t.id)).toEqual(['tf-iv-01', 'tf-iv-02']);
    expect([water.done, water.total, water.overdue]).toEqual([1, 2, 1]);
    expect(taskTimeliness(op.tasks.find((t) => t.id === 'tf-iv-02')!, now)).toBe('none');
    expect(taskTimeliness({ status: 'open', dueAt: now + 10 * 60_000 }, now)).toBe('due_soon');
    expect(taskTimeliness({ status: 'acknowledged', dueAt: now + 60 * 60_000 }, now)).toBe('ok');
    const c = taskCounts(op, now);
    expect([c.total, c.done, c.open, c.overdue, c.requiredOpen]).toEqual([6, 1, 5, 2, 4]);
  });

  it('makes an area around the cases, with its centre', () => {
    const area = areaAround([[121.38, 31.11], [121.39, 31.12]], 500)!;
    expect(area.coordinates[0]).toHaveLength(5);
    expect(area.coordinates[0]![0]).toEqual(area.coordinates[0]![4]);
    const [x, y] = areaCenter(area)!;
    expect(x).toBeCloseTo(121.385, 6);
    expect(y).toBeCloseTo(31.115, 6);
    expect(areaAround([])).toBeNull();
    expect(casesOfOperation({ caseIds: [], area }, [aCase('in', [121.385, 31.115]), aCase('out', [121.3, 31.0])]).inArea.map((c) => c.id)).toEqual(['in']);
  });

  it('lists units with their tasks and orders operations', () => {
    const op = { ...anOp('OP1'), tasks: anOp('OP1').tasks.map((t, i) => (i < 2 ? { ...t, assignedUnits: ['unit-1'] } : t)) };
    expect(assignedUnits(op)).toEqual([{ unitId: 'unit-1', taskIds: ['tf-iv-01', 'tf-iv-02'] }]);
    expect([anOp('B', 4, T0 + 1), anOp('A', 4, T0)].sort(compareOperations).map((o) => o.id)).toEqual(['B', 'A']);
  });

  it('writes the situation report from the log, every line with its time and who', () => {
    let op = anOp('OP20261125001');
    op = escalate(op, typhoon, 3, '多处积水', { at: T0 + 60_000, by: coordinator });
    op = addTask(op, { department: 'water', title: '加派泵车', dueMinutes: 30, required: true }, { at: T0 + 120_000, by: coordinator }).operation;
    const t = (key: string, o?: Record<string, unknown>) => `${key}${o ? JSON.stringify(o) : ''}`;
    const text = situationReport(op, {
      t, now: T0 + 180_000, planName: typhoon.name, cases: [], department: (c) => c, user: (id) => (id === coordinator ? '区指挥长 (coordinator)' : id),
      time: (ms) => new Date(ms).toISOString(), dateTime: (ms) => new Date(ms).toISOString(), span: (ms) => `${ms / 1000}s`,
    });
    expect(text).toContain('operation.report.heading{"id":"OP20261125001"}');
    const logLines = text.split('\n').filter((l) => l.includes('区指挥长 (coordinator) ['));
    expect(logLines).toHaveLength(3);
    expect(logLines[1]).toContain(new Date(T0 + 60_000).toISOString());
    expect(logLines[1]).toContain('升级为Ⅲ级响应');
    expect(logLines[2]).toContain('加派泵车');
  });

  it('lists the stood-down operations latest first, with the highest level reached and who stood each down', () => {
    const at = (ms: number) => ({ at: T0 + ms, by: coordinator });
    let a = escalate(anOp('OPA', 4, T0), typhoon, 2, '险情扩大', at(60_000));
    a = deescalate(a, typhoon, 3, '险情缓解', at(120_000));
    a = standDown(a, '积水已退', '台风过境', { at: T0 + 600_000, by: 'u-other' });
    const b = standDown(anOp('OPB', 4, T0 + 1), '早先结束', '无需继续', at(300_000));
    const active = anOp('OPC', 3, T0 + 2);
    expect(stoodDownOperations([b, active, a]).map((o) => o.id)).toEqual(['OPA', 'OPB']);
    expect(a.level).toBe(3);
    expect(peakLevel(a)).toBe(2);
    expect(peakLevel(active)).toBe(3);
    expect(standDownOf(a)).toEqual({ by: 'u-other', overridden: true });
    expect(standDownOf(active)).toEqual({ by: null, overridden: false });
  });

  it('lays out what a plan asks of each department at a level: the lead first, every task once, lower levels included', () => {
    for (const level of [1, 2, 3, 4] as const) {
      const groups = planTasksByDepartment(typhoon, level);
      expect(groups[0]!.department).toBe(typhoon.lead);
      expect(groups.flatMap((g) => g.tasks.map((x) => x.id)).sort()).toEqual(tasksFor(typhoon, level).map((x) => x.id).sort());
      expect(new Set(groups.map((g) => g.department)).size).toBe(groups.length);
      for (const g of groups) expect(g.tasks.every((x) => x.department === g.department)).toBe(true);
    }
    const atIII = planTasksByDepartment(typhoon, 3).flatMap((g) => g.tasks);
    expect(atIII.find((x) => x.id === 'tf-iv-01')?.level).toBe(4);
    expect(atIII.some((x) => x.level === 3)).toBe(true);
  });

  it('offers each role only what it may do', () => {
    const op = anOp('OP1');
    const water = op.tasks.find((t) => t.department === 'water')!;
    const greening = op.tasks.find((t) => t.department === 'greening')!;
    const coord = actorOf(coordUser);
    const liaison = actorOf({ ...coordUser, id: 'u-g', role: 'liaison', departmentCode: 'greening' });
    const officer = actorOf({ ...coordUser, id: 'u-o', role: 'officer' });
    expect(may(coord, 'activate', null)).toBe(true);
    expect(may(coord, 'escalate', op)).toBe(true);
    expect(may(liaison, 'escalate', op)).toBe(false);
    expect(may(liaison, 'acknowledgeTask', op, greening)).toBe(true);
    expect(may(liaison, 'acknowledgeTask', op, water)).toBe(false);
    expect(may(officer, 'acknowledgeTask', op, water)).toBe(false);
    expect(may(null, 'activate', null)).toBe(false);
  });

  it('gives the windows the plans with the district data, and survives bad ones', () => {
    const read = (rel: string) => JSON.parse(fs.readFileSync(path.join(ROOT, 'resources', rel), 'utf8')) as unknown;
    const raw = { departments: read('district/departments.json'), subdistricts: read('district/subdistricts.geojson'), communities: { features: [] }, catalog: read('catalog/categories.json') };
    const withPlans = summarizeDistrict({ ...raw, plans: read('plans/plans.json') });
    expect(withPlans.plans.map((p) => p.id)).toContain('typhoon-flood');
    expect(withPlans.levels.map((l) => l.color)).toEqual(['red', 'orange', 'yellow', 'blue']);
    expect(summarizeDistrict(raw).plans).toEqual([]);
    const original = console.error;
    console.error = () => {};
    try {
      expect(summarizeDistrict({ ...raw, plans: { nonsense: true } }).plans).toEqual([]);
    } finally {
      console.error = original;
    }
  });
});

describe('log text as shown on the board', () => {
  const op = { tasks: [
    { id: 'tf-iii-03', department: 'police', title: '积水路段交通疏导与管制', titleEn: 'Traffic control on flooded roads' },
    { id: 'adhoc-1', department: 'water', title: '加派移动泵车', titleEn: 'More pump trucks' },
  ] } as unknown as Pick<Operation, 'tasks'>;
  const names: Record<string, string> = { police: '区公安分局', water: '区水务局', greening: '区绿化市容局' };
  const dept = (c: string) => names[c] ?? c;

  it('names departments and tasks instead of their codes, in either language', () => {
    expect(readableLogText('police签收任务tf-iii-03', op, Object.keys(names), dept, 'zh-CN')).toBe('区公安分局签收任务「积水路段交通疏导与管制」');
    expect(readableLogText('由water改派至greening', op, Object.keys(names), dept, 'zh-CN')).toBe('由区水务局改派至区绿化市容局');
    expect(readableLogText('新增任务adhoc-1（water）', op, Object.keys(names), (c) => (c === 'water' ? 'Water Authority' : c), 'en')).toBe('新增任务"More pump trucks"（ Water Authority ）');
  });

  it('leaves words that merely contain a code, and unknown codes, alone', () => {
    expect(readableLogText('policeman water-main tf-iii-035', op, Object.keys(names), dept, 'zh-CN')).toBe('policeman water-main tf-iii-035');
    expect(readableLogText('unknown签收', op, [], dept, 'zh-CN')).toBe('unknown签收');
  });
});
