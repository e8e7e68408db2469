// Emergency operations on a real hub (issue 8): who may do what (written out by hand), the
// command path's exactly-once, the events with the full state, and who receives them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { RunningHub } from '../../hub/server';
import { verifyChain } from '../../hub/audit/chain';
import { OperationSchema, type Case, type CatchupResponse, type CommandResult, type HubEvent, type Operation, type SnapshotResponse, type Unit } from '../../shared/protocol';
import type { Role } from '../../shared/domain/roles';
import { activateTyphoonOperation, COORDINATOR_USERNAME, typhoonLevel } from '../../hub/simulator/typhoon';
import { pointIn, QIBAO, report, testHub, userClient, XINZHUANG, type Client } from './helpers/hub';

type Who = 'coordinator' | 'admin' | 'officer' | 'subIn' | 'water' | 'greening' | 'market' | 'wall' | 'supervisor';
const WHO: Who[] = ['coordinator', 'admin', 'officer', 'subIn', 'water', 'greening', 'market', 'wall', 'supervisor'];

// Y = applied; anything else = the refusal code expected. On a typhoon Ⅳ operation: water and
// greening have tasks (tf-iv-01 is water's), market has none.
const COMMAND: Record<Who, string> = { coordinator: 'Y', admin: 'Y', officer: 'forbidden', subIn: 'forbidden', water: 'forbidden', greening: 'forbidden', market: 'out_of_scope', wall: 'forbidden', supervisor: 'forbidden' };
const WATER_TASK: Record<Who, string> = { ...COMMAND, water: 'Y' };
const MATRIX: Record<string, Record<Who, string>> = {
  activate: { ...COMMAND, market: 'forbidden' },
  escalate: COMMAND,
  deescalate: COMMAND,
  reassign: COMMAND,
  addTask: COMMAND,
  acknowledgeTask: WATER_TASK,
  reportTask: WATER_TASK,
  assignUnit: WATER_TASK,
  logEntry: COMMAND,
  standDown: COMMAND,
};

let hub: RunningHub;
let center: Client;
let boss: Client;
const as: Partial<Record<Who, Client>> = {};
let caseA: string;
let caseB: string;
let waterUnit: Unit;

beforeAll(async () => {
  hub = await testHub();
  center = await userClient(hub, { username: 'setup-officer', displayName: '准备', role: 'officer' });
  boss = await userClient(hub, { username: 'setup-coordinator', displayName: '指挥长', role: 'coordinator' });
  const make: Record<Who, { role: Role; subdistricts?: string[]; departmentCode?: string }> = {
    coordinator: { role: 'coordinator' }, admin: { role: 'admin' }, officer: { role: 'officer' }, subIn: { role: 'officer', subdistricts: [XINZHUANG] },
    water: { role: 'liaison', departmentCode: 'water' }, greening: { role: 'liaison', departmentCode: 'greening' }, market: { role: 'liaison', departmentCode: 'market' },
    wall: { role: 'wall' }, supervisor: { role: 'supervisor' },
  };
  for (const w of WHO) as[w] = await userClient(hub, { username: `op-${w.toLowerCase()}`, displayName: w, ...make[w] });
  caseA = (await ok(center.command('case.report', report(pointIn(hub, XINZHUANG), { categoryCode: '90001', urgency: 'urgent', description: '道路积水' })))).entityId;
  caseB = (await ok(center.command('case.report', report(pointIn(hub, QIBAO), { categoryCode: '90006', urgency: 'high', description: '树木倒伏' })))).entityId;
  waterUnit = (hub.core.db.prepare('SELECT state FROM units').all() as { state: string }[]).map((r) => JSON.parse(r.state) as Unit).find((u) => u.departmentCode === 'water')!;
});

afterAll(async () => {
  [center, boss, ...Object.values(as)].forEach((c) => c?.close());
  await hub.close();
});

async function ok(r: Promise<CommandResult>): Promise<Extract<CommandResult, { ok: true }>> {
  const res = await r;
  if (!res.ok) throw new Error(`setup failed: ${res.error.code} ${res.error.message}`);
  return res;
}

function stored(id: string): Operation {
  return JSON.parse((hub.core.db.prepare('SELECT state FROM operations WHERE id = ?').get(id) as { state: string }).state) as Operation;
}

/** A typhoon operation of no case (cases would make a second activation a conflict). */
async function freshOp(level: 1 | 2 | 3 | 4 = 4): Promise<string> {
  return (await ok(boss.command('operation.activate', { planId: 'typhoon-flood', level, caseIds: [] }))).entityId;
}

async function catchupAll(c: Client, afterSeq = 0): Promise<HubEvent[]> {
  const out: HubEvent[] = [];
  let after = afterSeq;
  for (;;) {
    const r = (await c.socket.emitWithAck('catchup', { afterSeq: after, limit: 1000 })) as CatchupResponse;
    if (!r.ok) throw new Error(r.error.message);
    out.push(...r.events);
    if (r.upTo >= r.headSeq || r.upTo === after) return out;
    after = r.upTo;
  }
}

const opEvents = (events: HubEvent[], id: string) => events.filter((e) => e.entity === 'operation' && e.id === id);

const ATTEMPT: Record<string, () => Promise<[string, unknown]>> = {
  activate: async () => ['operation.activate', { planId: 'typhoon-flood', level: 4, caseIds: [] }],
  escalate: async () => ['operation.escalate', { operationId: await freshOp(4), level: 3, reason: '预警升级' }],
  deescalate: async () => ['operation.deescalate', { operationId: await freshOp(3), level: 4, reason: '预警降级' }],
  reassign: async () => ['operation.reassign', { operationId: await freshOp(), taskId: 'tf-iv-06', department: 'housing' }],
  addTask: async () => ['operation.addTask', { operationId: await freshOp(), department: 'water', title: '临时泵站', dueMinutes: 30, required: true }],
  acknowledgeTask: async () => ['operation.acknowledgeTask', { operationId: await freshOp(), taskId: 'tf-iv-01' }],
  reportTask: async () => ['operation.reportTask', { operationId: await freshOp(), taskId: 'tf-iv-01', text: '已到岗', done: false }],
  assignUnit: async () => ['operation.assignUnit', { operationId: await freshOp(), taskId: 'tf-iv-01', unitId: waterUnit.id }],
  logEntry: async () => ['operation.logEntry', { operationId: await freshOp(), text: '区领导到场' }],
  standDown: async () => ['operation.standDown', { operationId: await freshOp(), summary: '结束', overrideReason: '演练' }],
};

describe('role × operation command', () => {
  for (const [action, row] of Object.entries(MATRIX)) {
    for (const who of WHO) {
      it(`${who} → ${action}: ${row[who]}`, async () => {
        const [type, payload] = await ATTEMPT[action]!();
        const r = await as[who]!.command(type as 'operation.activate', payload);
        expect(r.ok ? 'Y' : r.error.code).toBe(row[who]);
      });
    }
  }

  it('a liaison may not act on another department\'s task, nor send another department\'s unit', async () => {
    const id = await freshOp();
    const greeningTask = await as.water!.command('operation.acknowledgeTask', { operationId: id, taskId: 'tf-iv-03' });
    expect(greeningTask).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const police = (hub.core.db.prepare('SELECT state FROM units').all() as { state: string }[]).map((r) => JSON.parse(r.state) as Unit).find((u) => u.departmentCode === 'police')!;
    expect(await as.water!.command('operation.assignUnit', { operationId: id, taskId: 'tf-iv-01', unitId: police.id })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await as.coordinator!.command('operation.assignUnit', { operationId: id, taskId: 'tf-iv-01', unitId: police.id })).toMatchObject({ ok: true });
  });
});

describe('activation', () => {
  it('creates the operation from the plan, for the cases, with their subdistricts, and one event with the full state', async () => {
    const before = hub.core.log.headSeq;
    const r = await ok(boss.command('operation.activate', { planId: 'typhoon-flood', level: 3, caseIds: [caseA, caseB, caseA], note: '黄色预警' }));
    expect(r.entityId).toMatch(/^OP\d{8}\d{3}$/);
    expect(r.version).toBe(1);
    const op = stored(r.entityId);
    expect(op.caseIds).toEqual([caseA, caseB]);
    expect(op.subdistrictCodes).toEqual([XINZHUANG, QIBAO].sort());
    expect(op.tasks.map((t) => t.id)).toEqual([
      'tf-iv-01', 'tf-iv-02', 'tf-iv-03', 'tf-iv-04', 'tf-iv-05', 'tf-iv-06',
      'tf-iii-01', 'tf-iii-02', 'tf-iii-03', 'tf-iii-04', 'tf-iii-05', 'tf-iii-06',
    ]);
    expect(op.tasks[0]!.dueAt).toBe(op.activatedAt + 30 * 60_000);
    const events = (await catchupAll(as.coordinator!, before)).filter((e) => e.entity === 'operation');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'operation.activated', id: op.id, data: { by: op.activatedBy, detail: { planId: 'typhoon-flood', level: 3, tasks: 12, note: '黄色预警' } } });
    expect(OperationSchema.parse(events[0]!.data.state)).toEqual(op);
    const row = hub.core.db.prepare('SELECT subdistrict, owners FROM events WHERE seq = ?').get(events[0]!.seq) as { subdistrict: string | null; owners: string };
    expect(row.subdistrict).toBeNull();
    expect(JSON.parse(row.owners)).toEqual(['civil', 'construction', 'enforcement', 'greening', 'hotline', 'housing', 'police', 'power', 'transport', 'water']);

    // The same plan for the same cases again is the same emergency: told which operation runs it.
    const again = await boss.command('operation.activate', { planId: 'typhoon-flood', level: 4, caseIds: [caseB] });
    expect(again).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringContaining(op.id) } });
    // Another plan for the same case is another operation.
    expect((await boss.command('operation.activate', { planId: 'road-collapse', level: 4, caseIds: [caseA] })).ok).toBe(true);
  });

  it('refuses unknown plans, levels and cases, and cases outside a scoped coordinator\'s subdistricts', async () => {
    expect(await boss.command('operation.activate', { planId: 'earthquake', level: 4, caseIds: [] })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await boss.command('operation.activate', { planId: 'fire', level: 5, caseIds: [] })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await boss.command('operation.activate', { planId: 'fire', level: 4, caseIds: ['MH0000'] })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const scoped = await userClient(hub, { username: 'op-scoped-coordinator', displayName: '分指挥', role: 'coordinator', subdistricts: [XINZHUANG] });
    try {
      expect(await scoped.command('operation.activate', { planId: 'fire', level: 4, caseIds: [caseB] })).toMatchObject({ ok: false, error: { code: 'out_of_scope' } });
      expect((await scoped.command('operation.activate', { planId: 'fire', level: 4, caseIds: [caseA] })).ok).toBe(true);
    } finally {
      scoped.close();
    }
  });
});

describe('the command path', () => {
  it('applies a repeated commandId once and answers it with the first answer, refusals included', async () => {
    const id = await freshOp();
    const commandId = randomUUID();
    const payload = { operationId: id, level: 2, reason: '橙色预警' };
    const first = await boss.command('operation.escalate', payload, 1, commandId);
    const second = await boss.command('operation.escalate', payload, 1, commandId);
    expect(first).toMatchObject({ ok: true, version: 2 });
    expect(second).toEqual(first);
    expect((hub.core.db.prepare('SELECT COUNT(*) AS n FROM audit WHERE command_id = ?').get(commandId) as { n: number }).n).toBe(1);
    expect((hub.core.db.prepare(`SELECT COUNT(*) AS n FROM events WHERE json_extract(data, '$.commandId') = ?`).get(commandId) as { n: number }).n).toBe(1);
    expect(stored(id).level).toBe(2);

    const refusedId = randomUUID();
    const refused = await boss.command('operation.escalate', { operationId: id, level: 3, reason: 'x' }, null, refusedId);
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid_transition' } });
    expect(await boss.command('operation.escalate', { operationId: id, level: 3, reason: 'x' }, null, refusedId)).toEqual(refused);
    expect(verifyChain(hub.core.db).ok).toBe(true);
  });

  it('refuses a stale expectedVersion with the current version', async () => {
    const id = await freshOp();
    await ok(as.water!.command('operation.acknowledgeTask', { operationId: id, taskId: 'tf-iv-01' }, null));
    expect(await boss.command('operation.escalate', { operationId: id, level: 3, reason: '升级' }, 1)).toMatchObject({ ok: false, error: { code: 'conflict' }, currentVersion: 2 });
  });

  it('runs an operation from activation to stand-down, every decision in the command log', async () => {
    const before = hub.core.log.headSeq;
    const id = await freshOp(4);
    await ok(boss.command('operation.escalate', { operationId: id, level: 2, reason: '橙色预警，需转移人员' }));
    for (const taskId of ['tf-iv-01', 'tf-iv-02']) {
      await ok(as.water!.command('operation.acknowledgeTask', { operationId: id, taskId }));
      await ok(as.water!.command('operation.reportTask', { operationId: id, taskId, text: '已完成', done: true }));
    }
    await ok(as.water!.command('operation.assignUnit', { operationId: id, taskId: 'tf-iii-01', unitId: waterUnit.id }));
    await ok(boss.command('operation.deescalate', { operationId: id, level: 4, reason: '预警降为蓝色' }));
    const refused = await boss.command('operation.standDown', { operationId: id, summary: '结束' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid_transition', message: expect.stringContaining('tf-iv-03') } });
    await ok(boss.command('operation.logEntry', { operationId: id, text: '市防汛办通知统一解除' }));
    const done = await ok(boss.command('operation.standDown', { operationId: id, summary: '台风过境，积水消退', overrideReason: '随全市统一解除响应' }));
    const op = stored(id);
    expect(op).toMatchObject({ status: 'stood_down', level: 4, summary: '台风过境，积水消退', version: done.version });
    expect(op.log.map((l) => l.kind)).toEqual([
      'activated', 'escalated', 'task_acknowledged', 'task_done', 'task_acknowledged', 'task_done', 'unit_assigned', 'deescalated', 'note', 'override', 'stood_down',
    ]);
    expect(op.log.find((l) => l.kind === 'override')!.text).toContain('随全市统一解除响应');
    expect(new Set(op.log.map((l) => l.by)).size).toBe(2); // the coordinator and the water liaison, by name
    expect(await boss.command('operation.standDown', { operationId: id, summary: '再次', overrideReason: 'x' })).toMatchObject({ ok: false, error: { code: 'invalid_transition' } });
    expect(await as.water!.command('operation.reportTask', { operationId: id, taskId: 'tf-iii-01', text: 'x' })).toMatchObject({ ok: false, error: { code: 'invalid_transition' } });

    const types = opEvents(await catchupAll(as.coordinator!, before), id).map((e) => e.type);
    expect(types).toEqual([
      'operation.activated', 'operation.escalated', 'operation.taskAcknowledged', 'operation.taskReported', 'operation.taskAcknowledged',
      'operation.taskReported', 'operation.unitAssigned', 'operation.deescalated', 'operation.logged', 'operation.stoodDown',
    ]);
    const last = opEvents(await catchupAll(as.coordinator!, before), id).at(-1)!;
    expect(last.data.state).toEqual(op);
    expect(last.data.detail).toMatchObject({ overrideReason: '随全市统一解除响应' });
  });
});

describe('who receives operations', () => {
  it('center, read-only and sub-center roles all; a liaison only those with a task of theirs; a department that loses its last task hears so', async () => {
    const before = hub.core.log.headSeq;
    const id = await freshOp(4);
    await ok(boss.command('operation.logEntry', { operationId: id, text: '第一条' }));
    for (const w of ['coordinator', 'officer', 'subIn', 'water', 'greening', 'wall', 'supervisor'] as const) {
      expect(opEvents(await catchupAll(as[w]!, before), id).map((e) => e.type), w).toEqual(['operation.activated', 'operation.logged']);
    }
    expect(opEvents(await catchupAll(as.market!, before), id)).toEqual([]);

    // Greening's only task goes to housing: greening gets that event (to drop the operation), then nothing.
    await ok(boss.command('operation.reassign', { operationId: id, taskId: 'tf-iv-03', department: 'housing', note: '改派' }));
    await ok(boss.command('operation.logEntry', { operationId: id, text: '第二条' }));
    const greening = opEvents(await catchupAll(as.greening!, before), id);
    expect(greening.map((e) => e.type)).toEqual(['operation.activated', 'operation.logged', 'operation.taskReassigned']);
    expect(greening.at(-1)!.data.detail).toMatchObject({ formerOwners: ['greening'], from: 'greening', to: 'housing' });
    // And a task added for market brings market in.
    await ok(boss.command('operation.addTask', { operationId: id, department: 'market', title: '检查超市应急物资价格', dueMinutes: 120, required: false }));
    expect(opEvents(await catchupAll(as.market!, before), id).map((e) => e.type)).toEqual(['operation.taskAdded']);
  });

  it('live: a liaison subscribed receives the operation events of their department as they happen', async () => {
    const water = as.water!;
    const got: HubEvent[] = [];
    const onEvents = (m: { events: HubEvent[] }) => got.push(...m.events);
    water.socket.on('events', onEvents);
    await water.socket.emitWithAck('subscribe', { afterSeq: hub.core.log.headSeq });
    const id = await freshOp(4);
    await ok(boss.command('operation.addTask', { operationId: id, department: 'environment', title: '水质检测', dueMinutes: 60, required: false }));
    const other = (await ok(boss.command('operation.activate', { planId: 'public-health', level: 4, caseIds: [] }))).entityId; // no water task at Ⅳ
    await new Promise((r) => setTimeout(r, 200));
    water.socket.off('events', onEvents);
    expect(got.filter((e) => e.entity === 'operation').map((e) => [e.id, e.type])).toEqual([[id, 'operation.activated'], [id, 'operation.taskAdded']]);
    expect(got.some((e) => e.id === other)).toBe(false);
  });

  it('snapshots carry the operations in the user\'s scope', async () => {
    const id = await freshOp(4);
    const snap = async (c: Client) => (await c.socket.emitWithAck('snapshot', { snapshotId: null, page: 0 })) as Extract<SnapshotResponse, { ok: true }>;
    expect((await snap(as.water!)).operations!.map((o) => o.id)).toContain(id);
    expect((await snap(as.wall!)).operations!.map((o) => o.id)).toContain(id);
    expect((await snap(as.market!)).operations!.map((o) => o.id)).not.toContain(id);
    const all = (hub.core.db.prepare('SELECT COUNT(*) AS n FROM operations').get() as { n: number }).n;
    expect((await snap(as.officer!)).operations).toHaveLength(all);
  });
});

describe('the typhoon simulator\'s call for an operation', () => {
  it('activates the typhoon plan through the command path as the simulator\'s coordinator', async () => {
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await ok(center.command('case.report', report(pointIn(hub, XINZHUANG), { categoryCode: '90001', urgency: 'high', description: `积水${i}` })))).entityId);
    const cases = ids.map((id) => JSON.parse((hub.core.db.prepare('SELECT state FROM cases WHERE id = ?').get(id) as { state: string }).state) as Case);
    const r = activateTyphoonOperation(hub.core, cases);
    if (!r.ok) throw new Error(r.error.message);
    const op = stored(r.entityId);
    const coordinator = hub.core.db.prepare('SELECT id, role FROM users WHERE username = ?').get(COORDINATOR_USERNAME) as { id: string; role: string };
    expect(coordinator.role).toBe('coordinator');
    expect(op).toMatchObject({ planId: 'typhoon-flood', level: 4, caseIds: ids, activatedBy: coordinator.id });
    expect((hub.core.db.prepare('SELECT COUNT(*) AS n FROM audit WHERE entity_id = ?').get(op.id) as { n: number }).n).toBe(1);
    // Called again for the same storm: refused as a conflict, nothing doubled.
    expect(activateTyphoonOperation(hub.core, cases)).toMatchObject({ ok: false, error: { code: 'conflict' } });
    // Ⅲ while the meteorological warning (a CAP case) is in force, or once the storm is twice the threshold.
    expect(typhoonLevel([{ ...cases[0]!, source: 'cap' }, ...cases])).toBe(3);
    expect(typhoonLevel(Array.from({ length: 30 }, () => cases[0]!))).toBe(3);
    expect(typhoonLevel(cases)).toBe(4);
  });
});
