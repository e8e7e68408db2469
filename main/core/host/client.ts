/**
 * The windows' side of the core's process: forks host/entry, and offers the same async API as
 * Core (CoreApi) over a zod-checked IPC protocol. A call whose process dies is refused, never
 * left hanging; a change batch that fails its schema is dropped and said so.
 */
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import type { Case, CommandType } from '../../../shared/protocol';
import type { History, HistoryRange } from '../../../shared/bridge/contract';
import type { StatisticsQuery, StatisticsResult } from '../../../shared/bridge/statistics';
import { DomainError, ERROR_CODES, type ErrorCode } from '../../../shared/domain/errors';
import type { CoreApi, CoreMethod } from '../api';
import {
  casesFromRowsJson, CoreOptionsSchema, type Answer, type CaseDetail, type ChangeBatch, type Checksum, type CommandAccepted,
  type ConnectionState, type CoreOptionsInput, type CoreSnapshot, type CoreSnapshotWire, type PendingCommand,
} from '../model';
import { FAULT_ENV, HostMessageSchema, METHOD_RESULTS, type HostRequest, type MethodArgs, type MethodResult } from './protocol';

export interface HostOptions {
  /** The entry script; defaults to entry.ts (through tsx) or entry.js beside this file. */
  entry?: string;
  execArgv?: string[];
  /** The runtime to start (default: this one). Electron's shell passes its binary with ELECTRON_RUN_AS_NODE. */
  execPath?: string;
  env?: NodeJS.ProcessEnv;
  /** Test-only: a fault point at which the core process kills itself (host/protocol.ts FAULTS). */
  fault?: string;
  onLog?(message: string): void;
  /** How long to wait for the process to start and open its files. */
  startTimeoutMs?: number;
}

interface PendingCall { resolve(v: unknown): void; reject(e: unknown): void; method: CoreMethod | 'open' }

/**
 * What CoreClient needs of the core's process: a ChildProcess from fork, or an adapter over
 * another kind (main/electron wraps Electron's utility process in one).
 */
export interface ChildLike {
  readonly pid?: number | undefined;
  readonly connected: boolean;
  send(message: unknown, callback?: (error: Error | null) => void): boolean;
  kill(signal?: NodeJS.Signals): boolean;
  disconnect(): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number | null, signal: NodeJS.Signals | null) => void): unknown;
  off(event: 'message', listener: (message: unknown) => void): unknown;
  off(event: 'exit', listener: (code: number | null, signal: NodeJS.Signals | null) => void): unknown;
}

function defaultEntry(): { entry: string; execArgv: string[] } {
  const fromTs = import.meta.url.endsWith('.ts');
  const entry = fileURLToPath(new URL(fromTs ? './entry.ts' : './entry.js', import.meta.url));
  // In development the sources are TypeScript: run the child through tsx's loader.
  const execArgv = fromTs ? ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href] : [];
  return { entry, execArgv };
}

const toErrorCode = (code: string): ErrorCode => ((ERROR_CODES as readonly string[]).includes(code) ? (code as ErrorCode) : 'internal');

export class CoreClient implements CoreApi {
  private nextId = 1;
  private readonly calls = new Map<number, PendingCall>();
  private readonly listeners = new Set<(b: ChangeBatch) => void>();
  private readonly exitListeners = new Set<(code: number | null, signal: NodeJS.Signals | null) => void>();
  private exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;

  private constructor(private readonly child: ChildLike, private readonly host: HostOptions) {
    child.on('message', (raw: unknown) => this.onMessage(raw));
    child.on('exit', (code, signal) => {
      this.exited = { code, signal };
      const err = new DomainError('internal', `the core process ended (${signal ?? code})`);
      for (const c of this.calls.values()) c.reject(err);
      this.calls.clear();
      for (const l of this.exitListeners) l(code, signal);
    });
  }

  /** Starts the core process (child_process.fork) and opens the user's files in it. */
  static async spawn(options: CoreOptionsInput, host: HostOptions = {}): Promise<CoreClient> {
    const checked = CoreOptionsSchema.safeParse(options);
    if (!checked.success) throw new DomainError('invalid_input', z.prettifyError(checked.error));
    const d = defaultEntry();
    const env = { ...(host.env ?? process.env) };
    if (host.fault) env[FAULT_ENV] = host.fault;
    else delete env[FAULT_ENV];
    const child = fork(host.entry ?? d.entry, [], {
      execArgv: host.execArgv ?? d.execArgv,
      ...(host.execPath ? { execPath: host.execPath } : {}),
      env,
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return CoreClient.attach(child, checked.data, host);
  }

  /**
   * Speaks to a core process started some other way (an Electron utility process running
   * host/utility-entry), which must send 'ready' once it listens.
   */
  static async attach(child: ChildLike, options: CoreOptionsInput, host: HostOptions = {}): Promise<CoreClient> {
    const checked = CoreOptionsSchema.safeParse(options);
    if (!checked.success) {
      child.kill('SIGKILL');
      throw new DomainError('invalid_input', z.prettifyError(checked.error));
    }
    const client = new CoreClient(child, host);
    try {
      await client.ready(host.startTimeoutMs ?? 30_000);
      await client.request('open', { kind: 'open', id: client.nextId++, options: checked.data });
    } catch (e) {
      // A core that could not open its files must not linger as an orphan process.
      if (client.alive) child.kill('SIGKILL');
      throw e;
    }
    return client;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return this.exited === null;
  }

  /** For fault tests: end the core process abruptly. */
  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    this.child.kill(signal);
  }

  /** Resolves when the process has ended. */
  exit(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.exited) return Promise.resolve(this.exited);
    return new Promise((resolve) => this.exitListeners.add((code, signal) => resolve({ code, signal })));
  }

  onExit(listener: (code: number | null, signal: NodeJS.Signals | null) => void): () => void {
    this.exitListeners.add(listener);
    return () => this.exitListeners.delete(listener);
  }

  onChanges(listener: (batch: ChangeBatch) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---- CoreApi ------------------------------------------------------------------------------

  async start(): Promise<void> {
    await this.call('start', []);
  }

  /** Stops the core and lets its process exit (it closes its files first). */
  async stop(): Promise<void> {
    if (!this.exited) {
      await this.call('stop', []).catch(() => undefined);
      if (this.child.connected) this.child.disconnect();
      await this.exit();
    }
  }

  /** The cases cross as one JSON text of their compact rows and get a structural check here (model.ts casesFromRowsJson). */
  async snapshot(): Promise<CoreSnapshot> {
    const { caseRowsJson, ...rest } = await this.call('snapshot', []);
    try {
      return { ...rest, cases: casesFromRowsJson(caseRowsJson) };
    } catch (e) {
      throw new DomainError('internal', `core answered snapshot with unexpected cases: ${(e as Error).message.slice(0, 300)}`);
    }
  }

  snapshotWire(): Promise<CoreSnapshotWire> {
    return this.call('snapshot', []);
  }

  command(type: CommandType, payload: unknown, expectedVersion: number | null): Promise<CommandAccepted> {
    return this.call('command', [type, payload, expectedVersion]);
  }

  search(q: string, limit?: number): Promise<Case[]> {
    return this.call('search', [q, limit ?? null]);
  }

  caseDetail(id: string): Promise<CaseDetail | null> {
    return this.call('caseDetail', [id]);
  }

  checksum(): Promise<Checksum> {
    return this.call('checksum', []);
  }

  connection(): Promise<ConnectionState> {
    return this.call('connection', []);
  }

  pending(): Promise<PendingCommand[]> {
    return this.call('pending', []);
  }

  answer(commandId: string): Promise<Answer | null> {
    return this.call('answer', [commandId]);
  }

  answers(limit?: number): Promise<Answer[]> {
    return this.call('answers', [limit ?? null]);
  }

  history(range: HistoryRange): Promise<History> {
    return this.call('history', [range]);
  }

  statistics(query: StatisticsQuery): Promise<StatisticsResult> {
    return this.call('statistics', [query]);
  }

  // ---- plumbing -----------------------------------------------------------------------------

  private async call<M extends CoreMethod>(method: M, args: MethodArgs<M>): Promise<MethodResult<M>> {
    const value = await this.request(method, { kind: 'call', id: this.nextId++, method, args: args as unknown[] });
    const r = METHOD_RESULTS[method].safeParse(value);
    if (!r.success) throw new DomainError('internal', `core answered ${method} with an unexpected shape: ${z.prettifyError(r.error).slice(0, 300)}`);
    return r.data as MethodResult<M>;
  }

  private request(method: CoreMethod | 'open', req: HostRequest): Promise<unknown> {
    if (this.exited || !this.child.connected) return Promise.reject(new DomainError('internal', 'the core process is not running'));
    return new Promise((resolve, reject) => {
      this.calls.set(req.id, { resolve, reject, method });
      this.child.send(req, (err) => {
        if (err) {
          this.calls.delete(req.id);
          reject(new DomainError('internal', `could not reach the core process: ${err.message}`));
        }
      });
    });
  }

  private ready(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        this.child.kill('SIGKILL');
        reject(new DomainError('internal', 'the core process did not start in time'));
      }, timeoutMs);
      const onMsg = (raw: unknown): void => {
        if ((raw as { kind?: unknown } | null)?.kind === 'ready') done(null);
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null): void => done(new DomainError('internal', `the core process ended while starting (${signal ?? code})`));
      const done = (err: Error | null): void => {
        clearTimeout(t);
        this.child.off('message', onMsg);
        this.child.off('exit', onExit);
        if (err) reject(err);
        else resolve();
      };
      this.child.on('message', onMsg);
      this.child.on('exit', onExit);
    });
  }

  private onMessage(raw: unknown): void {
    const r = HostMessageSchema.safeParse(raw);
    if (!r.success) {
      this.host.onLog?.(`core process sent a malformed message: ${z.prettifyError(r.error).slice(0, 300)}`);
      // A malformed answer must not leave its caller waiting forever.
      const id = (raw as { id?: unknown } | null)?.id;
      const call = typeof id === 'number' ? this.calls.get(id) : undefined;
      if (call && typeof id === 'number') {
        this.calls.delete(id);
        call.reject(new DomainError('internal', 'the core process answered in an unexpected shape'));
      }
      return;
    }
    const m = r.data;
    switch (m.kind) {
      case 'ready':
        return;
      case 'log':
        this.host.onLog?.(m.message);
        return;
      case 'changes':
        for (const l of this.listeners) {
          try {
            l(m.batch);
          } catch (e) {
            this.host.onLog?.(`change listener failed: ${String(e)}`);
          }
        }
        return;
      case 'result':
      case 'error': {
        const call = this.calls.get(m.id);
        if (!call) return;
        this.calls.delete(m.id);
        if (m.kind === 'result') call.resolve(m.value);
        else call.reject(new DomainError(toErrorCode(m.error.code), m.error.message));
        return;
      }
    }
  }
}
