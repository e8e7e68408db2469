/**
 * The app core against the real hub on loopback (issue 4): actions taken while the hub is out
 * of reach, the core process killed by SIGKILL at each point of a command's way, and replicas
 * that equal the hub's state for their user's scope after many random events with cuts.
 * A TCP proxy between core and hub makes the cuts; the hub itself keeps running.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { io, type Socket } from 'socket.io-client';
import { startHub, type RunningHub } from '../../hub/server';
import { canSee, type Actor } from '../../shared/domain/roles';
import { SOCKET, type Camera, type Case, type CommandResult, type Unit, type User } from '../../shared/protocol';
import { Core, userFolder } from '../../main/core/core';
import { CoreClient } from '../../main/core/host/client';
import { checksumOf, type Checksum } from '../../main/core/replica/checksum';
import type { CoreApi } from '../../main/core/api';
import { mulberry32 } from '../../hub/simulator/random';
import { CutProxy, FAST_RECONNECT, tick, until } from './helpers/proxy';

// ---- helpers ------------------------------------------------------------------------------


const PASSWORD = randomBytes(12).toString('base64url');
const FAST = FAST_RECONNECT;

interface Catalog { bigClasses: { smallClasses: { code: string; urgencies: Record<string, unknown> }[] }[] }
const catalog = JSON.parse(fs.readFileSync(new URL('../../resources/catalog/categories.json', import.meta.url), 'utf8')) as Catalog;
const CATEGORY_PAIRS = catalog.bigClasses.flatMap((b) => b.smallClasses.flatMap((s) => Object.keys(s.urgencies).map((u) => ({ categoryCode: s.code, urgency: u }))));
const cameraSeed = JSON.parse(fs.readFileSync(new URL('../../resources/district/cameras.json', import.meta.url), 'utf8')) as { items: { point: [number, number]; subdistrictCode: string }[] };
/** Points whose subdistrict the hub will find (the cameras' own points). */
const POINTS = cameraSeed.items.map((c) => ({ point: c.point, subdistrictCode: c.subdistrictCode }));
const [SUB_A, SUB_B] = [...new Set(POINTS.map((p) => p.subdistrictCode))];

function reportIn(sub: string, rnd: () => number = Math.random, description = '测试上报') {
  const pts = POINTS.filter((p) => p.subdistrictCode === sub);
  const pt = pts[Math.floor(rnd() * pts.length)]!;
  const cat = CATEGORY_PAIRS[Math.floor(rnd() * CATEGORY_PAIRS.length)]!;
  return { source: 'officer', categoryCode: cat.categoryCode, urgency: cat.urgency, point: pt.point, address: `闵行区 ${sub}`, description };
}

/** The hub's state in `user`'s scope, read from the hub's own tables, fingerprinted like a replica. */
function hubChecksum(hub: RunningHub, user: User): Checksum {
  const actor: Actor = { userId: user.id, role: user.role, subdistricts: user.subdistricts, departmentCode: user.departmentCode ?? undefined };
  const read = <T>(table: string) => (hub.core.db.prepare(`SELECT state FROM ${table}`).all() as { state: string }[]).map((r) => JSON.parse(r.state) as T);
  return checksumOf({
    cases: read<Case>('cases').filter((c) => canSee(actor, { entity: 'case', subdistrict: c.subdistrictCode, owners: c.owners })),
    units: read<Unit>('units').filter((u) => canSee(actor, { entity: 'unit', subdistrict: u.subdistrictCode, owners: [u.departmentCode] })),
    cameras: read<Camera>('cameras').filter((c) => canSee(actor, { entity: 'camera', subdistrict: c.subdistrictCode, owners: [] })),
  });
}

/**
 * How many times the hub applied a commandId: its audit entries (one per applied command; the
 * audit chain is never compacted, unlike the event log), cross-checked with the events that
 * carry it while they are still in the log.
 */
function timesApplied(hub: RunningHub, commandId: string): number {
  const audited = (hub.core.db.prepare('SELECT COUNT(*) AS n FROM audit WHERE command_id = ?').get(commandId) as { n: number }).n;
  const logged = (hub.core.db.prepare(`SELECT COUNT(DISTINCT seq) AS n FROM events WHERE json_extract(data, '$.commandId') = ?`).get(commandId) as { n: number }).n;
  if (logged > audited) throw new Error(`${commandId}: ${logged} events but ${audited} audit entries`);
  return audited;
}

/** A second officer straight on the hub (no proxy), to make things happen. */
async function driver(url: string, username: string): Promise<{ user: User; send(type: string, payload: unknown, v: number | null): Promise<CommandResult>; close(): void }> {
  const res = await fetch(`${url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }) });
  const { token, user } = (await res.json()) as { token: string; user: User };
  const socket: Socket = io(url, { auth: { token }, transports: ['websocket'] });
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('connect_error', reject));
  return {
    user,
    send: (type, payload, v) => socket.timeout(5000).emitWithAck(SOCKET.command, { commandId: randomUUID(), type, payload, expectedVersion: v }) as Promise<CommandResult>,
    close: () => socket.disconnect(),
  };
}

async function online(core: CoreApi, hub: RunningHub, what: string): Promise<void> {
  await until(`${what} online and caught up`, async () => {
    const c = await core.connection();
    return c.state === 'online' && c.lastSeq >= hub.core.log.headSeq;
  });
}

// ---- fixture ------------------------------------------------------------------------------

let root: string;
let hub: RunningHub;
let proxy: CutProxy;
const users: Record<string, User> = {};
const opened: CoreApi[] = [];

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'core-hub-'));
  hub = await startHub({ dataDir: path.join(root, 'hub'), host: '127.0.0.1', port: 0, simulator: null, log: () => undefined });
  proxy = new CutProxy(hub.port);
  await proxy.start();
  const make = async (username: string, role: User['role'], subdistricts: string[], departmentCode: string | null) =>
    (users[username] = await hub.createUser({ username, password: PASSWORD, displayName: username, role, subdistricts, departmentCode }));
  await make('center', 'admin', [], null); // the driver: the whole district
  await make('xu', 'officer', [SUB_A!, SUB_B!], null); // a sub-center officer: two subdistricts
  await make('li', 'liaison', [], 'enforcement'); // a department liaison: its own cases only
  await make('greening-liaison', 'liaison', [], 'greening');
  await Promise.all(['k1', 'k2', 'k3', 'off1', 'off2'].map((u) => make(u, 'officer', [SUB_A!], null)));
});

afterEach(async () => {
  proxy.restore();
  for (const c of opened.splice(0)) await c.stop().catch(() => undefined);
});

afterAll(async () => {
  await proxy?.close();
  await hub?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

async function openCore(username: string, dataDir = path.join(root, 'app', username)): Promise<Core> {
  const core = await Core.open({ dataDir, hubUrl: proxy.url, username, password: PASSWORD, ackTimeoutMs: 1500 }, FAST);
  opened.push(core);
  return core;
}

async function spawnCore(username: string, fault?: string): Promise<CoreClient> {
  const client = await CoreClient.spawn(
    { dataDir: path.join(root, 'app', username), hubUrl: proxy.url, username, password: PASSWORD, ackTimeoutMs: 1500 },
    { fault },
  );
  opened.push(client);
  return client;
}

// ---- scenarios ----------------------------------------------------------------------------

describe('an action taken while the hub is unreachable', () => {
  it('is kept, then applied exactly once after reconnect', async () => {
    const core = await openCore('off1');
    await core.start();
    await online(core, hub, 'core');
    const reported = await core.command('case.report', reportIn(SUB_A!), null);
    await until('first answer', async () => (await core.answer(reported.commandId)) !== null);
    const caseId = ((await core.answer(reported.commandId))!.result as { entityId: string }).entityId;
    await until('case in replica', async () => (await core.caseDetail(caseId)) !== null);

    proxy.cut();
    await until('core offline', async () => (await core.connection()).state === 'offline');
    const register = await core.command('case.register', { caseId, note: '离线立案' }, 1);
    const another = await core.command('case.report', reportIn(SUB_A!, Math.random, '离线上报'), null);
    await tick(300);
    expect((await core.pending()).map((p) => p.commandId)).toEqual([register.commandId, another.commandId]);
    expect(timesApplied(hub, register.commandId)).toBe(0);

    proxy.restore();
    await until('answers after reconnect', async () => (await core.pending()).length === 0);
    expect((await core.answer(register.commandId))?.result).toMatchObject({ ok: true, version: 2 });
    expect(timesApplied(hub, register.commandId)).toBe(1);
    expect(timesApplied(hub, another.commandId)).toBe(1);
    await online(core, hub, 'core');
    expect((await core.caseDetail(caseId))?.case.status).toBe('registered');
    expect((await core.caseDetail(caseId))?.timeline.map((t) => t.type)).toEqual(['case.reported', 'case.registered']);
    expect(await core.checksum()).toEqual(hubChecksum(hub, users.off1!));
  });

  it('is resent, and applied once, when the cut comes after the hub applied it but before its answer arrived', async () => {
    const core = await openCore('off2');
    await core.start();
    await online(core, hub, 'core');
    proxy.swallowReplies = true; // the hub gets the command; its answer is lost on the way
    const { commandId } = await core.command('case.report', reportIn(SUB_A!), null);
    await until('hub applied it', () => timesApplied(hub, commandId) === 1);
    expect(await core.answer(commandId)).toBeNull();
    proxy.cut();
    proxy.restore();
    await until('answer after reconnect', async () => (await core.answer(commandId)) !== null);
    expect((await core.answer(commandId))?.result.ok).toBe(true);
    expect(timesApplied(hub, commandId)).toBe(1);
    await online(core, hub, 'core');
    expect(await core.checksum()).toEqual(hubChecksum(hub, users.off2!));
  });

  it('a stale expectedVersion comes back as a conflict the officer sees', async () => {
    const core = await openCore('k3');
    await core.start();
    await online(core, hub, 'core');
    const center = await driver(hub.url, 'center');
    try {
      const r = await center.send('case.report', reportIn(SUB_A!), null);
      if (!r.ok) throw new Error(r.error.message);
      await until('case arrives', async () => (await core.caseDetail(r.entityId)) !== null);
      proxy.cut();
      const mine = await core.command('case.register', { caseId: r.entityId }, 1);
      expect((await center.send('case.reject', { caseId: r.entityId, reason: '重复上报' }, 1)).ok).toBe(true);
      proxy.restore();
      await until('answer', async () => (await core.answer(mine.commandId)) !== null);
      expect((await core.answer(mine.commandId))?.result).toMatchObject({ ok: false, error: { code: 'conflict' }, currentVersion: 2 });
      expect(timesApplied(hub, mine.commandId)).toBe(0);
    } finally {
      center.close();
    }
  });
});

describe('the core process killed with SIGKILL', () => {
  /** Kill at `fault` while acting, restart without it, and check the action is applied exactly once. */
  async function killAndRecover(username: string, fault: string): Promise<void> {
    let client = await spawnCore(username, fault);
    await client.start();
    await online(client, hub, username);
    const headBefore = hub.core.log.headSeq;
    // The call never returns when the process dies before answering (kill-after-enqueue).
    const accepted = client.command('case.report', reportIn(SUB_A!, Math.random, `SIGKILL ${fault}`), null).catch(() => null);
    const { signal } = await client.exit();
    expect(signal).toBe('SIGKILL');

    // What the outbox holds on disk after the crash: exactly this one command.
    const outboxFile = path.join(root, 'app', username, userFolder(username), 'outbox.sqlite');
    const raw = new Database(outboxFile, { readonly: true });
    const rows = raw.prepare('SELECT command_id FROM outbox').all() as { command_id: string }[];
    raw.close();
    expect(rows).toHaveLength(1);
    const commandId = rows[0]!.command_id;
    const got = await accepted;
    if (got) expect(got.commandId).toBe(commandId);
    if (fault === 'kill-after-enqueue') expect(timesApplied(hub, commandId)).toBe(0); // never left the machine
    if (fault === 'kill-before-settle') expect(timesApplied(hub, commandId)).toBe(1); // the hub had it

    client = await spawnCore(username);
    await client.start();
    await until('answer after restart', async () => (await client.answer(commandId)) !== null);
    expect((await client.answer(commandId))?.result.ok).toBe(true);
    expect(await client.pending()).toEqual([]);
    expect(timesApplied(hub, commandId)).toBe(1);
    await online(client, hub, username);
    expect(hub.core.log.headSeq).toBeGreaterThan(headBefore);
    expect(await client.checksum()).toEqual(hubChecksum(hub, users[username]!));
    const caseId = ((await client.answer(commandId))!.result as { entityId: string }).entityId;
    expect((await client.caseDetail(caseId))?.timeline.filter((t) => t.commandId === commandId)).toHaveLength(1);
  }

  it('between writing the outbox and sending: nothing lost', () => killAndRecover('k1', 'kill-after-enqueue'));
  it('right after sending: nothing lost, nothing doubled', () => killAndRecover('k2', 'kill-after-send'));
  it('between the hub\'s answer and recording it: nothing doubled', () => killAndRecover('k3', 'kill-before-settle'));
});

describe('the hub itself going away', () => {
  /** Stops the hub and starts it again on the same port and data: the proxy's target stays valid. */
  async function restartHub(whileDown: () => Promise<void> = async () => undefined): Promise<void> {
    const { port } = hub;
    await hub.close();
    await whileDown();
    hub = await startHub({ dataDir: path.join(root, 'hub'), host: '127.0.0.1', port, simulator: null, log: () => undefined });
  }

  it('an action taken while the hub is down is applied once when it is back', async () => {
    const core = await openCore('off1');
    await core.start();
    await online(core, hub, 'core');
    let commandId = '';
    await restartHub(async () => {
      await until('core offline', async () => (await core.connection()).state !== 'online');
      commandId = (await core.command('case.report', reportIn(SUB_A!, Math.random, '中心断电时上报'), null)).commandId;
      await tick(200);
      expect((await core.pending()).map((p) => p.commandId)).toEqual([commandId]);
    });
    await until('answer after the hub came back', async () => (await core.answer(commandId)) !== null);
    expect((await core.answer(commandId))?.result.ok).toBe(true);
    expect(timesApplied(hub, commandId)).toBe(1);
    await online(core, hub, 'core');
    expect(await core.checksum()).toEqual(hubChecksum(hub, users.off1!));
  });

  it('the hub answers a resend after its own restart with its first answer', async () => {
    const client = await spawnCore('k3', 'kill-before-settle');
    await client.start();
    await online(client, hub, 'k3');
    void client.command('case.report', reportIn(SUB_A!), null).catch(() => null);
    await client.exit();
    const raw = new Database(path.join(root, 'app', 'k3', userFolder('k3'), 'outbox.sqlite'), { readonly: true });
    const { command_id: commandId } = raw.prepare('SELECT command_id FROM outbox').get() as { command_id: string };
    raw.close();
    expect(timesApplied(hub, commandId)).toBe(1);
    const first = hub.core.db.prepare('SELECT result FROM commands WHERE command_id = ?').pluck().get(commandId) as string;
    await restartHub();
    const again = await spawnCore('k3');
    await again.start();
    await until('answer after both restarts', async () => (await again.answer(commandId)) !== null);
    expect((await again.answer(commandId))?.result).toEqual(JSON.parse(first));
    expect(timesApplied(hub, commandId)).toBe(1);
  });
});

describe('replicas converge on the hub for their user\'s scope', () => {
  it('after many random events with cuts, restarts and a compaction in between', async () => {
    const seed = Number(process.env.CORE_FUZZ_SEED ?? Date.now() % 1_000_000);
    const rnd = mulberry32(seed);
    const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
    const center = await driver(hub.url, 'center');
    const liaisons = { enforcement: await driver(hub.url, 'li'), greening: await driver(hub.url, 'greening-liaison') };
    const seen = { resets: 0, offline: 0 };
    const watch = (c: Core): Core => {
      c.onChanges((b) => {
        if (b.reset) seen.resets++;
        if (b.connection?.state === 'offline') seen.offline++;
      });
      return c;
    };
    const subjects: Record<string, Core> = { xu: watch(await openCore('xu')), li: watch(await openCore('li')) };
    for (const c of Object.values(subjects)) await c.start();
    const mine: string[] = []; // commands the officer xu took through the core, cuts or not
    const subs = [SUB_A!, SUB_B!, ...new Set(POINTS.map((p) => p.subdistrictCode))].slice(0, 5);
    const cases = () => (hub.core.db.prepare('SELECT state FROM cases').all() as { state: string }[]).map((r) => JSON.parse(r.state) as Case);
    const withStatus = (s: Case['status'][]) => cases().filter((c) => s.includes(c.status));
    const outcomes: Record<string, number> = {};
    let cuts = 0;

    try {
      for (let step = 0; step < 600; step++) {
        // Cuts, restarts and a compaction, at random moments.
        if (step % 50 === 25) {
          proxy.cut();
          cuts++;
        }
        if (step % 50 === 45) proxy.restore();
        if (step === 175) {
          await subjects.xu!.stop();
          subjects.xu = watch(await openCore('xu'));
          await subjects.xu.start();
        }
        if (step === 330) {
          // While the replicas are cut off, the hub compacts its log: they must come back by snapshot.
          hub.core.log.compact(Date.now() + 1);
        }
        const r = rnd();
        let res: CommandResult | null = null;
        if (r < 0.3) res = await center.send('case.report', reportIn(pick(subs), rnd), null);
        else if (r < 0.4) {
          const c = withStatus(['reported']);
          if (c.length) { const x = pick(c); res = await center.send(rnd() < 0.85 ? 'case.register' : 'case.reject', { caseId: x.id, reason: '无效' , note: 'ok' }, x.version); }
        } else if (r < 0.55) {
          const c = withStatus(['registered', 'returned']);
          if (c.length) { const x = pick(c); res = await center.send('case.dispatch', { caseId: x.id, departments: [pick(['enforcement', 'greening'] as const)] }, x.version); }
        } else if (r < 0.7) {
          const c = withStatus(['dispatched', 'reopened']);
          if (c.length) {
            const x = pick(c);
            const l = liaisons[x.owners[0] as 'enforcement' | 'greening'];
            if (l) res = await l.send(rnd() < 0.7 || x.status === 'reopened' ? 'case.accept' : 'case.return', { caseId: x.id, reason: '非本部门职责' }, x.version);
          }
        } else if (r < 0.78) {
          const c = withStatus(['accepted']);
          if (c.length) { const x = pick(c); const l = liaisons[x.owners[0] as 'enforcement' | 'greening']; if (l) res = await l.send('case.resolve', { caseId: x.id, note: '已处置' }, x.version); }
        } else if (r < 0.84) {
          const c = withStatus(['resolved']);
          if (c.length) { const x = pick(c); res = await center.send('case.verify', { caseId: x.id, passed: rnd() < 0.7 }, x.version); }
        } else if (r < 0.88) {
          const c = cases();
          if (c.length) { const x = pick(c); res = await center.send('case.comment', { caseId: x.id, text: '备注' }, null); }
        } else if (r < 0.93) {
          const u = (hub.core.db.prepare('SELECT state FROM units').all() as { state: string }[]).map((x) => JSON.parse(x.state) as Unit);
          const x = pick(u);
          res = await center.send('unit.setStatus', { unitId: x.id, status: pick(['available', 'enroute', 'busy', 'offline'] as const) }, x.version);
        } else if (r < 0.96) {
          const cams = (hub.core.db.prepare('SELECT state FROM cameras').all() as { state: string }[]).map((x) => JSON.parse(x.state) as Camera);
          const x = pick(cams);
          res = await center.send('camera.setStatus', { cameraId: x.id, status: pick(['online', 'offline', 'fault'] as const) }, x.version);
        } else {
          // The subject officer acts through its core, connected or not.
          mine.push((await subjects.xu!.command('case.report', reportIn(pick([SUB_A!, SUB_B!]), rnd, '分中心上报'), null)).commandId);
        }
        if (res) outcomes[res.ok ? 'ok' : res.error.code] = (outcomes[res.ok ? 'ok' : res.error.code] ?? 0) + 1;
        if (rnd() < 0.1) await tick(Math.floor(rnd() * 20));
      }
      proxy.restore();
      for (const [name, core] of Object.entries(subjects)) await online(core, hub, name);
      await until('all of xu\'s commands answered', async () => (await subjects.xu!.pending()).length === 0);
      await online(subjects.xu!, hub, 'xu');

      const context = `seed ${seed}, ${cuts} cuts, ${JSON.stringify(seen)}, head ${hub.core.log.headSeq}, outcomes ${JSON.stringify(outcomes)}`;
      // The test is only as strong as what happened: the cuts were felt, the compaction forced snapshots.
      expect(seen.offline, context).toBeGreaterThanOrEqual(cuts);
      expect(seen.resets, context).toBeGreaterThanOrEqual(2);
      for (const name of Object.keys(subjects)) {
        expect(await subjects[name]!.checksum(), `${name}: ${context}`).toEqual(hubChecksum(hub, users[name]!));
      }
      for (const id of mine) expect(timesApplied(hub, id), `xu's ${id}: ${context}`).toBe(1);
      expect(outcomes.ok ?? 0).toBeGreaterThan(200);
      expect((await subjects.xu!.checksum()).cases.count).toBeGreaterThan(10);
      expect((await subjects.li!.checksum()).cases.count).toBeGreaterThan(0);
    } finally {
      center.close();
      liaisons.enforcement.close();
      liaisons.greening.close();
    }
  });
});
