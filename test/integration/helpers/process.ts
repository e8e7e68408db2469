/** Real hub processes for tests that kill them (SIGKILL) and start them again. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../../..');

export interface HubProcess { child: ChildProcess; url: string; kill(signal?: NodeJS.Signals): Promise<void> }

/** Starts `hub/cli.ts` and resolves with its address once it listens. */
export function spawnHub(args: string[], env: NodeJS.ProcessEnv = {}): Promise<HubProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'hub/cli.ts'), '--port', '0', ...args], {
    cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL'); // not left running (and writing into its data dir) behind a failed test
      reject(new Error(`hub did not start:\n${out}`));
    }, 30_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/[\d.:]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({
          child, url: m[1]!,
          kill: (signal = 'SIGKILL') => new Promise<void>((r) => {
            if (child.exitCode !== null || child.signalCode) return r();
            child.once('exit', () => r());
            child.kill(signal);
          }),
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`hub exited with ${code}:\n${out}`)));
  });
}
