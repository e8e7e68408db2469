/**
 * The hub cluster (issue 16), side by side with one node, on a PostgreSQL of the bench's own
 * (scripts/postgres/embedded.ts): the raw insert rate of that server (the yardstick), commands
 * per second and their answer's p99 from 20 officers on 1 node and spread over 3 node processes,
 * a command's push to a client of another node, a node's view built from 100k events of the
 * shared log, and failover (a node killed → its workstations served again).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { randomUUID } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import pg from 'pg';
import { io, type Socket } from 'socket.io-client';
import { startPostgres, type PostgresServer } from '../scripts/postgres/embedded';
import { startHub } from '../hub/server';
import { Core } from '../main/core/core';
import { percentile, type Figure } from './figures';

const ROOT = path.resolve(import.meta.dirname, '..');

/** Plain inserts into the bench's PostgreSQL: 100k rows in one transaction, 1,000 a statement (as the hub's commit does). */
async function postgresInsertRate(url: string, rows = 100_000): Promise<Figure> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query('CREATE TABLE yardstick (id bigint PRIMARY KEY, a text NOT NULL, b bigint NOT NULL, c text NOT NULL)');
    const payload = JSON.stringify({ status: 'reported', point: [121.38, 31.11], description: '暴露垃圾'.repeat(8) });
    const start = performance.now();
    await c.query('BEGIN');
    for (let i = 0; i < rows; i += 1000) {
      const ids = Array.from({ length: 1000 }, (_, k) => i + k);
      await c.query('INSERT INTO yardstick SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[])', [ids, ids.map((k) => `case-${k}`), ids, ids.map(() => payload)]);
    }
    await c.query('COMMIT');
    const s = (performance.now() - start) / 1000;
    await c.query('DROP TABLE yardstick');
    return { name: 'yardstick.postgres.insert', value: Math.round(rows / s), unit: 'rows/s' };
  } finally {
    await c.end();
  }
}

interface NodeProc { name: string; url: string; child: ChildProcess; dataDir: string }

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** A hub node as its own process (as deployed), on a fixed port so it can come back there. */
async function startNode(name: string, store: string, dataDir: string, port: number, extra: string[] = []): Promise<NodeProc> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'hub/cli.ts'), '--port', String(port), '--data-dir', dataDir, '--store', store, '--node', name, ...extra], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: process.env,
  });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`node ${name} did not start:\n${out.slice(-2000)}`)), 120_000);
    const on = (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/[\d.:]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', on);
    child.stderr!.on('data', on);
    child.once('exit', (code) => reject(new Error(`node ${name} exited (${code}):\n${out.slice(-2000)}`)));
  });
  child.stdout!.removeAllListeners('data');
  child.stderr!.removeAllListeners('data');
  child.stdout!.resume();
  child.stderr!.resume();
  return { name, url, child, dataDir };
}

function kill(n: NodeProc, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  return new Promise((r) => {
    if (n.child.exitCode !== null || n.child.signalCode) return r();
    n.child.once('exit', () => r());
    n.child.kill(signal);
  });
}

async function login(url: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  if (!res.ok) throw new Error(`login ${username} on ${url}: HTTP ${res.status}`);
  return ((await res.json()) as { token: string }).token;
}

async function socket(url: string, token: string): Promise<Socket> {
  const s = io(url, { auth: { token }, transports: ['websocket'], forceNew: true });
  await new Promise<void>((r, j) => s.once('connect', () => r()).once('connect_error', j));
  return s;
}

const seat = (JSON.parse(fs.readFileSync(path.join(ROOT, 'resources/district/subdistricts.geojson'), 'utf8')) as {
  features: Array<{ properties: { seat: [number, number] } }>;
}).features[0]!.properties.seat;
const report = () => ({ commandId: randomUUID(), type: 'case.report', expectedVersion: null, payload: { source: 'officer', categoryCode: '06010', urgency: 'normal', point: seat, address: '基准测试', description: 'bench' } });

/** 20 officers, each waiting for its answer before the next command, spread over `urls`. */
async function commands(urls: string[], token: string, perWriter = 100): Promise<{ rate: number; p99: number }> {
  const writers = await Promise.all(Array.from({ length: 20 }, (_, i) => socket(urls[i % urls.length]!, token)));
  const acks: number[] = [];
  const start = performance.now();
  await Promise.all(writers.map(async (s) => {
    for (let i = 0; i < perWriter; i++) {
      const t = performance.now();
      const r = (await s.timeout(30_000).emitWithAck('command', report())) as { ok: boolean };
      if (!r.ok) throw new Error(`command refused: ${JSON.stringify(r)}`);
      acks.push(performance.now() - t);
    }
  }));
  const rate = (20 * perWriter) / ((performance.now() - start) / 1000);
  writers.forEach((s) => s.close());
  acks.sort((a, b) => a - b);
  return { rate, p99: percentile(acks, 99) };
}

/** Paced commands on `from`, received by a client of `to`: from the send to the event's arrival. */
async function push(from: string, to: string, token: string, n = 600, perSecond = 200): Promise<{ p50: number; p99: number }> {
  const writer = await socket(from, token);
  const reader = await socket(to, token);
  const sent = new Map<string, number>();
  const lat: number[] = [];
  reader.on('events', (m: { events: Array<{ data: { commandId: string | null } }> }) => {
    const now = performance.now();
    for (const e of m.events) {
      const t = e.data.commandId ? sent.get(e.data.commandId) : undefined;
      if (t !== undefined) lat.push(now - t);
    }
  });
  const head = ((await reader.emitWithAck('whoami', {})) as { headSeq: number }).headSeq;
  await reader.emitWithAck('subscribe', { afterSeq: head });
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    const wait = start + (i * 1000) / perSecond - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const cmd = report();
    sent.set(cmd.commandId, performance.now());
    writer.emit('command', cmd, () => undefined);
  }
  const until = Date.now() + 30_000;
  while (lat.length < n && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  writer.close();
  reader.close();
  lat.sort((a, b) => a - b);
  return { p50: percentile(lat, 50), p99: percentile(lat, 99) };
}

export async function benchCluster(): Promise<Figure[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-cluster-'));
  const figures: Figure[] = [];
  let db: PostgresServer | null = null;
  const nodes: NodeProc[] = [];
  const cores: Core[] = [];
  try {
    db = await startPostgres({ database: 'bench', dir });
    const yard = await postgresInsertRate(db.url);
    figures.push(yard);
    const ratio = (f: Figure): Figure => ({ ...f, ratio: f.value / yard.value, yardstick: yard.name });

    const credentials = path.join(dir, 'credentials.json');
    const ports: number[] = [];
    for (const name of ['a', 'b', 'c']) {
      const port = await freePort();
      ports.push(port);
      nodes.push(await startNode(name, db.url, path.join(dir, `hub-${name}`), port, name === 'a' ? ['--credentials-file', credentials] : []));
    }
    const accounts = (JSON.parse(fs.readFileSync(credentials, 'utf8')) as { accounts: Array<{ username: string; password: string }> }).accounts;
    const password = accounts.find((a) => a.username === 'officer')!.password;
    const token = await login(nodes[0]!.url, 'officer', password);
    const urls = nodes.map((n) => n.url);

    // Commands: all on one node, then spread over three (each its own process).
    const one = await commands([urls[0]!], token);
    const three = await commands(urls, token);
    figures.push(ratio({ name: 'cluster.commands.socket.20clients.1node', value: Math.round(one.rate), unit: 'commands/s' }));
    figures.push(ratio({ name: 'cluster.commands.socket.20clients.3nodes', value: Math.round(three.rate), unit: 'commands/s' }));
    figures.push({ name: 'cluster.command.answer.p99.1node', value: one.p99, unit: 'ms' });
    figures.push({ name: 'cluster.command.answer.p99.3nodes', value: three.p99, unit: 'ms' });

    // A command's way to a client: on the node it was applied on, and on another node.
    const same = await push(urls[0]!, urls[0]!, token);
    const other = await push(urls[0]!, urls[2]!, token);
    figures.push({ name: 'cluster.push.latency.p50.samenode', value: same.p50, unit: 'ms' });
    figures.push({ name: 'cluster.push.latency.p99.samenode', value: same.p99, unit: 'ms' });
    figures.push({ name: 'cluster.push.latency.p50.othernode', value: other.p50, unit: 'ms' });
    figures.push({ name: 'cluster.push.latency.p99.othernode', value: other.p99, unit: 'ms' });

    // Failover: five workstations on the list; the node serving them is killed (SIGKILL), five times.
    const samples: number[] = [];
    const dataDirs = Array.from({ length: 5 }, (_, i) => path.join(dir, `ws-${i}`));
    for (const d of dataDirs) {
      const core = await Core.open({ dataDir: d, hubUrl: urls.join(','), username: 'officer', password, ackTimeoutMs: 1500 }, { reconnect: { delayMs: 100, delayMaxMs: 1000, randomization: 0.5 } });
      await core.start();
      cores.push(core);
    }
    const online = async (c: Core, not?: string) => {
      const s = await c.connection();
      return s.state === 'online' && s.node !== null && s.node !== not;
    };
    const wait = async (cond: () => Promise<boolean>, ms: number) => {
      const end = Date.now() + ms;
      while (!(await cond())) {
        if (Date.now() > end) throw new Error('timed out');
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    for (const c of cores) await wait(() => online(c), 60_000);
    for (let round = 0; round < 5; round++) {
      const counts = new Map<string, number>();
      for (const c of cores) {
        const n = (await c.connection()).node!;
        counts.set(n, (counts.get(n) ?? 0) + 1);
      }
      const victim = [...counts].sort((x, y) => y[1] - x[1])[0]![0];
      const i = nodes.findIndex((n) => n.name === victim);
      const served = [];
      for (const c of cores) if ((await c.connection()).node === victim) served.push(c);
      const t = performance.now();
      await kill(nodes[i]!);
      await Promise.all(served.map(async (c) => {
        await wait(() => online(c, victim), 60_000);
        samples.push((performance.now() - t) / 1000);
      }));
      nodes[i] = await startNode(victim, db.url, nodes[i]!.dataDir, ports[i]!);
    }
    samples.sort((a, b) => a - b);
    figures.push({ name: 'cluster.failover.p50', value: percentile(samples, 50), unit: 's' });
    figures.push({ name: 'cluster.failover.p99', value: percentile(samples, 99), unit: 's' });
    for (const c of cores.splice(0)) await c.stop();

    // A node's view from the shared log: 100k events (commands committed 500 a batch by an
    // in-process node), then a new node with an empty data dir starts and catches up.
    for (const n of nodes.splice(0)) await kill(n, 'SIGTERM');
    const writer = await startHub({ dataDir: path.join(dir, 'hub-w'), port: 0, store: db.url, node: 'w', defaultAccounts: false, log: () => {}, timerIntervalMs: 3_600_000 });
    const actor = { userId: 'bench', role: 'officer' as const, subdistricts: [] };
    const target = 100_000;
    while (writer.core.log.headSeq < target) {
      const r = await writer.core.applyBatch(Array.from({ length: 500 }, () => ({ actor, raw: report() })));
      if (r.some((x) => !x.ok)) throw new Error('a bench command was refused');
    }
    const events = writer.core.log.headSeq;
    await writer.close();
    const start = performance.now();
    const joined = await startHub({ dataDir: path.join(dir, 'hub-new'), port: 0, store: db.url, node: 'new', defaultAccounts: false, log: () => {}, timerIntervalMs: 3_600_000 });
    const seconds = (performance.now() - start) / 1000;
    if (joined.core.log.headSeq !== events) throw new Error(`the new node's view is at ${joined.core.log.headSeq}, the log at ${events}`);
    await joined.close();
    figures.push({ name: 'cluster.view.catchup.100k.seconds', value: seconds, unit: 's' });
    figures.push({ name: 'cluster.view.catchup.events', value: Math.round(events / seconds), unit: 'events/s' });
  } finally {
    for (const c of cores) await c.stop().catch(() => undefined);
    for (const n of nodes) await kill(n).catch(() => undefined);
    await db?.stop().catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}
