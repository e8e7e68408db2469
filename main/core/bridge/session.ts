/**
 * Who is signed in on this workstation, and the bridge calls of every window: one gate
 * (`call`) that validates the name and arguments of each call against the shared contract,
 * whatever the shell (Electron IPC or browser WebSocket) carried it.
 */
import path from 'node:path';
import { z } from 'zod';
import { validateCall, type BridgeCallResult, type ChangeBatch, type HistoryRange, type Settings, type Snapshot } from '../../../shared/bridge/contract';
import { emptyBatch } from '../../../shared/bridge/batch';
import type { StatisticsQuery } from '../../../shared/bridge/statistics';
import { LoginRequest, type User } from '../../../shared/protocol';
import { DomainError, toErrorInfo } from '../../../shared/domain/errors';
import type { CoreApi } from '../api';
import type { CoreOptionsInput } from '../model';
import { hubList, loginAny } from '../sync/hubs';
import { LinkError } from '../sync/login';
import { asciiJson } from '../wire';
import { loadDistrict } from './district';
import { SettingsStore } from './settings';

/** How long the login window waits for a hub's answer before trying the next (or giving up). */
const LOGIN_TIMEOUT_MS = 10_000;

export const CredentialsFileSchema = z.object({
  accounts: z.array(z.object({ username: z.string(), password: z.string(), role: z.string(), displayName: z.string() })),
});
export type Credentials = z.infer<typeof CredentialsFileSchema>;

export interface SessionOptions {
  dataDir: string;
  hubUrl: string;
  /** The embedded district's default accounts (role switcher); null against a configured hub. */
  credentials: Credentials | null;
  /** Signed in at start on the embedded district. */
  defaultUser: string | null;
  openCore(options: CoreOptionsInput): Promise<CoreApi>;
  resourcesDir?: string;
  log(message: string): void;
}

export class Session {
  private core: CoreApi | null = null;
  private user: User | null = null;
  private settings: SettingsStore | null = null;
  private offCore: (() => void) | null = null;
  private readonly listeners = new Set<(b: ChangeBatch) => void>();
  /** Serializes sign-in and switching, so two windows cannot open two cores at once. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: SessionOptions) {}

  async startDefault(): Promise<void> {
    if (!this.opts.defaultUser) return;
    const r = await this.switchUser(this.opts.defaultUser);
    if (!r.ok) this.opts.log(`default sign-in failed: ${r.message}`);
  }

  onChanges(listener: (b: ChangeBatch) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(batch: ChangeBatch): void {
    for (const l of this.listeners) l(batch);
  }

  /** The single entry for every window call. Invalid calls are answered with a reason and change nothing. */
  async call(name: unknown, args: unknown): Promise<BridgeCallResult> {
    const v = validateCall(name, args);
    if (!v.ok) {
      this.opts.log(`refused bridge call: ${v.message}`);
      return { ok: false, error: { code: 'invalid_input', message: v.message } };
    }
    try {
      return { ok: true, value: await this.dispatch(v.name, v.args) };
    } catch (e) {
      return { ok: false, error: toErrorInfo(e) };
    }
  }

  /**
   * The same gate as `call`, answering with the result's JSON text: a shell that sends text
   * (browser mode) gets the snapshot's cases spliced in as the core's JSON text of their compact
   * rows (`caseRows`, with `cases` empty: shared/bridge/contract.ts CaseRows), never parsed and
   * re-encoded in this process, and all of the reply in ASCII (../wire.ts; issue 5). Every other
   * call is `call`, stringified.
   */
  async callJson(name: unknown, args: unknown): Promise<string> {
    if (name === 'snapshot' && this.core?.snapshotWire && validateCall(name, args).ok) {
      try {
        const { caseRowsJson, ...rest } = await this.snapshotWire();
        const head = asciiJson(JSON.stringify({ ok: true, value: { ...rest, cases: [] } }));
        // `"cases":[]` is the value's first key (see snapshotWire): the rows go right after it.
        const at = head.indexOf('"cases":[]') + 10;
        return `${head.slice(0, at)},"caseRows":${caseRowsJson}${head.slice(at)}`;
      } catch (e) {
        return JSON.stringify({ ok: false, error: toErrorInfo(e) });
      }
    }
    return JSON.stringify(await this.call(name, args));
  }

  private requireCore(): CoreApi {
    if (!this.core) throw new DomainError('unauthenticated', 'not signed in');
    return this.core;
  }

  private async dispatch(name: string, args: unknown[]): Promise<unknown> {
    switch (name) {
      case 'snapshot': return this.snapshot();
      case 'district': return loadDistrict(this.opts.resourcesDir);
      case 'command': return this.requireCore().command(args[0] as never, args[1], args[2] as number | null);
      case 'search': return (await this.requireCore().search(args[0] as string, 200)).map((c) => c.id);
      case 'caseDetail': return this.requireCore().caseDetail(args[0] as string);
      case 'setSettings': return this.setSettings(args[0] as Partial<Settings>);
      case 'accounts': return (this.opts.credentials?.accounts ?? []).map(({ username, role, displayName }) => ({ username, role, displayName }));
      case 'switchUser': return this.switchUser(args[0] as string);
      case 'login': return this.login(args[0] as string, args[1] as string);
      case 'history': return this.requireCore().history(args[0] as HistoryRange);
      case 'statistics': return this.requireCore().statistics(args[0] as StatisticsQuery);
      default: throw new Error(`no handler for ${name}`);
    }
  }

  private async currentSettings(): Promise<Settings> {
    return this.settings?.get() ?? (await SettingsStore.open(path.join(this.opts.dataDir, 'settings-default.json'))).get();
  }

  async snapshot(): Promise<Snapshot> {
    const settings = await this.currentSettings();
    if (!this.core) {
      return {
        user: null, cases: [], units: [], cameras: [], positions: [], pending: [], answers: [], settings,
        connection: { state: 'offline', since: Date.now(), lastOnlineAt: null, lastSeq: 0, headSeq: null, caughtUp: null, pending: 0, user: null, error: { code: 'unauthenticated', message: 'not signed in' }, hub: null, node: null },
      };
    }
    const [snap, answers] = await Promise.all([this.core.snapshot(), this.core.answers(50)]);
    return { ...snap, user: snap.connection.user ?? this.user, answers, settings };
  }

  /** `snapshot` with the cases left as the core's JSON text of their rows; `cases` comes first in the value's keys. */
  private async snapshotWire(): Promise<Omit<Snapshot, 'cases'> & { cases: []; caseRowsJson: string }> {
    const core = this.core;
    if (!core?.snapshotWire) throw new DomainError('unauthenticated', 'not signed in');
    const settings = await this.currentSettings();
    const [snap, answers] = await Promise.all([core.snapshotWire(), core.answers(50)]);
    const { caseRowsJson, ...rest } = snap;
    return { cases: [], ...rest, user: snap.connection.user ?? this.user, answers, settings, caseRowsJson };
  }

  private async setSettings(patch: Partial<Settings>): Promise<Settings> {
    if (!this.settings) throw new DomainError('unauthenticated', 'not signed in');
    const next = await this.settings.patch(patch);
    this.emit({ ...emptyBatch(), settings: next });
    return next;
  }

  /** Embedded district only: sign in as one of the default accounts. */
  switchUser(username: string): Promise<{ ok: true } | { ok: false; message: string }> {
    const account = this.opts.credentials?.accounts.find((a) => a.username === username);
    if (!account) return Promise.resolve({ ok: false, message: `no default account ${username}` });
    return this.signIn(account.username, account.password);
  }

  /** Against a configured hub: the password is checked by the hub before anything opens. */
  async login(username: string, password: string): Promise<{ ok: true } | { ok: false; message: string }> {
    const body = LoginRequest.safeParse({ username, password });
    if (!body.success) return { ok: false, message: 'username and password are required' };
    try {
      // A cluster: the first node that answers (the core then keeps to the list by itself).
      await loginAny(hubList(this.opts.hubUrl), 0, body.data.username, body.data.password, LOGIN_TIMEOUT_MS);
    } catch (e) {
      const err = e instanceof LinkError ? e : new LinkError('unreachable', String(e));
      return { ok: false, message: err.code === 'unreachable' ? err.message : `${err.code}: ${err.message}` };
    }
    return this.signIn(username, password);
  }

  private signIn(username: string, password: string): Promise<{ ok: true } | { ok: false; message: string }> {
    const run = async (): Promise<{ ok: true } | { ok: false; message: string }> => {
      const previous = this.signedIn;
      const r = await this.open(username, password);
      // A failed switch must not leave the workstation signed out: go back to who was there.
      if (!r.ok && previous && previous.username !== username) {
        const back = await this.open(previous.username, previous.password);
        if (!back.ok) this.opts.log(`could not sign ${previous.username} back in: ${back.message}`);
      }
      return r;
    };
    const p = this.queue.then(run, run);
    this.queue = p;
    return p;
  }

  private signedIn: { username: string; password: string } | null = null;

  private async open(username: string, password: string): Promise<{ ok: true } | { ok: false; message: string }> {
    await this.closeCore();
    try {
      const core = await this.opts.openCore({ dataDir: this.opts.dataDir, hubUrl: this.opts.hubUrl, username, password });
      this.core = core;
      this.settings = await SettingsStore.open(path.join(this.opts.dataDir, 'settings', `${username.replace(/[^a-z0-9._-]/gi, '_')}.json`));
      this.offCore = core.onChanges((b) => {
        if (b.connection?.user) this.user = b.connection.user;
        this.emit(b);
      });
      await core.start();
      this.signedIn = { username, password };
      this.opts.log(`signed in as ${username}`);
      // Windows re-read everything for the new user.
      this.emit({ ...emptyBatch(), reset: true, settings: this.settings.get() });
      return { ok: true };
    } catch (e) {
      await this.closeCore();
      return { ok: false, message: (e as Error).message };
    }
  }

  private async closeCore(): Promise<void> {
    this.offCore?.();
    this.offCore = null;
    const core = this.core;
    this.core = null;
    this.user = null;
    this.signedIn = null;
    if (core) await core.stop().catch((e: unknown) => this.opts.log(`core stop: ${String(e)}`));
  }

  async close(): Promise<void> {
    await this.queue.catch(() => {});
    await this.closeCore();
    this.listeners.clear();
  }
}
