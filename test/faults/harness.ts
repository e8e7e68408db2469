/**
 * Fault injection (issue 10): a real hub process, several real core processes (each behind its
 * own TCP proxy), officers acting through the cores and simulator-like load on the hub, while
 * random faults hit them — hub SIGKILL + restart on the same port and data, core SIGKILL +
 * restart (also at the core's own kill points), network drop / stall / delay / reset, and a
 * write lock on a core's database that makes its writes fail. After each round everything is
 * healed and quiesced, and each replica is compared with the hub's state for its scope; at the
 * end every action the cores took is checked against the hub's commands table and audit chain.
 * Everything is bounded in count and time, and only 127.0.0.1 is used.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { User } from '../../shared/protocol';
import { CoreActor, FAULT_POINTS, type ActorKind } from './actors';
import {
  auditOf, findingsLog, diffVersions, driverExactlyOnce, exactlyOnce, hubChecksum, hubVersions, openReadonly, outboxFile, readOutbox, replicaFile, seqGaps, versionsOf,
} from './checks';
import { snapshotCode } from './code';
import { freePort, HubRunner } from './hubproc';
import { AdminDriver, SourceDriver } from './load';
import { FaultProxy } from './proxy';
import { rng, sleep, waitFor, withTimeout, type Rng } from './random';
import { reportPayload } from './world';

export const FAULT_KINDS = ['hub-kill', 'core-kill', 'core-kill-point', 'net-drop', 'net-stall', 'net-delay', 'net-reset', 'disk-lock'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultRunOptions {
  faults: number;
  seed?: number;
  /** Stop injecting after this long (the run then quiesces and checks what it has). */
  maxMs?: number;
  /** Faults injected together in one round. */
  perRound?: [number, number];
  /** How long the officers act in one round, in ms. */
  windowMs?: [number, number];
  /** How long quiescing may take before a core counts as stuck. */
  quiesceMs?: number;
  weights?: Partial<Record<FaultKind, number>>;
  /** Keep the data directory (it is kept anyway when a check fails). */
  keepDir?: boolean;
  /** Run the hub and the cores from a copy of the code taken at the start (long runs: others edit the tree meanwhile). */
  snapshot?: boolean;
  log?: (m: string) => void;
}

export interface FaultRunSummary {
  faults: number;
  byKind: Record<string, number>;
  actions: number;
  acknowledged: number;
  lost: number;
  duplicated: number;
  divergentReplicas: number;
  auditValid: boolean;
  // ---- beyond the brief's line: what else was seen
  seed: number;
  rounds: number;
  seconds: number;
  applied: number;
  refused: Record<string, number>;
  mismatched: number;
  refusedAtCore: number;
  failedCalls: number;
  stuckOutboxes: number;
  /** Times a core's log said its outbox sender stopped (a write error while sending). */
  senderStops: number;
  coreCrashes: number;
  hubCrashes: number;
  seqGaps: number;
  auditEntries: number;
  driver: { checked: number; lost: number; duplicated: number };
  sources: Record<string, number>;
  timedOut: boolean;
  /** Why the run stopped early (the hub would not start again, …), or null. */
  aborted: string | null;
  dataDir: string | null;
  findings: string[];
}

const DEFAULT_WEIGHTS: Record<FaultKind, number> = {
  'hub-kill': 12, 'core-kill': 14, 'core-kill-point': 9, 'net-drop': 14, 'net-stall': 12, 'net-delay': 12, 'net-reset': 14, 'disk-lock': 13,
};

/** The default accounts that act through cores (the cluster run spreads them over its workstations). */
export const ACTORS: Array<{ username: string; kind: ActorKind }> = [
  { username: 'officer', kind: 'officer' },
  { username: 'xinzhuang', kind: 'scoped' },
  { username: 'enforcement', kind: 'liaison' },
  { username: 'greening', kind: 'liaison' },
];

/** The hub's first-start credentials file. */
export interface Credentials { accounts: Array<{ username: string; password: string }>; sourceKeys: Record<string, string> }

export async function runFaults(opts: FaultRunOptions): Promise<FaultRunSummary> {
  const seed = opts.seed ?? Math.floor(Math.random() * 1e9);
  const r = rng(seed);
  const log = opts.log ?? (() => undefined);
  const t0 = Date.now();
  const maxMs = opts.maxMs ?? 60 * 60_000;
  const perRound = opts.perRound ?? [1, 3];
  const windowMs = opts.windowMs ?? [1500, 3500];
  const quiesceMs = opts.quiesceMs ?? 30_000;
  const weights = { ...DEFAULT_WEIGHTS, ...opts.weights };
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'linkage-faults-'));
  const hubDir = path.join(root, 'hub');
  const hubFile = path.join(hubDir, 'hub.sqlite');
  const credsFile = path.join(root, 'credentials.json');
  const { findings, finding } = findingsLog(log);

  const code = opts.snapshot ? snapshotCode() : null;
  const hub = new HubRunner(hubDir, await freePort(), [], code);
  const proxies: FaultProxy[] = [];
  const actors: CoreActor[] = [];
  let admin: AdminDriver | null = null;
  let sources: SourceDriver | null = null;
  const byKind: Record<string, number> = {};
  let injected = 0;
  let rounds = 0;
  let divergent = 0;
  let stuck = 0;
  let timedOut = false;
  let aborted: string | null = null;

  const headSeq = async (): Promise<number> => {
    const res = await fetch(`${hub.url}/api/health`, { signal: AbortSignal.timeout(3000) });
    return ((await res.json()) as { headSeq: number }).headSeq;
  };

  try {
    // ---- setup: the hub with its default accounts, a proxy and a core per officer -------------
    await hub.start(['--credentials-file', credsFile]);
    const creds = JSON.parse(fs.readFileSync(credsFile, 'utf8')) as Credentials;
    const password = (u: string): string => creds.accounts.find((a) => a.username === u)!.password;
    for (const a of ACTORS) {
      const res = await fetch(`${hub.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: a.username, password: password(a.username) }) });
      const { user } = (await res.json()) as { user: User };
      const proxy = new FaultProxy(hub.port);
      await proxy.start();
      proxies.push(proxy);
      const actor = new CoreActor({ username: a.username, password: password(a.username), user, kind: a.kind }, path.join(root, 'cores', a.username), proxy, code);
      actors.push(actor);
    }
    await Promise.all(actors.map((a) => a.spawn()));
    for (const a of actors) if (!(await a.waitOnline(30_000))) throw new Error(`${a.name} did not come online`);
    admin = new AdminDriver(hub.url, hubFile, 'admin', password('admin'));
    await admin.start();
    sources = new SourceDriver(hub.url, creds.sourceKeys, `F${seed}`);
    // A few cases to act on from the start.
    for (const a of actors.slice(0, 2)) for (let i = 0; i < 3; i++) await a.act(r.fork());
    log(`setup done in ${Date.now() - t0} ms: hub ${hub.url}, cores ${actors.map((a) => `${a.name}@${a.proxy!.port}`).join(', ')}`);

    // ---- faults -------------------------------------------------------------------------------
    const busy = new Set<string>();

    const fault = async (kind: FaultKind, actor: CoreActor, fr: Rng): Promise<void> => {
      switch (kind) {
        case 'hub-kill': {
          await hub.kill('SIGKILL');
          await sleep(fr.int(0, 1500));
          await hub.start();
          return;
        }
        case 'core-kill': {
          await actor.kill();
          await sleep(fr.int(0, 1000));
          await actor.spawn().catch((e: unknown) => log(`${actor.name} restart failed: ${String(e)}`));
          return;
        }
        case 'core-kill-point': {
          // The core dies at one of its own kill points on its next action, then starts again.
          const point = fr.pick(FAULT_POINTS);
          await actor.kill();
          try {
            await actor.spawn(point);
            await actor.waitOnline(8000);
            const c = actor.client;
            if (c?.alive) {
              const p = c.command('case.report', reportPayload(fr, actor.spec.kind === 'scoped' ? '310112101' : undefined, `kill point ${point}`), null);
              p.then((x) => actor.enqueued.add(x.commandId), () => undefined);
              await withTimeout(c.exit(), 8000, 'kill point').catch(() => undefined);
            }
          } catch (e) {
            log(`${actor.name} kill point ${point}: ${String(e)}`);
          }
          await actor.kill();
          await actor.spawn().catch((e: unknown) => log(`${actor.name} restart failed: ${String(e)}`));
          return;
        }
        case 'net-drop':
        case 'net-stall':
        case 'net-delay':
        case 'net-reset': {
          const mode = kind.slice(4) as 'drop' | 'stall' | 'delay' | 'reset';
          actor.proxy!.set(mode, mode === 'delay' ? fr.int(50, 1200) : 0);
          await sleep(mode === 'reset' ? fr.int(0, 400) : fr.int(200, 3000));
          // A long stall sometimes ends in a cut rather than a release.
          if (mode === 'stall' && fr.chance(0.3)) actor.proxy!.set('drop');
          actor.proxy!.set('pass');
          return;
        }
        case 'disk-lock': {
          // Another writer holds the file: the core's writes wait (busy_timeout 5 s), then fail.
          const which = fr.chance(0.6) ? 'outbox' : 'replica';
          const file = which === 'outbox' ? outboxFile(actor.dataDir, actor.name) : replicaFile(actor.dataDir, actor.name);
          if (!fs.existsSync(file)) return;
          // Half the outbox locks catch a command waiting to be sent: the link is cut, the officer
          // acts, the file is locked, and the link comes back while it is still locked.
          const net = `net:${actor.name}`;
          const withPending = which === 'outbox' && fr.chance(0.5) && !busy.has(net);
          if (withPending) {
            busy.add(net);
            actor.proxy!.set('drop');
            await waitFor(async () => (await actor.client?.connection())?.state !== 'online', 5000);
            const c = actor.client;
            if (c?.alive) await c.command('case.report', reportPayload(fr, actor.spec.kind === 'scoped' ? '310112101' : undefined, '断网时上报'), null).then((x) => actor.enqueued.add(x.commandId), () => undefined);
          }
          const db = new Database(file, { timeout: 3000 });
          try {
            db.exec('BEGIN EXCLUSIVE');
            if (withPending) {
              // Held until the core has reconnected and then past busy_timeout (5 s), so its
              // attempt to mark the command sent fails; shorter locks only slow writes down.
              actor.proxy!.set('pass');
              await waitFor(() => actor.proxy!.connectionCount > 0, 15_000);
              await sleep(fr.int(6000, 7500));
            } else {
              await sleep(fr.int(300, 7000));
            }
            db.exec('ROLLBACK');
            log(`disk-lock ${actor.name}/${which}${withPending ? ' with a command waiting' : ''}: sender stops so far ${actor.senderStops}`);
          } catch (e) {
            log(`disk-lock on ${actor.name}/${which}: ${String(e)}`);
          } finally {
            db.close();
            if (withPending) {
              actor.proxy!.set('pass');
              busy.delete(net);
            }
          }
          return;
        }
      }
    };

    /** The target a fault of this kind would hit, so two faults never fight over one process. */
    const targetOf = (kind: FaultKind, name: string): string => (kind === 'hub-kill' ? 'hub' : kind.startsWith('net-') ? `net:${name}` : `core:${name}`);

    const quiesce = async (label: string): Promise<void> => {
      for (const p of proxies) p.set('pass');
      if (!hub.running) {
        finding(`${label}: the hub was not running at quiesce (crash?)`);
        await hub.start();
      }
      for (const a of actors) {
        if (!a.alive) await a.spawn().catch((e: unknown) => log(`${a.name} respawn: ${String(e)}`));
      }
      const settled = async (): Promise<CoreActor[]> => {
        const head = await headSeq();
        const out: CoreActor[] = [];
        for (const a of actors) if (!(await a.settled(head).catch(() => false))) out.push(a);
        return out;
      };
      if (await waitFor(async () => (await settled()).length === 0, quiesceMs, 100)) return;
      const late = await settled().catch(() => actors);
      for (const a of late) {
        stuck++;
        const conn = a.client?.alive ? await a.client.connection().catch(() => null) : null;
        const pending = a.client?.alive ? await a.client.pending().catch(() => []) : [];
        finding(`${label}: ${a.name} not settled after ${quiesceMs} ms: ${JSON.stringify({ alive: a.alive, state: conn?.state, lastSeq: conn?.lastSeq, pending: pending.length, head: await headSeq().catch(() => null), error: conn?.error, lastLogs: a.logs.slice(-6) }).slice(0, 1500)}`);
        // Remedy, so the run goes on: restart the core (the outbox is on disk).
        await a.kill();
        await a.spawn().catch((e: unknown) => log(`${a.name} respawn: ${String(e)}`));
      }
      if (!(await waitFor(async () => (await settled()).length === 0, quiesceMs, 100))) {
        finding(`${label}: still not settled after restarting the late cores: ${(await settled().catch(() => actors)).map((a) => a.name).join(', ')}`);
      }
    };

    const checkReplicas = async (label: string): Promise<void> => {
      const db = openReadonly(hubFile);
      try {
        for (const a of actors) {
          if (!a.client?.alive) continue;
          let same = false;
          for (let attempt = 0; attempt < 5 && !same; attempt++) {
            const mine = await a.client.checksum();
            same = mine.all === hubChecksum(db, a.spec.user).all;
            if (!same) await sleep(300);
          }
          if (same) continue;
          divergent++;
          const snap = await a.client.snapshot();
          const conn = await a.client.connection();
          const diff = diffVersions(hubVersions(db, a.spec.user), versionsOf(snap));
          finding(`${label}: replica of ${a.name} differs from the hub (lastSeq ${conn.lastSeq}): ${diff.length ? diff.join('; ') : `same id:version sets, checksums ${JSON.stringify(await a.client.checksum()).slice(0, 300)} vs ${JSON.stringify(hubChecksum(db, a.spec.user)).slice(0, 300)}`}`);
          // Start that replica over so one divergence is counted once.
          await a.kill();
          for (const f of ['', '-wal', '-shm']) fs.rmSync(replicaFile(a.dataDir, a.name) + f, { force: true });
          await a.spawn();
        }
      } finally {
        db.close();
      }
    };

    await quiesce('setup');
    await checkReplicas('setup');

    while (injected < opts.faults) {
      if (Date.now() - t0 > maxMs) {
        timedOut = true;
        break;
      }
      rounds++;
      const fr = r.fork();
      let running = true;
      const loops = [
        ...actors.map((a) => a.loop(fr.fork(), () => running)),
        admin.loop(fr.fork(), () => running),
        sources.loop(fr.fork(), () => running),
      ];
      const n = Math.min(opts.faults - injected, fr.int(perRound[0], perRound[1]));
      const window = fr.int(windowMs[0], windowMs[1]);
      const planned: Array<Promise<void>> = [];
      for (let i = 0; i < n; i++) {
        // Choose a kind whose target is free.
        let kind: FaultKind | null = null;
        let target = '';
        let actor: CoreActor = actors[0]!;
        for (let tries = 0; tries < 20 && !kind; tries++) {
          const k = fr.weighted(weights);
          const a = fr.pick(actors);
          const t = targetOf(k, a.name);
          if (!busy.has(t)) {
            kind = k;
            target = t;
            actor = a;
          }
        }
        if (!kind) continue;
        busy.add(target);
        injected++;
        byKind[kind] = (byKind[kind] ?? 0) + 1;
        const at = fr.int(0, Math.floor(window * 0.7));
        const k = kind;
        const ff = fr.fork();
        const who = actor;
        planned.push((async () => {
          await sleep(at);
          try {
            await withTimeout(fault(k, who, ff), 90_000, `fault ${k} on ${target}`);
          } catch (e) {
            finding(`round ${rounds}: fault ${k} on ${target} failed: ${String(e).slice(0, 500)}`);
          } finally {
            busy.delete(target);
          }
        })());
      }
      // The officers stop at the window's end; faults that last longer end in a quiet system,
      // where nothing but the core itself will retry what the fault interrupted.
      await sleep(window);
      running = false;
      await Promise.all(planned);
      await withTimeout(Promise.all(loops), 60_000, 'action loops').catch((e: unknown) => finding(String(e)));
      try {
        await quiesce(`round ${rounds}`);
        await checkReplicas(`round ${rounds}`);
      } catch (e) {
        aborted = `round ${rounds}: ${String(e).slice(0, 1500)}`;
        finding(`run aborted: ${aborted}`);
        break;
      }
      if (rounds % 10 === 0) log(`round ${rounds}: ${injected} faults, ${actors.reduce((s, a) => s + a.enqueued.size, 0)} actions, ${Math.round((Date.now() - t0) / 1000)} s`);
    }

    // ---- final quiesce and checks ----------------------------------------------------------------
    try {
      await quiesce('final');
      await checkReplicas('final');
    } catch (e) {
      aborted ??= `final: ${String(e).slice(0, 1500)}`;
      finding(`final quiesce failed: ${String(e).slice(0, 1500)}`);
    }
    const driver = admin;
    driver.close();
    for (const a of actors) await a.stop();
    await hub.kill('SIGTERM');

    const hubDb = openReadonly(hubFile);
    let summary: FaultRunSummary;
    try {
      const once = exactlyOnce(hubDb, actors.map((a) => ({ username: a.name, enqueued: a.enqueued, outbox: readOutbox(outboxFile(a.dataDir, a.name)) })));
      for (const e of once.examples) finding(e);
      const drv = driverExactlyOnce(hubDb, driver.acked);
      const audit = auditOf(hubDb);
      if (!audit.ok) finding(`audit chain broken at ${audit.firstBroken}: ${audit.reason}`);
      const gaps = seqGaps(hubDb);
      if (gaps) finding(`${gaps} gaps in the event log's seq`);
      for (const a of actors) for (const c of a.crashes) finding(`core ${a.name} ended by itself (${c.signal ?? c.code}); last logs: ${c.logs.slice(-5).join(' | ').slice(0, 800)}`);
      for (const c of hub.crashes) finding(`hub ended by itself (${c.signal ?? c.code}): ${c.tail.slice(-800)}`);
      for (const l of hub.failures().slice(0, 10)) finding(`hub log: ${l.slice(0, 300)}`);
      summary = {
        faults: injected, byKind, actions: once.actions, acknowledged: once.acknowledged, lost: once.lost, duplicated: once.duplicated,
        divergentReplicas: divergent, auditValid: audit.ok,
        seed, rounds, seconds: Math.round((Date.now() - t0) / 1000), applied: once.applied, refused: once.refused, mismatched: once.mismatched,
        refusedAtCore: actors.reduce((s, a) => s + a.stats.refusedAtCore, 0),
        failedCalls: actors.reduce((s, a) => s + a.stats.failedCalls, 0),
        stuckOutboxes: stuck,
        senderStops: actors.reduce((s, a) => s + a.senderStops, 0),
        coreCrashes: actors.reduce((s, a) => s + a.crashes.length, 0),
        hubCrashes: hub.crashes.length,
        seqGaps: gaps, auditEntries: audit.entries,
        driver: { checked: drv.checked, lost: drv.lost, duplicated: drv.duplicated },
        sources: { ...sources.stats },
        timedOut, aborted, dataDir: null, findings,
      };
    } finally {
      hubDb.close();
    }
    const failed = !passed(summary);
    if (failed || opts.keepDir) summary.dataDir = root;
    else fs.rmSync(root, { recursive: true, force: true });
    return summary;
  } finally {
    admin?.close();
    for (const a of actors) if (a.alive) a.client?.kill('SIGKILL');
    for (const p of proxies) await p.close().catch(() => undefined);
    await hub.kill('SIGKILL').catch(() => undefined);
    code?.dispose();
  }
}

/** Integrity: nothing lost or doubled, replicas equal to the hub, the log and the audit chain intact. */
export function passed(s: FaultRunSummary): boolean {
  return s.aborted === null && s.lost === 0 && s.duplicated === 0 && s.divergentReplicas === 0 && s.auditValid && s.mismatched === 0 && s.seqGaps === 0 && s.driver.lost === 0 && s.driver.duplicated === 0;
}

/** Liveness and robustness: no process died by itself, no outbox needed a restart to drain. */
export function healthy(s: FaultRunSummary): boolean {
  return s.stuckOutboxes === 0 && s.coreCrashes === 0 && s.hubCrashes === 0;
}

