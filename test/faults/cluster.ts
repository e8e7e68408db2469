/**
 * The cluster fault run (issue 16), `npm run faults -- --cluster [--kills N] [--workstations N]`:
 * a real PostgreSQL (scripts/postgres/embedded.ts), three hub node processes on it, and real
 * core processes that hold the list of the three nodes, while officers act through the cores and
 * the networks post to every node. Faults: a node killed with SIGKILL and started again (one at
 * a time, so a node is always there to fail over to), and PostgreSQL itself restarted as a crash
 * would (once, half-way). After each round everything is healed and quiesced; at the end every
 * action is judged against the shared store: nothing lost, nothing applied twice, the log
 * gap-free, every replica and every node's view equal to the store.
 *
 * The checks of the single-hub run (checks.ts) read a hub's SQLite file; here they read a copy of
 * the shared store made with the hub's own schema and entity writer (`storeCopy`).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { User } from '../../shared/protocol';
import type { EntityKind } from '../../shared/protocol';
import { openHubDb } from '../../hub/store/db';
import { saveState } from '../../hub/store/entities';
import { VIEW_FILE } from '../../hub/cluster/view';
import { startPostgres, type PostgresServer } from '../../scripts/postgres/embedded';
import { CoreActor } from './actors';
import { ACTORS, type Credentials } from './harness';
import { auditOf, findingsLog, exactlyOnce, hubChecksum, openReadonly, outboxFile, readOutbox, seqGaps } from './checks';
import { snapshotCode } from './code';
import { freePort, HubRunner } from './hubproc';
import { SourceDriver } from './load';
import { rng, sleep, waitFor, type Rng } from './random';

export interface ClusterRunOptions {
  kills: number;
  workstations?: number;
  seed?: number;
  maxMs?: number;
  snapshot?: boolean;
  keepDir?: boolean;
  log?: (m: string) => void;
}

export interface ClusterRunSummary {
  kills: number;
  postgresRestarts: number;
  workstations: number;
  actions: number;
  acknowledged: number;
  lost: number;
  duplicated: number;
  mismatched: number;
  divergent: number;
  gaps: number;
  auditValid: boolean;
  /** Node killed → each workstation it served online again (on another node or on it restarted), seconds. */
  failover: { samples: number; p50: number | null; p99: number | null; max: number | null };
  sourcePosts: Record<string, number>;
  seed: number;
  rounds: number;
  seconds: number;
  stuck: number;
  nodeCrashes: number;
  coreCrashes: number;
  aborted: string | null;
  dataDir: string | null;
  findings: string[];
}

const NODES = ['a', 'b', 'c'] as const;

/** The shared store as a hub SQLite file (same tables), for the checks of checks.ts. */
async function storeCopy(url: string, file: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const db = openHubDb(file);
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const rows = async (sql: string) => (await client.query(sql)).rows as Array<Record<string, unknown>>;
    const events = await rows('SELECT seq::float8 AS seq, at::float8 AS at, type, entity, id, subdistrict, owners, data FROM events ORDER BY seq');
    const commands = await rows('SELECT command_id, user_id, type, at::float8 AS at, result FROM commands');
    const audit = await rows('SELECT n::float8 AS n, at::float8 AS at, user_id, command_id, type, entity_id, before, after, prev_hash, hash FROM audit ORDER BY n');
    const entities = await rows('SELECT entity, state FROM entities');
    await client.query('COMMIT');
    db.transaction(() => {
      const ev = db.prepare('INSERT INTO events (seq, at, type, entity, id, subdistrict, owners, data) VALUES (@seq, @at, @type, @entity, @id, @subdistrict, @owners, @data)');
      for (const e of events) ev.run(e);
      const cmd = db.prepare('INSERT INTO commands (command_id, user_id, type, at, result) VALUES (@command_id, @user_id, @type, @at, @result)');
      for (const c of commands) cmd.run(c);
      const au = db.prepare('INSERT INTO audit (n, at, user_id, command_id, type, entity_id, before, after, prev_hash, hash) VALUES (@n, @at, @user_id, @command_id, @type, @entity_id, @before, @after, @prev_hash, @hash)');
      for (const a of audit) au.run(a);
      for (const e of entities) saveState(db, e.entity as EntityKind, JSON.parse(e.state as string));
    })();
  } finally {
    db.close();
    await client.end();
  }
}

async function storeHead(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return Number((await client.query<{ head_seq: string }>('SELECT head_seq FROM sequencer WHERE id = 1')).rows[0]!.head_seq);
  } finally {
    await client.end();
  }
}

function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

export async function runClusterFaults(opts: ClusterRunOptions): Promise<ClusterRunSummary> {
  const seed = opts.seed ?? Math.floor(Math.random() * 1e9);
  const r = rng(seed);
  const log = opts.log ?? (() => undefined);
  const t0 = Date.now();
  const maxMs = opts.maxMs ?? 60 * 60_000;
  const workstations = opts.workstations ?? 20;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'linkage-faults-cluster-'));
  const credsFile = path.join(root, 'credentials.json');
  const { findings, finding } = findingsLog(log);
  const code = opts.snapshot ? snapshotCode() : null;
  let db: PostgresServer | null = null;
  const nodes = new Map<string, HubRunner>();
  const actors: CoreActor[] = [];
  const failovers: number[] = [];
  let kills = 0;
  let pgRestarts = 0;
  let rounds = 0;
  let stuck = 0;
  let aborted: string | null = null;

  try {
    db = await startPostgres({ database: 'linkage', dir: root });
    const url = db.url;
    for (const name of NODES) {
      const node = new HubRunner(path.join(root, `hub-${name}`), await freePort(), ['--store', url, '--node', name], code);
      nodes.set(name, node);
      // One after the other: the first migrates, seeds and makes the accounts.
      await node.start(name === 'a' ? ['--credentials-file', credsFile] : []);
    }
    const list = [...nodes.values()].map((n) => n.url).join(',');
    const creds = JSON.parse(fs.readFileSync(credsFile, 'utf8')) as Credentials;
    const password = (u: string): string => creds.accounts.find((a) => a.username === u)!.password;
    const users = new Map<string, User>();
    for (const a of ACTORS) {
      const res = await fetch(`${nodes.get('a')!.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: a.username, password: password(a.username) }) });
      users.set(a.username, ((await res.json()) as { user: User }).user);
    }
    for (let i = 0; i < workstations; i++) {
      const a = ACTORS[i % ACTORS.length]!;
      actors.push(new CoreActor({ username: a.username, password: password(a.username), user: users.get(a.username)!, kind: a.kind }, path.join(root, 'cores', `ws-${i}`), null, code, 1500, list));
    }
    await Promise.all(actors.map((a) => a.spawn()));
    for (const a of actors) if (!(await a.waitOnline(60_000))) throw new Error(`workstation ${a.dataDir} did not come online`);
    const sources = NODES.map((n) => new SourceDriver(nodes.get(n)!.url, creds.sourceKeys, `C${seed}${n}`));
    log(`setup done in ${Date.now() - t0} ms: PostgreSQL ${db.version} on ${db.port}, nodes ${[...nodes.values()].map((n) => n.url).join(' ')}, ${actors.length} workstations`);

    /** Every node up, every workstation online, outbox empty and at the store's head. */
    const quiesce = async (label: string): Promise<void> => {
      for (const n of nodes.values()) if (!n.running) await n.start();
      for (const a of actors) if (!a.alive) await a.spawn().catch((e: unknown) => log(`respawn: ${String(e)}`));
      const late = async (): Promise<CoreActor[]> => {
        const head = await storeHead(url);
        const out: CoreActor[] = [];
        for (const a of actors) if (!(await a.settled(head).catch(() => false))) out.push(a);
        return out;
      };
      if (await waitFor(async () => (await late()).length === 0, 30_000, 100)) return;
      for (const a of await late().catch(() => actors)) {
        stuck++;
        const conn = a.client?.alive ? await a.client.connection().catch(() => null) : null;
        finding(`${label}: ${a.dataDir} not settled: ${JSON.stringify({ state: conn?.state, node: conn?.node, lastSeq: conn?.lastSeq, pending: conn?.pending, error: conn?.error, logs: a.logs.slice(-5) }).slice(0, 1200)}`);
        await a.kill();
        await a.spawn().catch(() => undefined);
      }
      if (!(await waitFor(async () => (await late()).length === 0, 30_000, 100))) finding(`${label}: still not settled after restarting the late cores`);
    };

    /** Kills a node, starts it again after a while, and times each of its workstations' return. */
    const killNode = async (fr: Rng): Promise<void> => {
      // Mostly a node that serves workstations (they all start on the first of their list); the
      // first kill always, so a short run measures failover too.
      const servedBy = new Map<string, CoreActor[]>(NODES.map((n) => [n, []]));
      for (const a of actors) {
        const n = (await a.client?.connection().catch(() => null))?.node;
        if (n) servedBy.get(n)?.push(a);
      }
      const busiest = [...servedBy].sort((x, y) => y[1].length - x[1].length)[0]![0];
      const name = kills === 0 ? busiest : fr.weighted(Object.fromEntries([...servedBy].map(([n, list]) => [n, 3 * list.length + 1])));
      const node = nodes.get(name)!;
      if (!node.running) return;
      const served = servedBy.get(name)!;
      const at = Date.now();
      await node.kill('SIGKILL');
      kills++;
      const back = served.map(async (a) => {
        const ok = await waitFor(async () => {
          const c = await a.client?.connection().catch(() => null);
          return c?.state === 'online' && c.node !== null && (c.node !== name || node.running);
        }, 60_000, 25);
        if (ok) failovers.push((Date.now() - at) / 1000);
        else finding(`a workstation of node ${name} was not served again within 60 s`);
      });
      await sleep(fr.int(300, 3000));
      await node.start();
      await Promise.all(back);
    };

    const restartPostgres = async (): Promise<void> => {
      pgRestarts++;
      log('PostgreSQL: immediate shutdown (a crash) and start');
      await db!.restart({ immediate: true });
    };

    await quiesce('setup');
    const pgRound = Math.max(1, Math.floor(opts.kills / 2));
    while (kills < opts.kills) {
      if (Date.now() - t0 > maxMs) {
        finding(`stopped after ${Math.round(maxMs / 60_000)} min with ${kills} kills`);
        break;
      }
      rounds++;
      const fr = r.fork();
      let running = true;
      const loops = [...actors.map((a) => a.loop(fr.fork(), () => running, [100, 600])), ...sources.map((s) => s.loop(fr.fork(), () => running))];
      const window = fr.int(1500, 3500);
      await sleep(fr.int(200, Math.floor(window / 2)));
      const fault = rounds === pgRound && pgRestarts === 0 ? restartPostgres() : killNode(fr);
      await sleep(window);
      running = false;
      try {
        await fault;
        await Promise.all(loops);
        await quiesce(`round ${rounds}`);
      } catch (e) {
        aborted = `round ${rounds}: ${String(e).slice(0, 1500)}`;
        finding(`run aborted: ${aborted}`);
        break;
      }
      if (rounds % 10 === 0) log(`round ${rounds}: ${kills} kills, ${actors.reduce((s, a) => s + a.enqueued.size, 0)} actions, ${Math.round((Date.now() - t0) / 1000)} s`);
    }
    if (!aborted) await quiesce('final').catch((e: unknown) => finding(`final quiesce: ${String(e)}`));

    // ---- checks against the store ------------------------------------------------------------
    const copy = path.join(root, 'store-copy.sqlite');
    await storeCopy(url, copy);
    const store = openReadonly(copy);
    let divergent = 0;
    try {
      for (const a of actors) {
        if (!a.client?.alive) continue;
        let same = false;
        for (let attempt = 0; attempt < 5 && !same; attempt++) {
          same = (await a.client.checksum()).all === hubChecksum(store, a.spec.user).all;
          if (!same) await sleep(300);
        }
        if (!same) {
          divergent++;
          finding(`replica of ${a.dataDir} (${a.name}) differs from the store`);
        }
      }
      for (const a of actors) await a.stop();
      // Each node's view, read with the widest scope (the district officer's).
      const everything = users.get('officer')!;
      for (const [name, node] of nodes) {
        await node.kill('SIGTERM');
        const view = openReadonly(path.join(node.dataDir, VIEW_FILE));
        try {
          if (hubChecksum(view, everything).all !== hubChecksum(store, everything).all) {
            divergent++;
            finding(`the view of node ${name} differs from the store`);
          }
        } finally {
          view.close();
        }
      }
      const once = exactlyOnce(store, actors.map((a) => ({ username: a.name, enqueued: a.enqueued, outbox: readOutbox(outboxFile(a.dataDir, a.name)) })));
      for (const e of once.examples) finding(e);
      const audit = auditOf(store);
      if (!audit.ok) finding(`audit chain broken at ${audit.firstBroken}: ${audit.reason}`);
      const gaps = seqGaps(store);
      if (gaps) finding(`${gaps} gaps in the log's seq`);
      for (const a of actors) for (const c of a.crashes) finding(`core ${a.dataDir} ended by itself (${c.signal ?? c.code}): ${c.logs.slice(-3).join(' | ').slice(0, 600)}`);
      for (const [name, n] of nodes) for (const c of n.crashes) finding(`node ${name} ended by itself (${c.signal ?? c.code}): ${c.tail.slice(-600)}`);
      for (const [name, n] of nodes) for (const l of n.failures().slice(0, 5)) finding(`node ${name} log: ${l.slice(0, 300)}`);
      const sorted = [...failovers].sort((x, y) => x - y);
      const round2 = (x: number | null) => (x === null ? null : Math.round(x * 100) / 100);
      const summary: ClusterRunSummary = {
        kills, postgresRestarts: pgRestarts, workstations: actors.length,
        actions: once.actions, acknowledged: once.acknowledged, lost: once.lost, duplicated: once.duplicated, mismatched: once.mismatched,
        divergent, gaps, auditValid: audit.ok,
        failover: { samples: sorted.length, p50: round2(quantile(sorted, 0.5)), p99: round2(quantile(sorted, 0.99)), max: round2(sorted[sorted.length - 1] ?? null) },
        sourcePosts: sources.reduce<Record<string, number>>((acc, s) => {
          for (const [k, v] of Object.entries(s.stats)) acc[k] = (acc[k] ?? 0) + v;
          return acc;
        }, {}),
        seed, rounds, seconds: Math.round((Date.now() - t0) / 1000), stuck,
        nodeCrashes: [...nodes.values()].reduce((s, n) => s + n.crashes.length, 0),
        coreCrashes: actors.reduce((s, a) => s + a.crashes.length, 0),
        aborted, dataDir: opts.keepDir ? root : null, findings,
      };
      return summary;
    } finally {
      store.close();
    }
  } finally {
    for (const a of actors) if (a.alive) a.client?.kill('SIGKILL');
    for (const n of nodes.values()) await n.kill('SIGKILL').catch(() => undefined);
    await db?.stop().catch(() => undefined);
    code?.dispose();
    const keep = opts.keepDir === true;
    if (!keep) fs.rmSync(root, { recursive: true, force: true });
  }
}

export function clusterPassed(s: ClusterRunSummary): boolean {
  return s.aborted === null && s.lost === 0 && s.duplicated === 0 && s.mismatched === 0 && s.divergent === 0 && s.gaps === 0 && s.auditValid;
}

/** The run's last line, as the issue asks for it. */
export function clusterLine(s: ClusterRunSummary): string {
  const p99 = s.failover.p99 === null ? 'n/a' : `${s.failover.p99.toFixed(1)} s`;
  return `cluster: kills ${s.kills}, lost ${s.lost}, duplicated ${s.duplicated}, divergent ${s.divergent}, gaps ${s.gaps}, failover p99 ${p99}`;
}
