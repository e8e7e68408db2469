/**
 * A workstation on a cluster (issue 16): the core holds the list of hub nodes, moves to the next
 * when the one it uses goes away, catches up from its lastSeq, resends its outbox, and nothing
 * is lost or applied twice; the connection says which node serves it. Real PostgreSQL, real
 * hub nodes, a real core, all on loopback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import pg from 'pg';
import { Core } from '../../main/core/core';
import type { RunningHub } from '../../hub/server';
import { startPostgres, type RunningPostgres } from '../helpers/postgres';
import { PASSWORD, pointIn, report, testHub, tmpDir, XINZHUANG } from './helpers/hub';
import { FAST_RECONNECT, until } from './helpers/proxy';

let db: RunningPostgres;
const nodes = new Map<string, RunningHub>();
const cores: Core[] = [];

async function appliedTimes(commandId: string): Promise<number> {
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  try {
    return (await c.query<{ n: number }>('SELECT COUNT(*)::int AS n FROM audit WHERE command_id = $1', [commandId])).rows[0]!.n;
  } finally {
    await c.end();
  }
}

/** An address nothing listens on: a node that is down when the workstation starts. */
async function deadAddress(): Promise<string> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return `http://127.0.0.1:${port}`;
}

async function openCore(hubUrl: string, username: string): Promise<Core> {
  const core = await Core.open({ dataDir: tmpDir('failover-core-'), hubUrl, username, password: PASSWORD, ackTimeoutMs: 1500 }, FAST_RECONNECT);
  cores.push(core);
  await core.start();
  return core;
}

beforeAll(async () => {
  db = await startPostgres();
  for (const name of ['a', 'b', 'c']) nodes.set(name, await testHub({ store: db.url, node: name }));
  for (const username of ['duty-li', 'duty-wang']) await nodes.get('a')!.createUser({ username, password: PASSWORD, displayName: username, role: 'officer' });
}, 120_000);

afterAll(async () => {
  for (const c of cores) await c.stop().catch(() => undefined);
  for (const n of nodes.values()) await n.close().catch(() => undefined);
  await db?.stop();
});

describe('a workstation with the list of a cluster\'s nodes', () => {
  it('moves to the next node when its node stops, resends what it had not had answered, and loses nothing', async () => {
    const [a, b, c] = ['a', 'b', 'c'].map((n) => nodes.get(n)!) as [RunningHub, RunningHub, RunningHub];
    const core = await openCore([a.url, b.url, c.url].join(','), 'duty-li');
    await until('online on node a', async () => {
      const s = await core.connection();
      return s.state === 'online' && s.node === 'a' && s.hub === a.url;
    });
    const before = await core.command('case.report', report(pointIn(null, XINZHUANG)), null);
    await until('its answer', async () => (await core.answer(before.commandId)) !== null);

    // Actions in flight when the node goes, and after it went, before the workstation moved.
    const inFlight = await core.command('case.report', report(pointIn(null, XINZHUANG)), null);
    await a.close();
    nodes.delete('a');
    const after = await core.command('case.report', report(pointIn(null, XINZHUANG)), null);
    await until('online on another node', async () => {
      const s = await core.connection();
      return s.state === 'online' && s.node !== 'a' && s.node !== null;
    });
    const served = await core.connection();
    expect([b.url, c.url]).toContain(served.hub);
    await until('every action answered', async () => (await core.pending()).length === 0);
    for (const cmd of [before, inFlight, after]) {
      expect((await core.answer(cmd.commandId))?.result).toMatchObject({ ok: true });
      expect(await appliedTimes(cmd.commandId)).toBe(1);
    }
    // Caught up on the new node: the replica is at that node's head and has every case.
    const node = served.node === 'b' ? b : c;
    await until('replica at the head', async () => (await core.connection()).lastSeq === node.core.log.headSeq);
    const id = ((await core.answer(after.commandId))!.result as { entityId: string }).entityId;
    expect(await core.caseDetail(id)).not.toBeNull();
  }, 60_000);

  it('signs in through the next node when the first in its list is down', async () => {
    const b = nodes.get('b')!;
    const core = await openCore([await deadAddress(), b.url].join(','), 'duty-wang');
    await until('online on node b', async () => {
      const s = await core.connection();
      return s.state === 'online' && s.node === 'b';
    });
    const r = await core.command('case.report', report(pointIn(null, XINZHUANG)), null);
    await until('answered', async () => (await core.answer(r.commandId)) !== null);
    expect(await appliedTimes(r.commandId)).toBe(1);
  }, 60_000);
});
