/**
 * The core's own process (ARCHITECTURE §2, §7: better-sqlite3 is synchronous, so it runs away from
 * any window). Started by CoreClient with child_process.fork; speaks host/protocol.ts over IPC.
 */
import { z } from 'zod';
import { toErrorInfo, DomainError } from '../../../shared/domain/errors';
import { Core, type CoreHooks } from '../core';
import { FAULT_ENV, FAULTS, HostRequestSchema, METHOD_ARGS, type HostMessage, type HostRequest } from './protocol';

/** Arguments checked against the method's schema; a mismatch is the caller's error. */
function args<T extends z.ZodType>(schema: T, raw: unknown[]): z.infer<T> {
  const r = schema.safeParse(raw);
  if (!r.success) throw new DomainError('invalid_input', z.prettifyError(r.error));
  return r.data;
}

if (!process.send) {
  console.error('main/core/host/entry must be started with child_process.fork');
  process.exit(2);
}

let core: Core | null = null;
let exiting = false;

function send(m: HostMessage): void {
  if (process.connected) process.send!(m);
}

const log = (message: string): void => send({ kind: 'log', message });

/** Test-only: die by SIGKILL at a named point, to prove nothing is lost or doubled there. */
function faultHooks(): CoreHooks {
  const fault = process.env[FAULT_ENV];
  if (!fault) return {};
  if (!(FAULTS as readonly string[]).includes(fault)) throw new Error(`unknown ${FAULT_ENV}=${fault}`);
  const die = (): void => {
    process.kill(process.pid, 'SIGKILL');
  };
  return {
    afterEnqueue: fault === 'kill-after-enqueue' ? die : undefined,
    afterSend: fault === 'kill-after-send' ? die : undefined,
    beforeSettle: fault === 'kill-before-settle' ? die : undefined,
  };
}

async function handle(req: HostRequest): Promise<unknown> {
  if (req.kind === 'open') {
    if (core) throw new DomainError('invalid_input', 'the core is already open');
    core = await Core.open(req.options, { hooks: faultHooks(), log });
    core.onChanges((batch) => send({ kind: 'changes', batch }));
    return null;
  }
  if (!core) throw new DomainError('invalid_input', 'open the core first');
  const c = core;
  // Each method by name: nothing else is callable.
  switch (req.method) {
    case 'start': args(METHOD_ARGS.start, req.args); await c.start(); return null;
    case 'stop': args(METHOD_ARGS.stop, req.args); await c.stop(); return null;
    case 'snapshot': args(METHOD_ARGS.snapshot, req.args); return c.snapshotWire();
    case 'command': { const [t, p, v] = args(METHOD_ARGS.command, req.args); return c.command(t, p, v); }
    case 'search': { const [q, n] = args(METHOD_ARGS.search, req.args); return c.search(q, n ?? undefined); }
    case 'caseDetail': { const [id] = args(METHOD_ARGS.caseDetail, req.args); return c.caseDetail(id); }
    case 'checksum': args(METHOD_ARGS.checksum, req.args); return c.checksum();
    case 'connection': args(METHOD_ARGS.connection, req.args); return c.connection();
    case 'pending': args(METHOD_ARGS.pending, req.args); return c.pending();
    case 'answer': { const [id] = args(METHOD_ARGS.answer, req.args); return c.answer(id); }
    case 'answers': { const [n] = args(METHOD_ARGS.answers, req.args); return c.answers(n ?? undefined); }
    case 'history': { const [range] = args(METHOD_ARGS.history, req.args); return c.history(range); }
    case 'statistics': { const [query] = args(METHOD_ARGS.statistics, req.args); return c.statistics(query); }
  }
}

process.on('message', (raw: unknown) => {
  const r = HostRequestSchema.safeParse(raw);
  if (!r.success) {
    const id = (raw as { id?: unknown } | null)?.id;
    if (typeof id === 'number') send({ kind: 'error', id, error: { code: 'invalid_input', message: r.error.message.slice(0, 500) } });
    else log('dropped a malformed request');
    return;
  }
  const req = r.data;
  handle(req).then(
    (value) => send({ kind: 'result', id: req.id, ok: true, value: value ?? null }),
    (e: unknown) => send({ kind: 'error', id: req.id, error: toErrorInfo(e) }),
  );
});

/** The parent is gone (closed or crashed): close the files cleanly and leave. */
function shutdown(code: number): void {
  if (exiting) return;
  exiting = true;
  const c = core;
  core = null;
  void (c ? c.stop() : Promise.resolve()).catch(() => undefined).finally(() => process.exit(code));
}

process.on('disconnect', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));
process.on('SIGINT', () => shutdown(0));

send({ kind: 'ready', pid: process.pid });
