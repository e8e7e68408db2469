/**
 * The sync client and Core against a small fake hub (socket.io + HTTP login) that follows the
 * protocol of shared/protocol/events.ts and lets the test make the awkward cases happen on
 * purpose: scoped gaps, compaction ("snapshot needed"), a hub whose log went back in time, a
 * malformed message, an unreachable hub at start.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { Server, type Socket } from 'socket.io';
import {
  CaseSchema, EventSchema, SOCKET, UnitSchema,
  type Case, type CommandResult, type HubEvent, type Position, type Unit, type User,
} from '../../shared/protocol';
import { Core } from '../../main/core/core';
import { CoreClient } from '../../main/core/host/client';
import type { ChangeBatch } from '../../main/core/model';
import { checksumOf } from '../../main/core/replica/checksum';

const SUB_A = '310112102';
const SUB_B = '310112103';

function makeCase(id: string, version: number, sub = SUB_A, over: Partial<Case> = {}): Case {
  return CaseSchema.parse({
    id, version, status: 'reported', previousStatus: null, source: 'hotline', externalRef: null,
    categoryCode: '010101', urgency: 'normal', point: [121.38, 31.11], address: '闵行区', subdistrictCode: sub,
    communityCode: `${sub}001`, reporter: null, description: `case ${id}`, attachments: [], owners: [],
    reportedAt: 1, registeredAt: null, dispatchedAt: null, acceptedAt: null, resolvedAt: null, closedAt: null,
    dispatchDue: null, handlingDue: null, dueSoonAt: null, overdueAt: null, mergedInto: null, updatedAt: version, ...over,
  });
}
function makeUnit(id: string, version: number): Unit {
  return UnitSchema.parse({ id, version, name: id, kind: 'patrol', departmentCode: 'd1', subdistrictCode: SUB_A, status: 'available', home: [121.4, 31.1], caseId: null, updatedAt: version });
}

const USER: User = { id: 'u1', username: 'zhang', displayName: '张', role: 'officer', subdistricts: [SUB_A], departmentCode: null };

/** The hub's rules in miniature: a log, a scope (subdistrict A only), dedup of commandIds. */
class FakeHub {
  log: HubEvent[] = [];
  compactedThrough = 0;
  cases = new Map<string, Case>();
  units = new Map<string, Unit>();
  answers = new Map<string, CommandResult>();
  commandsSeen: string[] = [];
  user: User = USER;
  loginFails = false;
  /** When set, the next events message sent is malformed once. */
  corruptNext = false;
  /** Answers to commands held back (the test releases them). */
  holdAnswers = false;
  held: (() => void)[] = [];
  server!: http.Server;
  io!: Server;
  url = '';
  private live = new Map<string, number>(); // socket id → lastSent

  get head(): number {
    return this.log.length ? this.log[this.log.length - 1]!.seq : this.compactedThrough;
  }

  visible(e: HubEvent): boolean {
    return this.user.subdistricts.includes((e.data.state as { subdistrictCode: string }).subdistrictCode);
  }

  append(entity: 'case' | 'unit', state: Case | Unit, commandId: string | null = null): HubEvent {
    const e = EventSchema.parse({ seq: this.head + 1, at: Date.now(), type: `${entity}.updated`, entity, id: state.id, data: { state, by: 'x', commandId, detail: {} } });
    this.log.push(e);
    if (entity === 'case') this.cases.set(state.id, state as Case);
    else this.units.set(state.id, state as Unit);
    for (const [sid, lastSent] of this.live) {
      const s = this.io.sockets.sockets.get(sid);
      if (!s) continue;
      const mine = this.log.filter((x) => x.seq > lastSent && this.visible(x));
      this.live.set(sid, this.head);
      if (this.corruptNext) {
        this.corruptNext = false;
        s.emit(SOCKET.events, { events: [{ seq: 'bad' }], headSeq: this.head });
      } else s.emit(SOCKET.events, { events: mine, headSeq: this.head });
    }
    return e;
  }

  /** A slow hub: each catch-up page answered this late (the change batches are coalesced per 16 ms). */
  catchupDelayMs = 0;

  compact(): void {
    this.compactedThrough = this.head;
    this.log = [];
  }

  async start(port = 0): Promise<void> {
    this.server = http.createServer((req, res) => {
      if (req.method === 'POST' && req.url === '/api/login') {
        req.resume();
        req.on('end', () => {
          if (this.loginFails) {
            res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 'unauthenticated', message: 'wrong' }));
          } else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: 'tok', user: this.user, expiresAt: Date.now() + 3600_000 }));
        });
      } else res.writeHead(404).end();
    });
    this.io = new Server(this.server);
    this.io.use((socket, next) => ((socket.handshake.auth as { token?: string }).token === 'tok' ? next() : next(new Error('unauthenticated'))));
    this.io.on('connection', (s: Socket) => {
      s.on(SOCKET.whoami, (_: unknown, ack: (v: unknown) => void) => ack({ ok: true, user: this.user, headSeq: this.head }));
      s.on(SOCKET.catchup, ({ afterSeq, limit }: { afterSeq: number; limit: number }, ack: (v: unknown) => void) => {
        if (afterSeq < this.compactedThrough) return ack({ ok: false, error: { code: 'snapshot_needed', message: 'compacted' }, headSeq: this.head });
        const after = this.log.filter((e) => e.seq > afterSeq);
        const events: HubEvent[] = [];
        let upTo = afterSeq;
        for (const e of after) {
          if (events.length >= limit) break;
          upTo = e.seq;
          if (this.visible(e)) events.push(e);
        }
        if (events.length < limit) upTo = this.head;
        const answer = { ok: true, events, upTo, headSeq: this.head };
        if (this.catchupDelayMs > 0) setTimeout(() => ack(answer), this.catchupDelayMs);
        else ack(answer);
      });
      s.on(SOCKET.subscribe, ({ afterSeq }: { afterSeq: number }, ack: (v: unknown) => void) => {
        const mine = this.log.filter((e) => e.seq > afterSeq && this.visible(e));
        if (mine.length) s.emit(SOCKET.events, { events: mine, headSeq: this.head });
        this.live.set(s.id, this.head);
        ack({ ok: true, headSeq: this.head });
      });
      s.on(SOCKET.snapshot, ({ snapshotId, page }: { snapshotId: string | null; page: number }, ack: (v: unknown) => void) => {
        const cases = [...this.cases.values()].filter((c) => this.user.subdistricts.includes(c.subdistrictCode)).sort((a, b) => a.id.localeCompare(b.id));
        const units = [...this.units.values()];
        const per = 2;
        const pages = Math.max(1, Math.ceil(Math.max(cases.length, units.length) / per));
        ack({ ok: true, snapshotId: snapshotId ?? 'snap1', seq: this.head, page, pages, cases: cases.slice(page * per, page * per + per), units: units.slice(page * per, page * per + per), cameras: [] });
      });
      s.on(SOCKET.command, (env: { commandId: string; type: string; payload: { caseId?: string } }, ack: (v: unknown) => void) => {
        this.commandsSeen.push(env.commandId);
        const reply = () => {
          let r = this.answers.get(env.commandId);
          if (!r) {
            const id = env.payload.caseId ?? `N${this.cases.size + 1}`;
            const prev = this.cases.get(id);
            const c = makeCase(id, (prev?.version ?? 0) + 1);
            const e = this.append('case', c, env.commandId);
            r = { ok: true, commandId: env.commandId, entityId: id, version: c.version, seq: e.seq };
            this.answers.set(env.commandId, r);
          }
          ack(r);
        };
        if (this.holdAnswers) this.held.push(reply);
        else reply();
      });
      s.on('disconnect', () => this.live.delete(s.id));
    });
    await new Promise<void>((r) => this.server.listen(port, '127.0.0.1', () => r()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  positions(list: Position[]): void {
    for (const sid of this.live.keys()) this.io.sockets.sockets.get(sid)?.emit(SOCKET.positions, { positions: list });
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => this.io.close(() => r()));
  }
}

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));
async function until(cond: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await tick(5);
  }
}

let dir: string;
let hub: FakeHub;
let core: Core | null = null;
const FAST = { reconnect: { delayMs: 20, delayMaxMs: 100, randomization: 0.5 } };

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'core-sync-'));
  hub = new FakeHub();
  await hub.start();
});

afterEach(async () => {
  await core?.stop();
  core = null;
  await hub.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function openCore(opts: Record<string, unknown> = {}): Promise<Core> {
  core = await Core.open({ dataDir: dir, hubUrl: hub.url, username: 'zhang', password: 'pw', ackTimeoutMs: 1000, catchupLimit: 3, ...opts }, FAST);
  return core;
}

/** The hub's state in the user's scope, fingerprinted like the replica. */
const hubChecksum = () => checksumOf({ cases: [...hub.cases.values()].filter((c) => hub.user.subdistricts.includes(c.subdistrictCode)), units: [...hub.units.values()], cameras: [] });

describe('sync client', () => {
  it('catches up in batches across a scoped user\'s gaps, then goes live', async () => {
    for (let i = 1; i <= 10; i++) hub.append('case', makeCase(`C${i}`, 1, i % 3 === 0 ? SUB_B : SUB_A));
    hub.catchupDelayMs = 40; // long enough for the catching-up state to reach a change batch
    const c = await openCore();
    const states = new Set<string>();
    c.onChanges((b) => b.connection && states.add(b.connection.state));
    await c.start();
    await until(async () => (await c.connection()).state === 'online');
    expect((await c.connection()).lastSeq).toBe(10);
    expect(await c.checksum()).toEqual(hubChecksum());
    expect([...states]).toContain('catching_up');

    hub.append('case', makeCase('C11', 1));
    hub.append('case', makeCase('C12', 1, SUB_B)); // not ours: lastSeq still moves past it
    await until(async () => (await c.connection()).lastSeq === 12);
    expect((await c.snapshot()).cases.map((x) => x.id)).toContain('C11');
    expect(await c.caseDetail('C12')).toBeNull();
    expect(await c.checksum()).toEqual(hubChecksum());
  });

  it('loads a snapshot in pages when the hub says its log was compacted, then catches up', async () => {
    for (let i = 1; i <= 5; i++) hub.append('case', makeCase(`C${i}`, 1));
    hub.append('unit', makeUnit('U1', 1));
    hub.append('case', makeCase('C1', 2));
    hub.compact();
    hub.append('case', makeCase('C6', 1));
    hub.compactedThrough = hub.head; // C6 is compacted too: only the snapshot has it
    hub.log = [];
    const c = await openCore();
    let reset = false;
    c.onChanges((b) => (reset ||= b.reset));
    await c.start();
    await until(async () => (await c.connection()).state === 'online');
    await until(() => reset); // the batch saying so comes within a frame
    expect((await c.connection()).lastSeq).toBe(8);
    expect(await c.checksum()).toEqual(hubChecksum());
    expect((await c.caseDetail('C1'))?.case.version).toBe(2);
  });

  it('notices a hub whose log went back in time and refills from a snapshot', async () => {
    for (let i = 1; i <= 4; i++) hub.append('case', makeCase(`C${i}`, 1));
    let c = await openCore();
    await c.start();
    await until(async () => (await c.connection()).lastSeq === 4);
    await c.stop();
    // A different hub behind the same address: seq 1..2 only, other cases.
    hub.log = [];
    hub.cases.clear();
    hub.append('case', makeCase('Z1', 1));
    hub.append('case', makeCase('Z2', 1));
    c = await openCore();
    await c.start();
    await until(async () => (await c.connection()).state === 'online');
    expect((await c.snapshot()).cases.map((x) => x.id).sort()).toEqual(['Z1', 'Z2']);
    expect(await c.checksum()).toEqual(hubChecksum());
  });

  it('drops a malformed live message, reconnects and catches up without a hole', async () => {
    const c = await openCore();
    await c.start();
    await until(async () => (await c.connection()).state === 'online');
    hub.corruptNext = true;
    hub.append('case', makeCase('C1', 1)); // its message is the malformed one
    await until(async () => (await c.caseDetail('C1')) !== null);
    await until(async () => (await c.connection()).state === 'online');
    expect(await c.checksum()).toEqual(hubChecksum());
  });

  it('keeps trying while the hub is unreachable at start, and sends what was queued meanwhile', async () => {
    const port = Number(new URL(hub.url).port);
    await hub.stop();
    const c = await openCore();
    await c.start();
    const { commandId } = await c.command('case.report', { source: 'officer', categoryCode: '010101', urgency: 'normal', point: [121.38, 31.11] }, null);
    await tick(150);
    const conn = await c.connection();
    expect(conn.state === 'offline' || conn.state === 'connecting').toBe(true);
    expect(conn.pending).toBe(1);
    hub = new FakeHub();
    await hub.start(port);
    await until(async () => (await c.answer(commandId)) !== null, 10_000);
    expect(hub.commandsSeen).toEqual([commandId]);
    expect(await c.pending()).toEqual([]);
  });

  it('refills the replica when an administrator changed the user\'s scope', async () => {
    for (let i = 1; i <= 6; i++) hub.append('case', makeCase(`C${i}`, 1, i % 2 ? SUB_A : SUB_B));
    const c = await openCore();
    await c.start();
    await until(async () => (await c.connection()).state === 'online');
    expect((await c.checksum()).cases.count).toBe(3);
    hub.user = { ...USER, subdistricts: [SUB_A, SUB_B] };
    hub.io.disconnectSockets(true); // the next connect's whoami tells the new scope
    await until(async () => (await c.checksum()).cases.count === 6);
    expect(await c.checksum()).toEqual(hubChecksum());
    expect((await c.connection()).user?.subdistricts).toEqual([SUB_A, SUB_B]);
  });

  it('stops at a refused login and says why', async () => {
    hub.loginFails = true;
    const c = await openCore();
    await c.start();
    await until(async () => (await c.connection()).error?.code === 'unauthenticated');
    expect((await c.connection()).state).toBe('offline');
  });

  it('coalesces change batches and positions (latest value per unit)', async () => {
    const c = await openCore();
    const batches: ChangeBatch[] = [];
    c.onChanges((b) => batches.push(b));
    await c.start();
    await until(async () => (await c.connection()).state === 'online');
    batches.length = 0;
    for (let v = 1; v <= 50; v++) hub.append('case', makeCase('C1', v));
    hub.positions([{ id: 'U1', point: [121.1, 31.1], heading: 0, speed: 1, at: 1 }]);
    hub.positions([{ id: 'U1', point: [121.2, 31.2], heading: 0, speed: 1, at: 2 }]);
    await until(() => batches.some((b) => b.cases.some((x) => x.version === 50)) && batches.some((b) => b.positions.some((p) => p.at === 2)));
    await tick(40);
    const caseBatches = batches.filter((b) => b.cases.length);
    expect(caseBatches.length).toBeLessThan(10); // 50 events, a handful of frames
    expect(caseBatches.every((b) => b.cases.length === 1)).toBe(true); // one entry per id
    expect((await c.snapshot()).positions).toEqual([{ id: 'U1', point: [121.2, 31.2], heading: 0, speed: 1, at: 2 }]);
  });

  it('answers a command with the hub\'s answer, resent after a cut without doubling', async () => {
    hub.append('case', makeCase('C1', 1));
    const c = await openCore();
    const answers: string[] = [];
    c.onChanges((b) => answers.push(...b.answers.map((a) => a.commandId)));
    await c.start();
    await until(async () => (await c.connection()).state === 'online');
    hub.holdAnswers = true;
    const { commandId } = await c.command('case.register', { caseId: 'C1' }, 1);
    await until(() => hub.held.length === 1);
    hub.held.shift()!(); // the hub applies and answers
    await until(() => answers.includes(commandId));
    // Now a held answer that never arrives: cut all sockets; the core resends the same id.
    const second = await c.command('case.register', { caseId: 'C1' }, 2);
    await until(() => hub.held.length === 1);
    hub.held.shift(); // dropped: the hub never answers on this connection
    hub.holdAnswers = false;
    hub.io.disconnectSockets(true);
    await until(() => answers.includes(second.commandId), 10_000);
    expect(hub.commandsSeen.filter((x) => x === second.commandId).length).toBe(2);
    expect(hub.log.filter((e) => e.data.commandId === second.commandId).length).toBe(1); // applied once, on the resend
    // Read-your-writes: the answer reached the windows only once the replica held its event.
    expect((await c.caseDetail('C1'))?.case.version).toBe(3);
  });
});

describe('core in its own process (CoreClient)', () => {
  const opts = () => ({ dataDir: dir, hubUrl: hub.url, username: 'zhang', password: 'pw', ackTimeoutMs: 1000 });

  it('offers the Core API over IPC, checked on both ends', async () => {
    hub.append('case', makeCase('C1', 1, SUB_A, { address: '申长路虹桥枢纽' }));
    const client = await CoreClient.spawn(opts());
    const batches: ChangeBatch[] = [];
    client.onChanges((b) => batches.push(b));
    try {
      await client.start();
      await until(async () => (await client.connection()).state === 'online');
      expect((await client.search('虹桥')).map((c) => c.id)).toEqual(['C1']);
      expect((await client.caseDetail('C1'))?.timeline).toHaveLength(1);
      await expect(client.command('case.reject', { caseId: 'C1' }, 1)).rejects.toMatchObject({ code: 'invalid_input' });
      await expect(client.search('x'.repeat(300))).rejects.toMatchObject({ code: 'invalid_input' });
      const { commandId } = await client.command('case.register', { caseId: 'C1' }, 1);
      await until(async () => (await client.answer(commandId)) !== null);
      await until(() => batches.some((b) => b.answers.some((a) => a.commandId === commandId)));
      await until(async () => (await client.caseDetail('C1'))?.case.version === 2);
      expect(await client.checksum()).toEqual(hubChecksum());
      expect((await client.answers()).map((a) => a.commandId)).toEqual([commandId]);
    } finally {
      await client.stop();
    }
    expect(client.alive).toBe(false);
    await expect(client.snapshot()).rejects.toMatchObject({ code: 'internal' });
  });

  it('SIGKILL after the hub answered but before the answer was recorded: resent on restart, applied once', async () => {
    hub.append('case', makeCase('C1', 1));
    let client = await CoreClient.spawn(opts(), { fault: 'kill-before-settle' });
    await client.start();
    await until(async () => (await client.connection()).state === 'online');
    const { commandId } = await client.command('case.register', { caseId: 'C1' }, 1);
    expect((await client.exit()).signal).toBe('SIGKILL');
    expect(hub.commandsSeen).toEqual([commandId]);
    client = await CoreClient.spawn(opts());
    try {
      expect((await client.pending()).map((p) => p.commandId)).toEqual([commandId]);
      await client.start();
      await until(async () => (await client.answer(commandId)) !== null);
      expect(hub.commandsSeen).toEqual([commandId, commandId]); // sent twice …
      expect(hub.log.filter((e) => e.data.commandId === commandId)).toHaveLength(1); // … applied once
      expect((await client.answer(commandId))?.result).toMatchObject({ ok: true, version: 2 });
    } finally {
      await client.stop();
    }
  });
});
