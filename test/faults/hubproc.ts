/**
 * The hub as a real process (hub/cli.ts through spawnHub) on a fixed port and data dir, so it
 * can be killed with SIGKILL and started again where the proxies keep pointing. Its output is
 * kept (bounded) for the report; an exit we did not cause is counted as a crash.
 */
import net from 'node:net';
import { spawn } from 'node:child_process';
import { spawnHub, type HubProcess } from '../integration/helpers/process';
import type { CodeSnapshot } from './code';

/** spawnHub (test/integration/helpers/process.ts), from a code snapshot instead of the working tree. */
function spawnHubFrom(code: CodeSnapshot, args: string[]): Promise<HubProcess> {
  const child = spawn(process.execPath, [...code.execArgv, code.hubCli, '--port', '0', ...args], {
    cwd: code.root, env: process.env, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`hub did not start:\n${out}`));
    }, 30_000);
    const onData = (d: Buffer): void => {
      out += d.toString();
      const m = /listening on (http:\/\/[\d.:]+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      resolve({
        child, url: m[1]!,
        kill: (signal = 'SIGKILL') => new Promise<void>((r) => {
          if (child.exitCode !== null || child.signalCode) return r();
          child.once('exit', () => r());
          child.kill(signal);
        }),
      });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`hub exited with ${code}:\n${out}`));
    });
  });
}

export async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export class HubRunner {
  private proc: HubProcess | null = null;
  private expectingExit = false;
  readonly lines: string[] = [];
  /** Exits nobody asked for (a crash), with the output's tail. */
  readonly crashes: Array<{ code: number | null; signal: NodeJS.Signals | null; tail: string }> = [];
  starts = 0;

  constructor(readonly dataDir: string, readonly port: number, private readonly extraArgs: string[] = [], private readonly code: CodeSnapshot | null = null) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.proc !== null && this.proc.child.exitCode === null && this.proc.child.signalCode === null;
  }

  get pid(): number | undefined {
    return this.proc?.child.pid;
  }

  private readonly lineListeners = new Set<(line: string) => void>();

  /** Every output line of the hub (all its starts), as it arrives. */
  onLine(listener: (line: string) => void): () => void {
    this.lineListeners.add(listener);
    return () => this.lineListeners.delete(listener);
  }

  private partial = '';

  private keep(chunk: string): void {
    const parts = (this.partial + chunk).split('\n');
    this.partial = parts.pop() ?? '';
    if (this.partial.length > 100_000) this.partial = this.partial.slice(-100_000);
    for (const line of parts) {
      if (!line.trim()) continue;
      for (const l of this.lineListeners) l(line);
      this.lines.push(line);
      if (this.lines.length > 2000) this.lines.splice(0, this.lines.length - 2000);
    }
  }

  /** Starts the hub; a port still held by the previous process is retried for a few seconds. */
  async start(args: string[] = []): Promise<void> {
    if (this.running) return;
    let lastError: unknown = null;
    for (let attempt = 0; attempt < 10; attempt++) {
      try {
        const argv = ['--data-dir', this.dataDir, '--port', String(this.port), ...this.extraArgs, ...args];
        const proc = this.code ? await spawnHubFrom(this.code, argv) : await spawnHub(argv);
        this.proc = proc;
        this.starts++;
        this.expectingExit = false;
        proc.child.stdout!.on('data', (d: Buffer) => this.keep(d.toString()));
        proc.child.stderr!.on('data', (d: Buffer) => this.keep(d.toString()));
        proc.child.once('exit', (code, signal) => {
          if (this.proc === proc) this.proc = null;
          if (!this.expectingExit) this.crashes.push({ code, signal, tail: this.lines.slice(-30).join('\n') });
        });
        return;
      } catch (e) {
        lastError = e;
        await new Promise((r) => setTimeout(r, 300));
      }
    }
    throw new Error(`the hub did not start: ${String(lastError).slice(0, 2000)}`);
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const p = this.proc;
    if (!p) return;
    this.expectingExit = true;
    await p.kill(signal);
    this.proc = null;
  }

  /** Output lines that look like a failure of the hub itself. */
  failures(): string[] {
    return this.lines.filter((l) => /unhandled|uncaught|TypeError|RangeError|ReferenceError|command batch failed|error in |FATAL|heap out of memory/i.test(l));
  }
}
