/**
 * In Electron the core runs in a utility process (ARCHITECTURE §2: never on the main thread; the
 * runAsNode fuse is off, so child_process.fork of the Electron binary is not an option). This
 * adapts a UtilityProcess to the few ChildProcess methods CoreClient uses.
 */
import { EventEmitter } from 'node:events';
import path from 'node:path';
import { utilityProcess } from 'electron';
import { CoreClient, type ChildLike } from '../core/host/client';
import type { CoreOptionsInput } from '../core/model';

const ENTRY = path.resolve(import.meta.dirname, '../core/host/utility-entry.js');

class UtilityChild extends EventEmitter implements ChildLike {
  connected = true;
  private readonly proc;

  constructor() {
    super();
    this.proc = utilityProcess.fork(ENTRY, [], { serviceName: 'linkage-core', stdio: 'inherit' });
    this.proc.on('message', (m: unknown) => this.emit('message', m));
    this.proc.on('exit', (code: number) => {
      this.connected = false;
      this.emit('exit', code, null);
    });
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  send(message: unknown, callback?: (error: Error | null) => void): boolean {
    this.proc.postMessage(message);
    callback?.(null);
    return true;
  }

  kill(): boolean {
    return this.proc.kill();
  }

  disconnect(): void {
    this.connected = false;
    this.proc.kill();
  }
}

export function openUtilityCore(options: CoreOptionsInput, log: (m: string) => void): Promise<CoreClient> {
  return CoreClient.attach(new UtilityChild(), options, { onLog: (m) => log(`[core] ${m}`) });
}
