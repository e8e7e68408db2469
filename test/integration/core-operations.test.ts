/**
 * The typhoon scenario through two app cores (issue 8): the simulator's storm calls for an
 * operation and the coordinator activates the typhoon plan; the district coordinator's core
 * and the water bureau liaison's core work it — with a network cut in the middle, during which
 * both act offline and the hub moves on without them — to the stand-down. Both replicas end
 * with the stood-down operation, equal to the hub's, and checksums equal to the hub's state in
 * each user's scope. A TCP proxy between the cores and the hub makes the cut.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { startHub, type RunningHub } from '../../hub/server';
import { SYSTEM_ACTOR } from '../../hub/core';
import { Simulator } from '../../hub/simulator/simulator';
import { activateTyphoonOperation } from '../../hub/simulator/typhoon';
import { canSee, type Actor } from '../../shared/domain/roles';
import { operationDepartments } from '../../shared/domain/operations';
import type { Camera, Case, CommandResult, Operation, Unit, User } from '../../shared/protocol';
import { Core } from '../../main/core/core';
import { checksumOf, type Checksum } from '../../main/core/replica/checksum';
import { CutProxy, FAST_RECONNECT, tick, until as waitUntil } from './helpers/proxy';

const until = (what: string, cond: () => boolean | Promise<boolean>, ms = 30_000) => waitUntil(what, cond, ms, 20);

const PASSWORD = randomBytes(12).toString('base64url');
const FAST = FAST_RECONNECT;
/** 28 July 2026, 14:00 Beijing time: a typhoon afternoon. */
const START = Date.parse('2026-07-28T14:00:00+08:00');
const SPEED = 3600;

let root: string;
let hub: RunningHub;
let sim: Simulator | null = null;
let proxy: CutProxy;
const users: Record<string, User> = {};
const cores: Core[] = [];

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'core-operations-'));
  // The hub runs on the simulator's clock, as `npm run simulate` does; sessions last in real time.
  hub = await startHub({ dataDir: path.join(root, 'hub'), host: '127.0.0.1', port: 0, log: () => undefined, clock: () => sim?.now() ?? START, sessionTtlMs: 12 * 3_600_000 * SPEED });
  proxy = new CutProxy(hub.port);
  await proxy.start();
  users.coord = await hub.createUser({ username: 'coord', password: PASSWORD, displayName: '区指挥长', role: 'coordinator', subdistricts: [], departmentCode: null });
  users.water = await hub.createUser({ username: 'water-liaison', password: PASSWORD, displayName: '区水务局联络员', role: 'liaison', subdistricts: [], departmentCode: 'water' });
});

afterAll(async () => {
  sim?.dispose();
  for (const c of cores) await c.stop().catch(() => undefined);
  await proxy?.close();
  await hub?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

async function openCore(username: string): Promise<Core> {
  const core = await Core.open({ dataDir: path.join(root, 'app', username), hubUrl: proxy.url, username, password: PASSWORD, ackTimeoutMs: 1500 }, FAST);
  cores.push(core);
  await core.start();
  return core;
}

async function online(core: Core, what: string): Promise<void> {
  await until(`${what} online and caught up`, async () => {
    const c = await core.connection();
    return c.state === 'online' && c.lastSeq >= hub.core.log.headSeq;
  });
}

function actorOf(u: User): Actor {
  return { userId: u.id, role: u.role, subdistricts: u.subdistricts, departmentCode: u.departmentCode ?? undefined };
}

/** The hub's state in `user`'s scope, from its own tables, fingerprinted like a replica. */
function hubChecksum(user: User): Checksum {
  const actor = actorOf(user);
  const read = <T>(table: string) => (hub.core.db.prepare(`SELECT state FROM ${table}`).all() as { state: string }[]).map((r) => JSON.parse(r.state) as T);
  return checksumOf({
    cases: read<Case>('cases').filter((c) => canSee(actor, { entity: 'case', subdistrict: c.subdistrictCode, owners: c.owners })),
    units: read<Unit>('units').filter((u) => canSee(actor, { entity: 'unit', subdistrict: u.subdistrictCode, owners: [u.departmentCode] })),
    cameras: read<Camera>('cameras').filter((c) => canSee(actor, { entity: 'camera', subdistrict: c.subdistrictCode, owners: [] })),
    operations: read<Operation>('operations').filter((o) => canSee(actor, { entity: 'operation', subdistrict: null, owners: operationDepartments(o) })),
  });
}

function hubOperation(id: string): Operation {
  return JSON.parse((hub.core.db.prepare('SELECT state FROM operations WHERE id = ?').get(id) as { state: string }).state) as Operation;
}

function timesApplied(commandId: string): number {
  return (hub.core.db.prepare('SELECT COUNT(*) AS n FROM audit WHERE command_id = ?').get(commandId) as { n: number }).n;
}

async function answered(core: Core, commandId: string): Promise<CommandResult> {
  await until(`answer to ${commandId}`, async () => (await core.answer(commandId)) !== null);
  return (await core.answer(commandId))!.result;
}

async function replicaOperation(core: Core, id: string): Promise<Operation | undefined> {
  return (await core.snapshot()).operations?.find((o) => o.id === id);
}

describe('the typhoon operation, worked by two cores across a network cut', () => {
  it('ends stood down and equal in both replicas and on the hub', async () => {
    const coord = await openCore('coord');
    const water = await openCore('water-liaison');
    await online(coord, 'coordinator');
    await online(water, 'water liaison');

    // The storm: the simulator calls for an operation, the coordinator activates the typhoon plan.
    let activation: CommandResult | null = null;
    let asked: Case[] = [];
    sim = new Simulator(hub.core, hub.positions, {
      seed: 3, speed: SPEED, scenario: 'typhoon', start: START, log: () => undefined,
      onOperationNeeded: (cases) => {
        asked = cases;
        activation = activateTyphoonOperation(hub.core, cases, { actor: actorOf(users.coord!) });
      },
    });
    sim.start();
    await until('the storm calls for an operation', () => activation !== null, 60_000);
    const act = activation as unknown as CommandResult;
    if (!act.ok) throw new Error(`activation refused: ${act.error.code} ${act.error.message}`);
    const opId = act.entityId;
    const activated = hubOperation(opId);
    expect(activated).toMatchObject({ planId: 'typhoon-flood', level: 3, status: 'active', activatedBy: users.coord!.id });
    expect(activated.caseIds).toEqual(asked.map((c) => c.id));
    expect(activated.caseIds.length).toBeGreaterThanOrEqual(15);

    await until('both replicas hold the operation', async () => (await replicaOperation(coord, opId)) !== undefined && (await replicaOperation(water, opId)) !== undefined);
    const water1 = await water.command('operation.acknowledgeTask', { operationId: opId, taskId: 'tf-iv-01' }, null);
    expect(await answered(water, water1.commandId)).toMatchObject({ ok: true });

    // ── The cut: both act offline; the hub (and the storm) go on without them. ──
    proxy.cut();
    await until('both offline', async () => (await coord.connection()).state === 'offline' && (await water.connection()).state === 'offline');
    const offline = [
      { core: water, ...(await water.command('operation.reportTask', { operationId: opId, taskId: 'tf-iv-01', text: '防汛办24小时值守，首报已发', done: true }, null)) },
      { core: water, ...(await water.command('operation.acknowledgeTask', { operationId: opId, taskId: 'tf-iii-01' }, null)) },
      { core: water, ...(await water.command('operation.reportTask', { operationId: opId, taskId: 'tf-iii-01', text: '8台泵车已前置到浦江镇、吴泾镇', done: false }, null)) },
      { core: coord, ...(await coord.command('operation.escalate', { operationId: opId, level: 2, reason: '橙色预警，黄浦江沿线需转移人员' }, null)) },
      { core: coord, ...(await coord.command('operation.logEntry', { operationId: opId, text: '区领导到指挥中心坐镇' }, null)) },
    ];
    // Meanwhile at the center: a task for water added straight on the hub, which the water core must learn.
    const extra = hub.core.applyNow(SYSTEM_ACTOR, { commandId: randomUUID(), type: 'operation.addTask', payload: { operationId: opId, department: 'water', title: '开启莘庄立交临时泵站', dueMinutes: 45, required: true }, expectedVersion: null });
    expect(extra).toMatchObject({ ok: true });
    await tick(300);
    expect((await water.pending()).length).toBe(3);
    expect((await coord.pending()).length).toBe(2);
    for (const c of offline) expect(timesApplied(c.commandId)).toBe(0);

    proxy.restore();
    await until('offline actions answered', async () => (await water.pending()).length === 0 && (await coord.pending()).length === 0);
    for (const c of offline) {
      expect(await answered(c.core, c.commandId), c.commandId).toMatchObject({ ok: true });
      expect(timesApplied(c.commandId)).toBe(1);
    }
    const raised = hubOperation(opId);
    expect(raised.level).toBe(2);
    expect(raised.tasks.map((t) => t.id)).toEqual(expect.arrayContaining(['tf-ii-01', 'tf-ii-05', 'adhoc-1']));

    // ── Back online: the water bureau finishes, the coordinator stands down. ──
    await online(water, 'water liaison');
    expect((await replicaOperation(water, opId))?.tasks.find((t) => t.id === 'adhoc-1')?.department).toBe('water');
    for (const taskId of ['tf-iv-02', 'tf-iii-01', 'adhoc-1']) {
      const r = await water.command('operation.reportTask', { operationId: opId, taskId, text: '已完成', done: true }, null);
      expect(await answered(water, r.commandId), taskId).toMatchObject({ ok: true });
    }
    await online(coord, 'coordinator');
    const seen = (await replicaOperation(coord, opId))!;
    const early = await coord.command('operation.standDown', { operationId: opId, summary: '结束' }, seen.version);
    expect(await answered(coord, early.commandId)).toMatchObject({ ok: false, error: { code: 'invalid_transition' } });
    await coord.command('operation.deescalate', { operationId: opId, level: 4, reason: '台风减弱，预警降为蓝色' }, seen.version);
    await until('de-escalated', () => hubOperation(opId).level === 4);
    const lowered = hubOperation(opId);
    const end = await coord.command('operation.standDown', { operationId: opId, summary: '台风过境，积水全部消退，转移人员已返回', overrideReason: '市防汛指挥部宣布全市结束防台响应' }, lowered.version);
    expect(await answered(coord, end.commandId)).toMatchObject({ ok: true });

    // ── The end: the storm stops; both replicas equal the hub. ──
    sim.stop();
    await online(coord, 'coordinator');
    await online(water, 'water liaison');
    const final = hubOperation(opId);
    expect(final.status).toBe('stood_down');
    expect(final.log.map((l) => l.kind)).toEqual(expect.arrayContaining(['activated', 'escalated', 'note', 'deescalated', 'override', 'stood_down']));
    expect(final.tasks.filter((t) => t.department === 'water').map((t) => [t.id, t.status])).toEqual([
      ['tf-iv-01', 'done'], ['tf-iv-02', 'done'], ['tf-iii-01', 'done'], ['adhoc-1', 'done'],
    ]);
    expect(await replicaOperation(coord, opId)).toEqual(final);
    expect(await replicaOperation(water, opId)).toEqual(final);
    expect(await coord.checksum()).toEqual(hubChecksum(users.coord!));
    expect(await water.checksum()).toEqual(hubChecksum(users.water!));
    expect((await coord.checksum()).operations.count).toBe(1);
    expect((await water.checksum()).operations.count).toBe(1);
    expect((await coord.checksum()).cases.count).toBeGreaterThan((await water.checksum()).cases.count); // the scopes differ; each equals the hub's
  });
});
