/**
 * End to end (issue 10): hub → app core (replica) → bridge session → the renderer's store.
 *
 * - `ingest.e2e.*`: a hub process (hub/cli.ts) takes `case.report` commands from an officer's
 *   socket; a real core process keeps its replica and emits change batches; the bridge Session
 *   hands them on; each batch crosses a JSON round trip (browser mode's wire; Electron's IPC
 *   clones instead) and goes through the renderer's batch pump into the real Redux store
 *   (renderer/app/store.ts: normalizeBatch, changesApplied). The pump is scheduled with
 *   setImmediate: a window's requestAnimationFrame adds at most one frame (16.7 ms at 60 Hz).
 *   Throughput: commands pipelined as fast as the hub takes them, until the last case is in the
 *   store (`ingest.e2e.events`; `ingest.e2e.hubAcked`: the same commands' answers, the hub
 *   alone). Latency: paced at 1,000 events/s (and 200/s, below the hub's limit), from the hub's
 *   clock stamp of the change (the case's `updatedAt`, taken inside the commit's transaction;
 *   a group commit of many changes counts from its start) to the moment the case is in the
 *   store. `…sent` is the rate offered, `…delivered` the rate that reached the store.
 * - `ingest.hotline.records`: the hotline endpoint with one request of 1,000 orders (each
 *   record its own savepoint, 25 records per group commit: one fsync per slice).
 * - `catchup.*`: a core that was in step goes offline; the hub takes 100,000 events; the core
 *   starts again: the time from its connect until its replica is at the hub's head.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { startHub } from '../hub/server';
import { Session, type Credentials } from '../main/core/bridge/session';
import { CoreClient } from '../main/core/host/client';
import type { ChangeBatch, ConnectionState, LinkageBridge } from '../shared/bridge/contract';
import { changesApplied, snapshotLoaded } from '../renderer/app/actions';
import { createBatchPump, normalizeBatch } from '../renderer/app/batches';
import { makeStore } from '../renderer/app/store';
import { percentile, type Figure } from './figures';

const ROOT = path.resolve(import.meta.dirname, '..');
const TAG = 'bench-ingest';

interface HubProc { url: string; child: ChildProcess; stop(): Promise<void> }
interface CredentialsFile extends Credentials { sourceKeys: Record<string, string> }

/** hub/cli.ts as its own process, as deployed: the bench's own work does not slow it. */
function spawnHub(dataDir: string, credentialsFile: string): Promise<HubProc> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'hub/cli.ts'), '--port', '0', '--data-dir', dataDir, '--credentials-file', credentialsFile], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let started = false;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hub did not start:\n${out}`)), 60_000);
    const onData = (d: Buffer) => {
      if (started) return; // keep draining the pipes, nothing more
      out += d.toString();
      const m = /listening on (http:\/\/[\d.:]+)/.exec(out);
      if (m) {
        started = true;
        clearTimeout(timer);
        resolve({
          url: m[1]!, child,
          stop: () => new Promise<void>((r) => {
            if (child.exitCode !== null || child.signalCode) return r();
            child.once('exit', () => r());
            child.kill('SIGTERM');
          }),
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      if (!started) reject(new Error(`hub exited with ${code}:\n${out}`));
    });
  });
}

const seats = (JSON.parse(fs.readFileSync(path.join(ROOT, 'resources/district/subdistricts.geojson'), 'utf8')) as {
  features: Array<{ properties: { seat: [number, number] } }>;
}).features.map((f) => f.properties.seat);

function reportCommand(i: number) {
  return {
    commandId: randomUUID(), type: 'case.report', expectedVersion: null,
    payload: { source: 'officer', categoryCode: '06010', urgency: 'normal', point: seats[i % seats.length]!, address: '基准测试', description: `${TAG} ${i}`, attachments: [] },
  };
}

async function login(url: string, creds: Credentials, username: string): Promise<string> {
  const password = creds.accounts.find((a) => a.username === username)!.password;
  const res = await fetch(`${url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  if (!res.ok) throw new Error(`login ${username}: ${res.status}`);
  return ((await res.json()) as { token: string }).token;
}

async function socketFor(url: string, token: string): Promise<Socket> {
  const s = io(url, { auth: { token }, transports: ['websocket'], forceNew: true, reconnection: false });
  await new Promise<void>((resolve, reject) => {
    s.once('connect', () => resolve());
    s.once('connect_error', reject);
  });
  return s;
}

async function until(what: string, ok: () => boolean, timeoutMs: number, stepMs = 5): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`bench: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

const headOf = async (url: string) => ((await (await fetch(`${url}/api/health`)).json()) as { headSeq: number }).headSeq;

/** The renderer's store fed by the Session, as renderer/app/boot.ts does it, with an arrival hook. */
function storeOn(session: Session, onArrived: (caseId: string, updatedAt: number, bridgeAt: number, now: number) => void) {
  const bridge = new Proxy({}, { get: () => () => Promise.reject(new Error('not in the bench')) }) as LinkageBridge;
  const store = makeStore(bridge);
  const seen = new Set<string>();
  /** When each new case came out of the bridge (the Session's change batch). */
  const fromBridge = new Map<string, number>();
  const dispatchMs: number[] = [];
  const pump = createBatchPump((b) => {
    const t = performance.now();
    store.dispatch(changesApplied(b));
    dispatchMs.push(performance.now() - t);
    const now = Date.now();
    const entities = store.getState().cases.entities;
    for (const c of b.cases) {
      if (c.version !== 1 || seen.has(c.id) || !c.description.startsWith(TAG) || !entities[c.id]) continue;
      seen.add(c.id);
      onArrived(c.id, c.updatedAt, fromBridge.get(c.id) ?? now, now);
      fromBridge.delete(c.id);
    }
  }, setImmediate);
  let resyncing: Promise<void> = Promise.resolve();
  const resync = () => {
    resyncing = resyncing.then(async () => {
      store.dispatch(snapshotLoaded(await session.snapshot()));
    });
  };
  const off = session.onChanges((raw: ChangeBatch) => {
    const at = Date.now();
    for (const c of raw.cases) if (c.version === 1 && !seen.has(c.id) && !fromBridge.has(c.id)) fromBridge.set(c.id, at);
    const batch = normalizeBatch(JSON.parse(JSON.stringify(raw)) as Partial<ChangeBatch>);
    if (batch.reset) resync();
    pump.push(batch);
  });
  resync();
  return { store, seen, dispatchMs, ready: () => resyncing, off };
}

export async function benchIngest(): Promise<Figure[]> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-ingest-'));
  const credsFile = path.join(root, 'credentials.json');
  const hub = await spawnHub(path.join(root, 'hub'), credsFile);
  const creds = JSON.parse(fs.readFileSync(credsFile, 'utf8')) as CredentialsFile;
  let link: ConnectionState | null = null;
  const session = new Session({
    dataDir: path.join(root, 'workstation'), hubUrl: hub.url, credentials: creds, defaultUser: 'officer',
    openCore: (o) => CoreClient.spawn(o, { onLog: () => undefined }), log: () => undefined,
  });
  session.onChanges((b) => {
    if (b.connection) link = b.connection;
  });
  const arrivals: Array<{ id: string; latency: number; bridge: number; at: number }> = [];
  const figures: Figure[] = [];
  let writer: Socket | null = null;
  try {
    await session.startDefault();
    await until('the core online', () => link?.state === 'online', 60_000);
    const fed = storeOn(session, (id, updatedAt, bridgeAt, now) => arrivals.push({ id, latency: now - updatedAt, bridge: bridgeAt - updatedAt, at: now }));
    await fed.ready();
    writer = await socketFor(hub.url, await login(hub.url, creds, 'officer'));
    const w = writer;
    const send = (i: number) => w.timeout(60_000).emitWithAck('command', reportCommand(i)) as Promise<{ ok: boolean; error?: { code: string; message: string } }>;
    const check = (r: { ok: boolean; error?: { code: string; message: string } }) => {
      if (!r.ok) throw new Error(`bench command refused: ${r.error?.code} ${r.error?.message}`);
    };
    let n = 0;

    // Warm-up (JIT, prepared statements, the store's first upserts).
    for (const r of await Promise.all(Array.from({ length: 200 }, () => send(n++)))) check(r);
    await until('the warm-up in the store', () => fed.seen.size >= n, 60_000);

    // 1. Throughput: waves of 500 in flight; the clock stops when the last case is in the store.
    const THROUGHPUT = 5_000;
    const first = n;
    let start = performance.now();
    for (let wave = 0; wave < THROUGHPUT / 500; wave++) {
      for (const r of await Promise.all(Array.from({ length: 500 }, () => send(n++)))) check(r);
    }
    const ackedMs = performance.now() - start;
    await until('the throughput run in the store', () => fed.seen.size >= n, 120_000, 1);
    const e2eMs = performance.now() - start;
    figures.push({ name: 'ingest.e2e.events', value: (n - first) / (e2eMs / 1000), unit: 'events/s' });
    figures.push({ name: 'ingest.e2e.hubAcked', value: (n - first) / (ackedMs / 1000), unit: 'events/s' });

    // 2. Paced: latency from the hub's commit to the store, at 1,000 events/s (the issue's
    // figure) and at 200 events/s (the pipeline's own latency when the hub is not the limit).
    const pacedRun = async (prefix: string, rate: number, seconds: number) => {
      const pacedFirst = arrivals.length;
      const dispatchFirst = fed.dispatchMs.length;
      const pacedStart = n;
      const total = rate * seconds;
      const inFlight: Array<Promise<void>> = [];
      const t0 = performance.now();
      await new Promise<void>((resolve) => {
        const tick = setInterval(() => {
          const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * rate));
          while (n - pacedStart < due) inFlight.push(send(n++).then(check));
          if (n - pacedStart >= total) {
            clearInterval(tick);
            resolve();
          }
        }, 5);
      });
      const sentMs = performance.now() - t0;
      await Promise.all(inFlight);
      await until(`the ${prefix} run in the store`, () => fed.seen.size >= n, 120_000, 1);
      const paced = arrivals.slice(pacedFirst);
      const lat = paced.map((a) => a.latency).sort((a, b) => a - b);
      const spanMs = paced[paced.length - 1]!.at - paced[0]!.at;
      figures.push({ name: `${prefix}.sent`, value: total / (sentMs / 1000), unit: 'events/s' });
      figures.push({ name: `${prefix}.delivered`, value: paced.length / Math.max(spanMs / 1000, 1e-3), unit: 'events/s' });
      figures.push({ name: `${prefix}.latency.p50`, value: percentile(lat, 50), unit: 'ms' });
      figures.push({ name: `${prefix}.latency.p99`, value: percentile(lat, 99), unit: 'ms' });
      figures.push({ name: `${prefix}.latency.max`, value: lat[lat.length - 1]!, unit: 'ms' });
      // Where the time goes: up to the bridge's batch (hub, socket, core, replica, coalescing,
      // the core process's IPC), and the store's dispatch of one batch.
      const toBridge = paced.map((a) => a.bridge).sort((a, b) => a - b);
      figures.push({ name: `${prefix}.bridge.latency.p50`, value: percentile(toBridge, 50), unit: 'ms' });
      figures.push({ name: `${prefix}.bridge.latency.p99`, value: percentile(toBridge, 99), unit: 'ms' });
      const dispatch = fed.dispatchMs.slice(dispatchFirst).sort((a, b) => a - b);
      figures.push({ name: `${prefix}.store.dispatch.p50`, value: percentile(dispatch, 50), unit: 'ms/batch' });
      figures.push({ name: `${prefix}.store.dispatch.p99`, value: percentile(dispatch, 99), unit: 'ms/batch' });
    };
    await pacedRun('ingest.e2e.paced1000', 1000, 10);
    await pacedRun('ingest.e2e.paced200', 200, 5);
    fed.off();

    // 3. The hotline endpoint: 1,000 orders in one request.
    const orders = Array.from({ length: 1000 }, (_, i) => {
      const [lng, lat2] = seats[i % seats.length]!;
      return { orderNo: `BENCH-${i}`, category: '06010', lng, lat: lat2, address: '闵行区 基准测试', content: TAG, receivedAt: new Date().toISOString() };
    });
    start = performance.now();
    const res = await fetch(`${hub.url}/api/sources/hotline`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': creds.sourceKeys.hotline! }, body: JSON.stringify({ orders }) });
    const hotlineMs = performance.now() - start;
    const body = (await res.json()) as { accepted?: number; created?: number; rejected?: unknown[] };
    if (!res.ok) throw new Error(`hotline: ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
    figures.push({ name: 'ingest.hotline.records', value: 1000 / (hotlineMs / 1000), unit: 'records/s' });
  } finally {
    writer?.close();
    await session.close().catch(() => undefined);
    await hub.stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
  return figures;
}

export async function benchCatchup(missed = Number(process.env.BENCH_CATCHUP ?? 100_000)): Promise<Figure[]> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-catchup-'));
  const hubDir = path.join(root, 'hub');
  const credsFile = path.join(root, 'credentials.json');
  let hub = await spawnHub(hubDir, credsFile);
  const creds = JSON.parse(fs.readFileSync(credsFile, 'utf8')) as CredentialsFile;
  const password = creds.accounts.find((a) => a.username === 'officer')!.password;
  const openCore = async (url: string) => {
    const core = await CoreClient.spawn({ dataDir: path.join(root, 'workstation'), hubUrl: url, username: 'officer', password }, { onLog: () => undefined });
    let link: ConnectionState | null = null;
    core.onChanges((b) => {
      if (b.connection) link = b.connection;
    });
    return { core, link: () => link };
  };
  try {
    // A core in step with the hub, then offline.
    const before = await openCore(hub.url);
    await before.core.start();
    const head0 = await headOf(hub.url);
    await until('the first sync', () => before.link()?.state === 'online' && before.link()!.lastSeq >= head0, 60_000);
    await before.core.stop();

    // The hub takes `missed` events meanwhile. Written through the hub's own command path in
    // batches (group commit) with the hub process stopped, to keep the set-up short; then the
    // hub process starts again on the same store.
    await hub.stop();
    const inproc = await startHub({ dataDir: hubDir, port: 0, defaultAccounts: false, log: () => undefined, timerIntervalMs: 3_600_000 });
    const actor = { userId: 'bench', role: 'officer' as const, subdistricts: [] };
    for (let i = 0; i < missed; i += 1000) {
      const results = inproc.core.applyBatchNow(Array.from({ length: Math.min(1000, missed - i) }, (_, k) => ({ actor, raw: reportCommand(i + k) })));
      const bad = results.find((r) => !r.ok);
      if (bad && !bad.ok) throw new Error(`bench set-up refused: ${bad.error.code} ${bad.error.message}`);
    }
    await inproc.close();
    hub = await spawnHub(hubDir, credsFile);
    const head = await headOf(hub.url);

    // The core comes back: from its connect to its replica at the head.
    const after = await openCore(hub.url);
    const from = head0;
    const start = performance.now();
    await after.core.start();
    await until('the catch-up', () => (after.link()?.lastSeq ?? 0) >= head, 600_000, 1);
    const ms = performance.now() - start;
    await after.core.stop();
    return [
      { name: 'catchup.100k.seconds', value: ms / 1000, unit: 's' },
      { name: 'catchup.100k.events', value: (head - from) / (ms / 1000), unit: 'events/s' },
    ];
  } finally {
    await hub.stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
}
