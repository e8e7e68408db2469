/**
 * The fuzz run (issue 10): `messages` hostile messages from a seeded PRNG against a real hub
 * process (test/fuzz/hub.ts) and against the bridge of a session with a real core process
 * (test/fuzz/bridge.ts). After each message: the hub and the core still run, nothing rejected
 * unhandled, and — unless the message was a valid command or record that the hub applied — the
 * hub's head seq and its case table are unchanged (the deadline timer's own marks aside).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { snapshotCode } from '../faults/code';
import { freePort, HubRunner } from '../faults/hubproc';
import { rng } from '../faults/random';
import { BridgeFuzzer } from './bridge';
import { HubFuzzer, type Credentials, type Outcome } from './hub';

export interface FuzzOptions {
  messages: number;
  seed?: number;
  maxMs?: number;
  /** Share of messages for the bridge (the rest go to the hub). */
  bridgeShare?: number;
  log?: (m: string) => void;
  keepDir?: boolean;
  /** Run the hub and the session's cores from a copy of the code taken at the start. */
  snapshot?: boolean;
}

export interface FuzzSummary {
  messages: number;
  answered: number;
  dropped: number;
  crashes: number;
  stateChangesByInvalid: number;
  // ---- beyond the brief's line
  seed: number;
  seconds: number;
  droppedLogged: number;
  droppedUnlogged: number;
  droppedUnloggedBy: Record<string, number>;
  closedByServer: number;
  hangs: number;
  hangsBy: Record<string, number>;
  validApplied: number;
  byTarget: Record<string, number>;
  unhandledRejections: number;
  uncaughtExceptions: number;
  hubCrashes: number;
  coreCrashes: number;
  serverErrors: number;
  authBypass: number;
  bridgeThrew: number;
  bridgeLocalChangesByInvalid: number;
  bridgeLeaks: number;
  /** Valid setSettings calls refused when several came at once. */
  bridgeConcurrentRefusals: number;
  /** Socket events with an ack that the hub dropped as "no ack" (wrong argument count). */
  hubAckIgnored: number;
  hubMaxRssMb: number;
  /** Object.prototype (or Array.prototype) of the bridge's process gained a property. */
  prototypePolluted: number;
  timedOut: boolean;
  findings: string[];
}

function rssMb(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : 0;
  } catch {
    return 0;
  }
}

export async function runFuzz(opts: FuzzOptions): Promise<FuzzSummary> {
  const seed = opts.seed ?? Math.floor(Math.random() * 1e9);
  const r = rng(seed);
  const log = opts.log ?? (() => undefined);
  const t0 = Date.now();
  const maxMs = opts.maxMs ?? 60 * 60_000;
  const bridgeShare = opts.bridgeShare ?? 0.3;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'linkage-fuzz-'));
  const hubDir = path.join(root, 'hub');
  const hubFile = path.join(hubDir, 'hub.sqlite');
  const credsFile = path.join(root, 'credentials.json');
  const findings: string[] = [];
  const finding = (s: string): void => {
    log(`FINDING ${s}`);
    if (findings.length < 60) findings.push(s.slice(0, 800));
  };

  const s: FuzzSummary = {
    messages: 0, answered: 0, dropped: 0, crashes: 0, stateChangesByInvalid: 0,
    seed, seconds: 0, droppedLogged: 0, droppedUnlogged: 0, droppedUnloggedBy: {}, closedByServer: 0, hangs: 0, hangsBy: {}, validApplied: 0, byTarget: {},
    unhandledRejections: 0, uncaughtExceptions: 0, hubCrashes: 0, coreCrashes: 0, serverErrors: 0, authBypass: 0, bridgeThrew: 0, bridgeLocalChangesByInvalid: 0, bridgeLeaks: 0, bridgeConcurrentRefusals: 0, hubAckIgnored: 0,
    hubMaxRssMb: 0, prototypePolluted: 0, timedOut: false, findings,
  };
  // The session and the web server run in this process: what escapes them lands here.
  const onRejection = (e: unknown): void => {
    s.unhandledRejections++;
    finding(`unhandled rejection in the bridge's process: ${String(e).slice(0, 300)}`);
  };
  const onException = (e: unknown): void => {
    s.uncaughtExceptions++;
    finding(`uncaught exception in the bridge's process: ${String((e as Error)?.stack ?? e).slice(0, 500)}`);
  };
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);

  // Lockouts would end the run's logins: short ones, still exercised.
  const code = opts.snapshot ? snapshotCode() : null;
  const hub = new HubRunner(hubDir, await freePort(), ['--max-failed-logins', '50', '--lockout-minutes', '0.02'], code);
  let hubFuzzer: HubFuzzer | null = null;
  let bridge: BridgeFuzzer | null = null;
  let db: Database.Database | null = null;
  try {
    await hub.start(['--credentials-file', credsFile]);
    const creds = JSON.parse(fs.readFileSync(credsFile, 'utf8')) as Credentials & { accounts: Array<{ username: string; password: string; role: string; displayName: string }> };
    hubFuzzer = new HubFuzzer(hub, creds, hubFile);
    await hubFuzzer.connect();
    bridge = new BridgeFuzzer(hub.url, path.join(root, 'app'), { accounts: creds.accounts }, code);
    await bridge.start();
    db = new Database(hubFile, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    const headQ = db.prepare('SELECT COALESCE(MAX(seq), 0) FROM events').pluck();
    const casesQ = db.prepare('SELECT COUNT(*) || \':\' || COALESCE(SUM(version), 0) FROM cases').pluck();
    const eventsAfter = db.prepare('SELECT seq, type, data FROM events WHERE seq > ? ORDER BY seq LIMIT 50');
    const state = (): { head: number; cases: string } => ({ head: headQ.get() as number, cases: casesQ.get() as string });
    log(`setup done in ${Date.now() - t0} ms: hub ${hub.url}`);

    const protoKeys = (): string => `${Object.getOwnPropertyNames(Object.prototype).sort().join(',')}|${Object.getOwnPropertyNames(Array.prototype).sort().join(',')}`;
    const cleanProto = protoKeys();
    let hubCrashesSeen = 0;
    while (s.messages < opts.messages) {
      if (Date.now() - t0 > maxMs) {
        s.timedOut = true;
        break;
      }
      const toBridge = r.chance(bridgeShare);
      const before = state();
      let outcomes: Outcome[];
      try {
        outcomes = toBridge ? await bridge.send(r) : [await hubFuzzer.send(r)];
      } catch (e) {
        finding(`the fuzzer itself failed on a ${toBridge ? 'bridge' : 'hub'} message: ${String((e as Error)?.stack ?? e).slice(0, 400)}`);
        outcomes = [{ target: toBridge ? 'bridge (fuzzer error)' : 'hub (fuzzer error)', result: 'hang', mayChange: false }];
      }
      for (const o of outcomes) {
        s.messages++;
        s.byTarget[o.target] = (s.byTarget[o.target] ?? 0) + 1;
        if (o.mayChange) s.validApplied++;
        switch (o.result) {
          case 'answered': s.answered++; break;
          case 'dropped-logged': s.dropped++; s.droppedLogged++; break;
          case 'dropped-unlogged': s.dropped++; s.droppedUnlogged++; s.droppedUnloggedBy[o.target] = (s.droppedUnloggedBy[o.target] ?? 0) + 1; break;
          case 'closed': s.dropped++; s.closedByServer++; break;
          case 'hang':
            s.hangs++;
            s.hangsBy[o.target] = (s.hangsBy[o.target] ?? 0) + 1;
            if (s.hangs <= 10) finding(`no answer and no drop for ${o.target}${o.note ? `: ${o.note}` : ''}`);
            break;
        }
      }

      // State changed by a message that may not change it?
      if (hub.running) {
        const after = state();
        if ((after.head !== before.head || after.cases !== before.cases) && !outcomes.some((o) => o.mayChange)) {
          const events = (eventsAfter.all(before.head) as Array<{ seq: number; type: string; data: string }>).filter((e) => (JSON.parse(e.data) as { by: string | null }).by !== null);
          // The deadline timer's marks (by: null) keep the case's version: they change neither.
          if (events.length || after.cases !== before.cases) {
            s.stateChangesByInvalid++;
            if (s.stateChangesByInvalid <= 10) finding(`state changed by a message judged invalid (${outcomes.map((o) => o.target).join(', ')}): head ${before.head}→${after.head}, cases ${before.cases}→${after.cases}, events ${events.map((e) => `${e.seq} ${e.type}`).join('; ').slice(0, 300)}`);
          }
        }
      }

      // Crashes: the hub process, the session's core process.
      if (hub.crashes.length > hubCrashesSeen) {
        for (const c of hub.crashes.slice(hubCrashesSeen)) finding(`hub crashed (${c.signal ?? c.code}) after a ${outcomes.map((o) => o.target).join(', ')} message: ${c.tail.slice(-600)}`);
        hubCrashesSeen = hub.crashes.length;
      }
      if (!hub.running) {
        await hub.start();
        await hubFuzzer.connect();
      }
      if (!bridge.alive) {
        // Sign in again so the run goes on (the crash is counted by the bridge fuzzer).
        await bridge.recover().catch((e: unknown) => finding(`could not sign the session in again: ${String(e)}`));
      }
      if (toBridge && protoKeys() !== cleanProto) {
        s.prototypePolluted++;
        finding(`a prototype of the bridge's process changed after ${outcomes.map((o) => o.target).join(', ')}: ${protoKeys().slice(0, 300)}`);
      }
      if (s.messages % 500 < outcomes.length) {
        s.hubMaxRssMb = Math.max(s.hubMaxRssMb, rssMb(hub.pid));
        if (s.messages % 5000 < outcomes.length) log(`${s.messages} messages, ${Math.round((Date.now() - t0) / 1000)} s, hub rss ${rssMb(hub.pid)} MB`);
      }
    }
    s.hubMaxRssMb = Math.max(s.hubMaxRssMb, rssMb(hub.pid));
    for (const n of hubFuzzer.notes.slice(0, 20)) finding(n);
    for (const n of bridge.notes.slice(0, 20)) finding(n);
    for (const l of hub.failures().slice(0, 10)) finding(`hub log: ${l.slice(0, 300)}`);
    s.hubCrashes = hub.crashes.length;
    s.coreCrashes = bridge.counts.coreCrashes;
    s.crashes = s.hubCrashes + s.coreCrashes + s.uncaughtExceptions;
    s.serverErrors = hubFuzzer.counts.serverErrors;
    s.authBypass = hubFuzzer.counts.authBypass;
    s.bridgeThrew = bridge.counts.threw;
    s.bridgeLocalChangesByInvalid = bridge.counts.localChangesByInvalid;
    s.bridgeLeaks = bridge.counts.leaks;
    s.bridgeConcurrentRefusals = bridge.counts.concurrentRefusals;
    s.hubAckIgnored = hubFuzzer.counts.ackIgnored;
    s.stateChangesByInvalid += bridge.counts.localChangesByInvalid;
  } finally {
    db?.close();
    hubFuzzer?.close();
    await bridge?.close();
    await hub.kill('SIGTERM').catch(() => undefined);
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
    code?.dispose();
    s.seconds = Math.round((Date.now() - t0) / 1000);
    if (!opts.keepDir && fuzzPassed(s)) fs.rmSync(root, { recursive: true, force: true });
    else log(`data kept in ${root}`);
  }
  return s;
}

/** The brief's checks: nothing crashed, nothing invalid changed the state, nothing went unanswered. */
export function fuzzPassed(s: FuzzSummary): boolean {
  return s.crashes === 0 && s.stateChangesByInvalid === 0 && s.hangs === 0 && s.unhandledRejections === 0 && s.authBypass === 0 && s.bridgeLeaks === 0 && s.bridgeThrew === 0 && s.prototypePolluted === 0;
}
