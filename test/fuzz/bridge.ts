/**
 * A hostile renderer against the bridge: Session.call (the single gate of every window call,
 * whichever shell carried it) with random names and arguments, bursts of concurrent calls, and
 * browser mode's WebSocket (/bridge) with malformed, oversize, binary and non-UTF-8 frames and
 * connections with a wrong token, origin or path. The session's core is a real core process.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { BRIDGE_CALL_NAMES, WireRequestSchema } from '../../shared/bridge/contract';
import { Session, type Credentials } from '../../main/core/bridge/session';
import { CoreClient } from '../../main/core/host/client';
import { startWebServer, type RunningWebServer } from '../../main/web/server';
import { outboxFile } from '../faults/checks';
import type { CodeSnapshot } from '../faults/code';
import { waitFor, withTimeout, type Rng } from '../faults/random';
import { CATEGORIES, pointIn } from '../faults/world';
import { mutateN, NASTY_KEYS, randomString, randomValue, uriSafe } from './gen';
import type { Outcome } from './hub';
import { RawSocket } from './net';

export class BridgeFuzzer {
  private session!: Session;
  private web!: RunningWebServer;
  private ws: RawSocket | null = null;
  private core: CoreClient | null = null;
  private username = '';
  private nextId = 1;
  refusedLogs = 0;
  malformedLogs = 0;
  readonly cores: CoreClient[] = [];
  readonly notes: string[] = [];
  readonly counts = { threw: 0, localChangesByInvalid: 0, coreCrashes: 0, validCommands: 0, switches: 0, leaks: 0, concurrentRefusals: 0 };
  private readonly cases: Array<{ id: string; version: number }> = [];

  constructor(private readonly hubUrl: string, private readonly dataDir: string, private readonly credentials: Credentials, private readonly code: CodeSnapshot | null = null) {}

  private note(s: string): void {
    if (this.notes.length < 100) this.notes.push(s.slice(0, 600));
  }

  async start(): Promise<void> {
    const staticDir = path.join(this.dataDir, 'static');
    fs.mkdirSync(staticDir, { recursive: true });
    fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>fuzz</title>');
    this.session = new Session({
      dataDir: path.join(this.dataDir, 'workstation'),
      hubUrl: this.hubUrl,
      credentials: this.credentials,
      defaultUser: 'officer',
      openCore: async (o) => {
        const c = await CoreClient.spawn(o, { onLog: () => undefined, ...(this.code ? { entry: this.code.coreEntry, execArgv: this.code.execArgv } : {}) });
        this.core = c;
        this.username = o.username;
        this.cores.push(c);
        c.onExit((code, signal) => {
          if (signal !== null || code !== 0) {
            this.counts.coreCrashes++;
            this.note(`session core (${o.username}) ended by itself: ${signal ?? code}`);
          }
        });
        return c;
      },
      log: (m) => {
        if (m.startsWith('refused bridge call')) this.refusedLogs++;
        if (m.startsWith('dropped a malformed bridge message')) this.malformedLogs++;
      },
    });
    await this.session.startDefault();
    this.web = await startWebServer({
      session: this.session, staticDir,
      log: (m) => {
        if (m.startsWith('dropped a malformed bridge message')) this.malformedLogs++;
      },
    });
  }

  async close(): Promise<void> {
    this.ws?.close();
    await this.web?.close().catch(() => undefined);
    await this.session?.close().catch(() => undefined);
    for (const c of this.cores) if (c.alive) c.kill('SIGKILL');
  }

  /** After the session's core died: sign the default user in again. */
  async recover(): Promise<void> {
    const r = await this.session.call('switchUser', ['officer']);
    if (!r.ok || !(r.value as { ok?: boolean }).ok) throw new Error(`switchUser after a core crash: ${JSON.stringify(r).slice(0, 300)}`);
    await this.refreshCases();
  }

  get alive(): boolean {
    return this.core?.alive === true;
  }

  /** No answer to a window may carry a password or a source key. */
  private checkLeak(where: string, text: string): void {
    for (const a of this.credentials.accounts) {
      if (a.password && text.includes(a.password)) {
        this.counts.leaks++;
        this.note(`${where}: an answer carries ${a.username}'s password`);
      }
    }
  }

  /** What an invalid call must leave alone: the outbox (pending and answered) and the settings file. */
  private localState(): string {
    const parts: string[] = [];
    try {
      const db = new Database(outboxFile(path.join(this.dataDir, 'workstation'), this.username), { readonly: true, fileMustExist: true });
      try {
        parts.push(String(db.prepare('SELECT (SELECT COUNT(*) FROM outbox) + (SELECT COUNT(*) FROM answers)').pluck().get()));
      } finally {
        db.close();
      }
    } catch {
      parts.push('-');
    }
    const settings = path.join(this.dataDir, 'workstation', 'settings', `${this.username.replace(/[^a-z0-9._-]/gi, '_')}.json`);
    parts.push(fs.existsSync(settings) ? fs.readFileSync(settings, 'utf8') : '-');
    return parts.join('|');
  }

  private async refreshCases(): Promise<void> {
    if (!this.core?.alive) return;
    const snap = await this.core.snapshot().catch(() => null);
    if (!snap) return;
    this.cases.length = 0;
    for (const c of snap.cases.slice(0, 100)) this.cases.push({ id: c.id, version: c.version });
  }

  private validArgs(r: Rng, name: string): unknown[] {
    const c = this.cases.length ? r.pick(this.cases) : { id: 'MH-NONE', version: 1 };
    switch (name) {
      case 'command': {
        const cat = r.pick(CATEGORIES);
        return r.pick([
          ['case.report', { source: 'officer', categoryCode: cat.code, urgency: cat.urgency, point: pointIn(r), address: '闵行区', description: '渲染进程' }, null],
          ['case.comment', { caseId: c.id, text: '备注' }, null],
          ['case.register', { caseId: c.id }, c.version],
        ]);
      }
      case 'search': return [randomString(r, 20)];
      case 'caseDetail': return [c.id];
      case 'setSettings': return [r.pick([{ language: 'en' }, { theme: 'light' }, { soundMuted: true }, { layout: { left: 0.3 } }, { presets: [{ name: '我的', filter: { status: 'reported' } }] }, { language: 'zh-CN', theme: 'dark' }])];
      case 'switchUser': return [r.chance(0.9) ? randomString(r, 20) || 'x' : r.pick(['officer', 'xinzhuang', 'enforcement'])];
      case 'login': return [r.chance(0.5) ? r.pick(['officer', 'admin', 'nobody']) : randomString(r, 20) || 'x', randomString(r, 30) || 'y'];
      default: return [];
    }
  }

  private callOf(r: Rng): { name: unknown; args: unknown } {
    const valid = r.chance(0.75);
    const name: unknown = valid
      ? r.weighted({ snapshot: 2, district: 0.2, command: 6, search: 3, caseDetail: 3, setSettings: 3, accounts: 1, switchUser: 1, login: 1 })
      : r.pick<unknown>([randomString(r, 30), ...NASTY_KEYS, 'dispatch', 'requireCore', 'closeCore', 'signIn', 42, null, {}, ['command'], 'COMMAND', 'command\u0000']);
    const base = typeof name === 'string' && (BRIDGE_CALL_NAMES as string[]).includes(name) ? this.validArgs(r, name) : [];
    const w = r.weighted({ valid: 3, mutated: 5, random: 1, notArray: 1, many: 0.5 });
    const args = w === 'valid' ? base : w === 'mutated' ? mutateN(r, base) : w === 'random' ? [randomValue(r, 2)] : w === 'notArray' ? randomValue(r, 2) : [...base, 1, 2, 3, 4, 5, 6];
    return { name, args };
  }

  /** Waits until the session's core has sent everything (so the hub's state is settled). */
  private async drain(): Promise<void> {
    await waitFor(async () => (this.core?.alive ? (await this.core.pending()).length === 0 : true), 10_000, 10);
  }

  private async judge(name: unknown, result: { ok: boolean; value?: unknown } | null, before: string): Promise<boolean> {
    const isCommandOk = name === 'command' && result?.ok === true;
    if (isCommandOk) {
      this.counts.validCommands++;
      await this.drain();
      return true;
    }
    if ((name === 'switchUser' || name === 'login') && result?.ok && (result.value as { ok?: boolean } | undefined)?.ok) {
      this.counts.switches++;
      await this.refreshCases();
      return false;
    }
    const changedSettings = name === 'setSettings' && result?.ok === true;
    const after = this.localState();
    if (!changedSettings && after !== before && this.username) {
      this.counts.localChangesByInvalid++;
      this.note(`bridge call ${String(name).slice(0, 40)} (${result?.ok ? 'ok' : 'refused'}) changed the outbox or settings`);
    }
    return false;
  }

  /** One hostile call through Session.call, a burst of concurrent ones, or one WebSocket frame. */
  async send(r: Rng): Promise<Outcome[]> {
    if (this.cases.length === 0 || r.chance(0.01)) await this.refreshCases();
    const w = r.weighted({ call: 10, burst: 0.5, ws: 5, wsConnect: 0.5 });
    if (w === 'burst') return this.burst(r);
    if (w === 'ws') return [await this.wsFrame(r)];
    if (w === 'wsConnect') return [await this.wsConnect(r)];
    return [await this.call(r)];
  }

  private async call(r: Rng): Promise<Outcome> {
    const { name, args } = this.callOf(r);
    const before = this.localState();
    let result: { ok: boolean; value?: unknown } | null = null;
    try {
      result = await withTimeout(this.session.call(name, args), 20_000, 'bridge call');
    } catch (e) {
      if (String(e).includes('timed out')) return { target: 'bridge call', result: 'hang', mayChange: false, note: `${String(name).slice(0, 40)}` };
      this.counts.threw++;
      this.note(`Session.call threw for ${String(name).slice(0, 40)}: ${String(e).slice(0, 200)}`);
    }
    const mayChange = await this.judge(name, result, before);
    if (result) this.checkLeak(`bridge ${String(name).slice(0, 20)}`, JSON.stringify(result));
    return { target: `bridge ${typeof name === 'string' && (BRIDGE_CALL_NAMES as string[]).includes(name) ? name : 'unknown'}`, result: 'answered', mayChange };
  }

  /** A renderer firing many calls at once (two windows, a stuck key): each must be answered. */
  private async burst(r: Rng): Promise<Outcome[]> {
    const calls = Array.from({ length: r.int(2, 8) }, () => (r.chance(0.5) ? { name: 'setSettings', args: this.validArgs(r, 'setSettings') } : this.callOf(r)));
    const settled = await Promise.allSettled(calls.map((c) => withTimeout(this.session.call(c.name, c.args), 20_000, 'bridge burst')));
    const out: Outcome[] = [];
    let commands = false;
    settled.forEach((s, i) => {
      const name = calls[i]!.name;
      if (s.status === 'rejected') {
        if (String(s.reason).includes('timed out')) out.push({ target: 'bridge burst', result: 'hang', mayChange: false });
        else {
          this.counts.threw++;
          out.push({ target: 'bridge burst', result: 'answered', mayChange: false });
        }
        return;
      }
      if (name === 'setSettings' && !s.value.ok && !('message' in s.value.error && /setSettings:/.test(s.value.error.message))) {
        // A valid settings patch refused: concurrent writers stepping on each other.
        this.counts.concurrentRefusals++;
        if (this.counts.concurrentRefusals <= 3) this.note(`concurrent setSettings refused: ${JSON.stringify(s.value.error).slice(0, 200)}`);
      }
      if (name === 'command' && s.value.ok) commands = true;
      out.push({ target: 'bridge burst', result: 'answered', mayChange: name === 'command' && s.value.ok });
    });
    if (commands) await this.drain();
    return out;
  }

  // ---- browser mode ---------------------------------------------------------------------------

  private async bridgeSocket(): Promise<RawSocket | null> {
    if (this.ws && !this.ws.closed) return this.ws;
    const s = await RawSocket.open(`${this.web.url.replace(/^http/, 'ws')}/bridge?token=${this.web.token}`, { origin: this.web.url });
    if ('refused' in s) {
      this.note(`bridge socket refused with the right token and origin: ${s.refused}`);
      return null;
    }
    this.ws = s;
    return s;
  }

  private async wsConnect(r: Rng): Promise<Outcome> {
    const wrong = r.pick(['token', 'origin', 'path', 'none']);
    const token = wrong === 'token' ? r.pick(['', 'x', this.web.token.slice(0, -1), this.web.token + 'x', uriSafe(randomString(r, 40))]) : this.web.token;
    const origin = wrong === 'origin' ? r.pick(['http://evil.example', 'null', this.web.url + '.evil', this.web.url.replace('127.0.0.1', 'localhost')]) : this.web.url;
    const p = wrong === 'path' ? r.pick(['/bridge/', '/Bridge', '/', '/bridgex', '/bridge%2f']) : '/bridge';
    const s = await RawSocket.open(`${this.web.url.replace(/^http/, 'ws')}${p}?token=${token}`, wrong === 'none' ? {} : { origin });
    if ('refused' in s) return { target: 'bridge ws connect', result: 'answered', mayChange: false };
    s.close();
    this.note(`bridge socket accepted with wrong ${wrong}: token ${token.slice(0, 20)}, origin ${origin}, path ${p}`);
    return { target: 'bridge ws connect', result: 'answered', mayChange: false, note: 'accepted a wrong connection' };
  }

  private async wsFrame(r: Rng): Promise<Outcome> {
    const ws = await this.bridgeSocket();
    if (!ws) return { target: 'bridge ws', result: 'hang', mayChange: false, note: 'no bridge socket' };
    const id = this.nextId++;
    const { name, args } = this.callOf(r);
    const w = r.weighted({ request: 6, mutated: 3, garbage: 2, binary: 0.5, utf8: 0.3, huge: 0.1 });
    const before = this.localState();
    const malformedBefore = this.malformedLogs;
    ws.reset();
    let frame: string | Buffer;
    let asRequest = false;
    switch (w) {
      case 'request': frame = JSON.stringify({ id, call: name, args }) ?? ''; break;
      case 'mutated': frame = JSON.stringify(mutateN(r, { id, call: name, args })) ?? 'null'; break;
      case 'garbage': frame = r.pick(['', '{', 'null', '[]', '"x"', '1', '{"id":-1,"call":"snapshot","args":[]}', '{"id":1.5,"call":"snapshot","args":[]}', `{"id":${id},"call":"snapshot"}`, `{"id":${id},"call":"${'c'.repeat(41)}","args":[]}`, `{"id":${id},"call":"snapshot","args":[1,2,3,4,5,6]}`, `{"__proto__":{"id":${id}},"call":"snapshot","args":[]}`, randomString(r, 100)]); break;
      case 'binary': frame = Buffer.from(JSON.stringify({ id, call: 'snapshot', args: [] })); break;
      case 'utf8': frame = Buffer.concat([Buffer.from(`{"id":${id},"call":"search","args":["`), Buffer.from([0xc0, 0xaf]), Buffer.from('"]}')]); break;
      default: frame = JSON.stringify({ id, call: 'search', args: ['x'.repeat(1024 * 1024 + 10)] }); break;
    }
    // Whatever the generator meant, a frame the server will read as a request must get a reply.
    let replyId = id;
    if (w !== 'utf8' && w !== 'huge') {
      try {
        const parsed = WireRequestSchema.safeParse(JSON.parse(typeof frame === 'string' ? frame : frame.toString()));
        asRequest = parsed.success;
        // A mutation may have changed the id itself: the reply carries the frame's.
        if (parsed.success) replyId = parsed.data.id;
      } catch {
        asRequest = false;
      }
    }
    if (w === 'utf8') ws.ws.send(frame, { binary: false });
    else ws.send(frame, w === 'binary');
    // A request is answered by its id; anything else must be dropped with a line in the log.
    const reply = await ws.waitFor((t) => {
      try {
        const m = JSON.parse(t) as { kind?: string; id?: number };
        return m.kind === 'reply' && m.id === replyId;
      } catch {
        return false;
      }
    }, asRequest ? 20_000 : 300);
    if (reply) {
      let result: { ok: boolean; value?: unknown } | null = null;
      try {
        result = (JSON.parse(reply) as { result: { ok: boolean; value?: unknown } }).result;
      } catch {
        result = null;
      }
      let call: unknown = null;
      try {
        call = (JSON.parse(typeof frame === 'string' ? frame : frame.toString()) as { call?: unknown }).call;
      } catch {
        call = null;
      }
      const mayChange = await this.judge(call, result, before);
      this.checkLeak('bridge ws reply', reply);
      return { target: `bridge ws ${w}`, result: 'answered', mayChange };
    }
    if (ws.closed) return { target: `bridge ws ${w}`, result: 'closed', mayChange: false, note: `closed ${ws.closed.code}` };
    const logged = await waitFor(() => this.malformedLogs > malformedBefore, 1000, 5);
    if (logged) {
      await this.judge('(malformed)', null, before);
      return { target: `bridge ws ${w}`, result: 'dropped-logged', mayChange: false };
    }
    // A well-formed frame whose call the session refused is answered; if neither, it is lost.
    return { target: `bridge ws ${w}`, result: asRequest ? 'hang' : 'dropped-unlogged', mayChange: false, note: typeof frame === 'string' ? frame.slice(0, 100) : 'binary' };
  }
}
