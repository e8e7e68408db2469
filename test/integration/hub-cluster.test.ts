/**
 * Several hub nodes on one real PostgreSQL (issue 16): one gap-free log however the nodes' commits
 * interleave, a command applied on one node pushed to clients of another, a retry on another node
 * answered the same and applied once, a login valid on every node, singleton work on one node at
 * a time, and a PostgreSQL restart survived without acknowledging anything it did not keep.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { io } from 'socket.io-client';
import { startPostgres, type RunningPostgres } from '../helpers/postgres';
import { connect, login, PASSWORD, pointIn, report, testHub, tmpDir, XINZHUANG } from './helpers/hub';
import type { RunningHub } from '../../hub/server';
import { openPostgresStore } from '../../hub/store/postgres/store';
import type { Actor } from '../../shared/domain/roles';
import type { CommandResult, HubEvent } from '../../shared/protocol';

let db: RunningPostgres;
const nodes: RunningHub[] = [];
const officer: Actor = { userId: 'cluster-test', role: 'officer', subdistricts: [] };
const reportCommand = (commandId = randomUUID()) => ({ commandId, type: 'case.report', expectedVersion: null, payload: report(pointIn(null, XINZHUANG)) });

async function sql<R extends pg.QueryResultRow>(text: string, args: unknown[] = []): Promise<R[]> {
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  try {
    return (await c.query<R>(text, args)).rows;
  } finally {
    await c.end();
  }
}

async function until(what: string, cond: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function startNode(name: string): Promise<RunningHub> {
  const hub = await testHub({ store: db.url, node: name });
  nodes.push(hub);
  return hub;
}

beforeAll(async () => {
  db = await startPostgres();
  // One after the other, as deploy/ says: the first migrates and seeds, the others find it done.
  for (const name of ['a', 'b', 'c']) await startNode(name);
}, 120_000);

afterAll(async () => {
  for (const n of nodes) await n.close().catch(() => undefined);
  await db?.stop();
});

describe('a cluster of hub nodes on one PostgreSQL', () => {
  it('shares one log: the same log id, the seed once, every view at the same head', async () => {
    const [a, b, c] = nodes as [RunningHub, RunningHub, RunningHub];
    expect(new Set(nodes.map((n) => n.core.logId)).size).toBe(1);
    const seeds = await sql<{ n: number }>(`SELECT COUNT(*)::int AS n FROM audit WHERE type = 'district.seed'`);
    expect(seeds[0]!.n).toBe(1);
    const head = (await sql<{ head_seq: string }>('SELECT head_seq FROM sequencer'))[0]!.head_seq;
    for (const n of [a, b, c]) expect(n.core.log.headSeq).toBe(Number(head));
    const health = (await (await fetch(`${b.url}/api/health`)).json()) as { logId: string; node: string; store: string };
    expect(health).toMatchObject({ logId: a.core.logId, node: 'b', store: 'postgres' });
  });

  it('keeps seq gap-free and totally ordered when all nodes commit at once', async () => {
    const before = Math.max(...nodes.map((n) => n.core.log.headSeq));
    const results = await Promise.all(nodes.flatMap((n) => Array.from({ length: 60 }, () => n.core.apply(officer, reportCommand()))));
    expect(results.filter((r) => !r.ok)).toEqual([]);
    const seqs = results.map((r) => (r as Extract<CommandResult, { ok: true }>).seq).sort((x, y) => x - y);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => before + i + 1));
    const rows = await sql<{ seq: string }>('SELECT seq FROM events WHERE seq > $1 ORDER BY seq', [before]);
    expect(rows.map((r) => Number(r.seq))).toEqual(seqs);
    // The audit chain is one chain too: n without a hole, each link on the one before.
    const audit = await sql<{ n: string; prev_hash: string; hash: string }>('SELECT n, prev_hash, hash FROM audit ORDER BY n');
    audit.forEach((r, i) => {
      expect(Number(r.n)).toBe(i + 1);
      if (i > 0) expect(r.prev_hash).toBe(audit[i - 1]!.hash);
    });
    const head = seqs[seqs.length - 1]!;
    await until('every view at the head', () => nodes.every((n) => n.core.log.headSeq === head));
    const counts = nodes.map((n) => (n.core.db.prepare('SELECT COUNT(*) AS n FROM cases').get() as { n: number }).n);
    expect(new Set(counts).size).toBe(1);
  });

  it('pushes a command applied on one node to the clients of another, and a login on one node is valid on all', async () => {
    const [a, b] = nodes as [RunningHub, RunningHub];
    await a.createUser({ username: 'duty-zhang', password: PASSWORD, displayName: '张值班', role: 'officer' });
    const { token } = await login(a.url, 'duty-zhang');
    const socket = io(b.url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
    try {
      const who = (await socket.timeout(5000).emitWithAck('whoami', undefined)) as { ok: boolean; node: string; logId: string };
      expect(who).toMatchObject({ ok: true, node: 'b', logId: a.core.logId });
      const seen: HubEvent[] = [];
      socket.on('events', (m: { events: HubEvent[] }) => seen.push(...m.events));
      await socket.timeout(5000).emitWithAck('subscribe', { afterSeq: b.core.log.headSeq });
      const r = await a.core.apply(officer, reportCommand());
      expect(r.ok).toBe(true);
      const id = (r as Extract<CommandResult, { ok: true }>).entityId;
      await until('the event on node b', () => seen.some((e) => e.id === id));
    } finally {
      socket.close();
    }
  });

  it('answers a command retried on another node the same, and applies it once', async () => {
    const [a, b, c] = nodes as [RunningHub, RunningHub, RunningHub];
    const cmd = reportCommand();
    const first = await a.core.apply(officer, cmd);
    const again = await b.core.apply(officer, cmd);
    const third = await c.core.applyBatch([{ actor: officer, raw: cmd }, { actor: officer, raw: cmd }]);
    expect(again).toEqual(first);
    expect(third).toEqual([first, first]);
    const rows = await sql<{ n: number }>(`SELECT COUNT(*)::int AS n FROM events WHERE data LIKE $1`, [`%${cmd.commandId}%`]);
    expect(rows[0]!.n).toBe(1);
  });

  it('starts a node that joins after the shared log was compacted from the store\'s entities, and it goes on from there', async () => {
    const [a] = nodes as [RunningHub];
    const store = await openPostgresStore(db.url);
    try {
      expect(await store.log.compact(Date.now() + 60_000)).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
    const { compacted_through } = (await sql<{ compacted_through: number }>('SELECT compacted_through::int FROM sequencer'))[0]!;
    expect(compacted_through).toBe(a.core.log.headSeq - 1);
    const d = await startNode('d');
    const cases = (n: RunningHub) => n.core.db.prepare('SELECT id, version, status FROM cases ORDER BY id').all();
    expect(d.core.log.headSeq).toBe(a.core.log.headSeq);
    expect(cases(d)).toEqual(cases(a));
    const r = await d.core.apply(officer, reportCommand());
    expect(r).toMatchObject({ ok: true, seq: compacted_through + 2 });
    await until('node a has it', () => a.core.log.headSeq === compacted_through + 2);
    expect(cases(a)).toEqual(cases(d));
  });

  it('runs singleton work on one node at a time and hands it over when that node stops', async () => {
    await until('one leader', () => nodes.filter((n) => n.leader()).length === 1);
    const leader = nodes.find((n) => n.leader())!;
    await leader.close();
    nodes.splice(nodes.indexOf(leader), 1);
    await until('a new leader', () => nodes.filter((n) => n.leader()).length === 1, 15_000);
  }, 30_000);

  it('refuses commands as unavailable while PostgreSQL is down, keeps nothing it did not commit, and goes on after', async () => {
    const [a, b] = nodes as [RunningHub, RunningHub];
    const client = await connect(b, { username: 'duty-zhang', displayName: '张值班', role: 'officer' });
    try {
      const ok = await client.command('case.report', report(pointIn(null, XINZHUANG)));
      expect(ok.ok).toBe(true);
      const head = b.core.log.headSeq;
      await db.down();
      const refused = await client.command('case.report', report(pointIn(null, XINZHUANG)));
      expect(refused).toMatchObject({ ok: false, error: { code: 'unavailable' } });
      const health = await fetch(`${a.url}/api/health`);
      expect(health.status).toBe(503);
      expect(b.core.log.headSeq).toBe(head);
      await db.up();
      // The same command sent again (as the outbox does) goes through once the store is back.
      const cmdId = randomUUID();
      await until('the store back', async () => (await client.command('case.report', report(pointIn(null, XINZHUANG)), null, cmdId)).ok, 20_000);
      const rows = await sql<{ seq: string }>('SELECT seq FROM events ORDER BY seq');
      // No hole (the log before the compaction horizon is gone: it starts there).
      const first = Number(rows[0]!.seq);
      rows.forEach((r, i) => expect(Number(r.seq)).toBe(first + i));
      const last = Number(rows[rows.length - 1]!.seq);
      expect(last).toBe(head + 1);
      await until('both views at the head', () => a.core.log.headSeq === last && b.core.log.headSeq === last);
    } finally {
      client.close();
    }
  }, 60_000);

  it('verifies the shared store\'s audit chain with npm run audit:verify -- --store, and names an edited entry', async () => {
    const { execFileSync } = await import('node:child_process');
    const { ROOT } = await import('./helpers/process');
    const run = () => {
      try {
        return { code: 0, out: execFileSync(process.execPath, ['--import', 'tsx', 'hub/audit/cli.ts', '--store', db.url], { cwd: ROOT, encoding: 'utf8', stdio: 'pipe' }) };
      } catch (e) {
        const err = e as { status: number; stderr: string };
        return { code: err.status, out: err.stderr };
      }
    };
    const entries = (await sql<{ n: number }>('SELECT COUNT(*)::int AS n FROM audit'))[0]!.n;
    expect(entries).toBeGreaterThan(100);
    expect(run()).toMatchObject({ code: 0, out: expect.stringContaining(`valid: ${entries} entries`) });
    await sql(`UPDATE audit SET user_id = 'mallory' WHERE n = 42`);
    expect(run()).toMatchObject({ code: 1, out: expect.stringMatching(/BROKEN at entry 42/) });
  }, 60_000);
});

describe('a cluster\'s first start and a restored store', () => {
  const dbUrl = (name: string) => db.url.replace(/\/[^/]+$/, `/${name}`);

  it('makes the default accounts once when three nodes start together on an empty store', async () => {
    await sql('CREATE DATABASE together');
    const started = await Promise.all(['x', 'y', 'z'].map((name) => testHub({ store: dbUrl('together'), node: name, defaultAccounts: true, credentialsFile: null })));
    try {
      const made = started.filter((h) => h.credentials !== null);
      expect(made).toHaveLength(1);
      const { accounts } = made[0]!.credentials!;
      const c = new pg.Client({ connectionString: dbUrl('together') });
      await c.connect();
      try {
        expect((await c.query<{ n: number }>('SELECT COUNT(*)::int AS n FROM users')).rows[0]!.n).toBe(accounts.length);
        expect((await c.query<{ n: number }>(`SELECT COUNT(*)::int AS n FROM audit WHERE type = 'district.seed'`)).rows[0]!.n).toBe(1);
      } finally {
        await c.end();
      }
      // Every printed password works, on every node.
      for (const h of started) for (const a of accounts.slice(0, 3)) await login(h.url, a.username, a.password);
    } finally {
      for (const h of started) await h.close();
    }
  }, 60_000);

  it('builds a node\'s view again when the store it comes back to was restored from before what the view holds', async () => {
    await sql('CREATE DATABASE live');
    const dataDir = tmpDir('restored-view-');
    let hub = await testHub({ store: dbUrl('live'), node: 'r', dataDir });
    for (let i = 0; i < 5; i++) expect((await hub.core.apply(officer, reportCommand())).ok).toBe(true);
    const backupHead = hub.core.log.headSeq;
    await hub.close();
    await sql('CREATE DATABASE backup TEMPLATE live'); // the backup: the store as it is now
    hub = await testHub({ store: dbUrl('live'), node: 'r', dataDir });
    for (let i = 0; i < 5; i++) expect((await hub.core.apply(officer, reportCommand())).ok).toBe(true);
    expect(hub.core.log.headSeq).toBe(backupHead + 5);
    await hub.close();
    // Restored: the same log id, five commits fewer than the node's view.
    hub = await testHub({ store: dbUrl('backup'), node: 'r', dataDir });
    try {
      expect(hub.core.log.headSeq).toBe(backupHead);
      const r = await hub.core.apply(officer, reportCommand());
      expect(r).toMatchObject({ ok: true, seq: backupHead + 1 });
      expect((await (await fetch(`${hub.url}/api/health`)).json())).toMatchObject({ ok: true, headSeq: backupHead + 1 });
    } finally {
      await hub.close();
    }
  }, 60_000);
});
