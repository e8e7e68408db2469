import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { CommandEnvelope, CommandResult } from '../../shared/protocol';
import { DomainError } from '../../shared/domain/errors';
import { OutboxStore } from '../../main/core/outbox/store';
import { OutboxSender, type CommandTransport } from '../../main/core/outbox/sender';
import type { Answer } from '../../main/core/model';

const report = (description: string) => ({
  source: 'officer', categoryCode: '010101', urgency: 'normal', point: [121.38, 31.11], address: '闵行区', description,
});

/** A hub on a string: records what was sent and answers when (and how) the test says. */
class FakeTransport implements CommandTransport {
  connected = true;
  sent: CommandEnvelope[] = [];
  private waiting: { env: CommandEnvelope; resolve(v: unknown): void; reject(e: Error): void }[] = [];

  sendCommand(env: CommandEnvelope): Promise<unknown> {
    if (!this.connected) return Promise.reject(new Error('not connected'));
    this.sent.push(env);
    return new Promise((resolve, reject) => this.waiting.push({ env, resolve, reject }));
  }

  get inFlight(): number {
    return this.waiting.length;
  }

  answerNext(make: (env: CommandEnvelope) => unknown = (env) => ok(env.commandId)): void {
    const w = this.waiting.shift();
    if (!w) throw new Error('nothing in flight');
    w.resolve(make(w.env));
  }

  failNext(message = 'operation has timed out'): void {
    const w = this.waiting.shift();
    if (!w) throw new Error('nothing in flight');
    w.reject(new Error(message));
  }
}

const ok = (commandId: string): CommandResult => ({ ok: true, commandId, entityId: 'C1', version: 1, seq: 1 });
const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));
async function until(cond: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await tick(2);
  }
}

let dir: string;
let file: string;
let store: OutboxStore;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'core-outbox-'));
  file = path.join(dir, 'outbox.sqlite');
  store = OutboxStore.open(file);
});

afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function sender(transport: CommandTransport, answers: Answer[] = [], opts: { maxUnreadable?: number } = {}) {
  return new OutboxSender(store, transport, {
    timeoutMs: 1000, backoff: { baseMs: 5, maxMs: 20, jitter: 0.5 }, maxUnreadable: opts.maxUnreadable,
    onAnswer: (a) => answers.push(a), onPendingChange: () => undefined,
  });
}

describe('outbox store', () => {
  it('is synchronous=FULL, apart from the replica', () => {
    expect(store.db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
  });

  it('writes the command to disk before anything is sent, and it survives a restart', () => {
    const cmd = store.enqueue('case.report', report('井盖缺失'), null);
    expect(cmd.commandId).toMatch(/^[0-9a-f-]{36}$/);
    // Another connection sees it at once: committed, not buffered.
    const raw = new Database(file, { readonly: true });
    const row = raw.prepare('SELECT command_id, type, state, attempts, payload FROM outbox').get() as { command_id: string; type: string; state: string; attempts: number; payload: string };
    raw.close();
    expect(row).toMatchObject({ command_id: cmd.commandId, type: 'case.report', state: 'pending', attempts: 0 });
    // The parsed payload (defaults filled) is what is stored and resent.
    expect(JSON.parse(row.payload)).toMatchObject({ description: '井盖缺失', attachments: [] });
    store.close();
    store = OutboxStore.open(file);
    expect(store.head()?.commandId).toBe(cmd.commandId);
  });

  it('refuses an invalid command with invalid_input and writes nothing', () => {
    const attempts: [string, unknown, number | null][] = [
      ['case.explode', {}, null],
      ['case.reject', { caseId: 'C1' }, 1], // reason missing
      ['case.report', { ...report('x'), point: [500, 31] }, null],
      ['case.register', { caseId: 'C1' }, 0], // versions start at 1
    ];
    for (const [type, payload, v] of attempts) {
      let err: unknown;
      try {
        store.enqueue(type, payload, v);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(DomainError);
      expect((err as DomainError).code).toBe('invalid_input');
      expect((err as DomainError).message.length).toBeGreaterThan(0);
    }
    expect(store.count()).toBe(0);
  });
});

describe('outbox sender', () => {
  it('sends in order, one at a time, and an answer removes the entry and is kept', async () => {
    const t = new FakeTransport();
    const answers: Answer[] = [];
    const s = sender(t, answers);
    const ids = ['一', '二', '三'].map((d) => store.enqueue('case.report', report(d), null).commandId);
    s.kick();
    await until(() => t.inFlight === 1);
    expect(t.sent.map((e) => e.commandId)).toEqual([ids[0]]);
    expect(store.get(ids[0]!)?.state).toBe('sent');
    t.answerNext();
    await until(() => t.inFlight === 1 && t.sent.length === 2);
    // A conflict is an answer too: it settles the command (the officer sees it).
    t.answerNext((env) => ({ ok: false, commandId: env.commandId, error: { code: 'conflict', message: 'stale' }, currentVersion: 3 }));
    await until(() => t.sent.length === 3);
    t.answerNext();
    await until(() => answers.length === 3);
    expect(t.sent.map((e) => e.commandId)).toEqual(ids);
    expect(answers.map((a) => a.commandId)).toEqual(ids);
    expect(answers[1]!.result).toMatchObject({ ok: false, error: { code: 'conflict' }, currentVersion: 3 });
    expect(store.count()).toBe(0);
    expect(store.answer(ids[1]!)?.result.ok).toBe(false);
    expect(store.recentAnswers().length).toBe(3);
    s.stop();
  });

  it('a locked outbox file pauses the sender, which resumes by itself once the file is free', async () => {
    const t = new FakeTransport();
    const answers: Answer[] = [];
    const s = sender(t, answers);
    const id = store.enqueue('case.report', report('锁'), null).commandId;
    // Another writer holds the file past busy_timeout: markSent throws SQLITE_BUSY.
    store.db.pragma('busy_timeout = 50');
    const other = new Database(file);
    other.exec('BEGIN EXCLUSIVE');
    s.kick();
    await tick(200);
    expect(t.sent).toEqual([]);
    other.exec('ROLLBACK');
    other.close();
    // No enqueue, no reconnect: the sender must come back on its own.
    await until(() => t.inFlight === 1, 3000);
    t.answerNext();
    await until(() => answers.length === 1);
    expect(answers[0]!.commandId).toBe(id);
    expect(store.count()).toBe(0);
    s.stop();
  });

  it('retries the same commandId after a timeout, keeping the order', async () => {
    const t = new FakeTransport();
    const answers: Answer[] = [];
    const s = sender(t, answers);
    const a = store.enqueue('case.report', report('a'), null).commandId;
    const b = store.enqueue('case.report', report('b'), null).commandId;
    s.kick();
    await until(() => t.inFlight === 1);
    t.failNext();
    await until(() => t.inFlight === 1 && t.sent.length === 2);
    expect(t.sent.map((e) => e.commandId)).toEqual([a, a]); // b waits behind a
    expect(store.get(a)).toMatchObject({ attempts: 2, lastError: 'operation has timed out' });
    t.answerNext();
    await until(() => t.sent.length === 3);
    t.answerNext();
    await until(() => answers.length === 2);
    expect(t.sent.map((e) => e.commandId)).toEqual([a, a, b]);
    s.stop();
  });

  it('waits while disconnected and resumes on kick after reconnect', async () => {
    const t = new FakeTransport();
    t.connected = false;
    const answers: Answer[] = [];
    const s = sender(t, answers);
    const a = store.enqueue('case.report', report('a'), null).commandId;
    s.kick();
    await tick(30);
    expect(t.sent).toEqual([]);
    expect(store.get(a)?.state).toBe('pending');
    t.connected = true;
    s.kick();
    await until(() => t.inFlight === 1);
    t.answerNext();
    await until(() => answers.length === 1);
    s.stop();
  });

  it('settles a command whose answers cannot be read, so it does not block the queue forever', async () => {
    const t = new FakeTransport();
    const answers: Answer[] = [];
    const s = sender(t, answers, { maxUnreadable: 2 });
    const a = store.enqueue('case.report', report('a'), null).commandId;
    s.kick();
    await until(() => t.inFlight === 1);
    t.answerNext(() => ({ nonsense: true }));
    await until(() => t.inFlight === 1 && t.sent.length === 2);
    t.answerNext(() => 'still nonsense');
    await until(() => answers.length === 1);
    expect(answers[0]).toMatchObject({ commandId: a, result: { ok: false, error: { code: 'internal' } } });
    expect(store.count()).toBe(0);
    s.stop();
  });
});

describe('acting twice in a row on the same case', () => {
  it('rebases the second action on the first one\'s answer, not a conflict with oneself', async () => {
    // Its own store, in the folder beforeEach made (and afterEach removes).
    const store = OutboxStore.open(path.join(dir, 'rebase.sqlite'));
    try {
      const a = store.enqueue('case.register', { caseId: 'C1' }, 1);
      const b = store.enqueue('case.dispatch', { caseId: 'C1', departments: ['greening'] }, 1);
      const other = store.enqueue('case.register', { caseId: 'C2' }, 1);
      store.settle(a.commandId, { ok: true, commandId: a.commandId, entityId: 'C1', version: 2, seq: 10 });
      expect(store.get(b.commandId)!.expectedVersion).toBe(2);
      expect(store.get(other.commandId)!.expectedVersion).toBe(1);
      // the window still shows version 1 when the officer acts a third time
      const c = store.enqueue('case.comment', { caseId: 'C1', text: '补充' }, 1);
      expect(c.expectedVersion).toBe(2);
      store.settle(b.commandId, { ok: true, commandId: b.commandId, entityId: 'C1', version: 3, seq: 11 });
      expect(store.get(c.commandId)!.expectedVersion).toBe(3);
      // a refusal rebases nothing
      const d = store.enqueue('case.accept', { caseId: 'C2' }, 1);
      store.settle(other.commandId, { ok: false, commandId: other.commandId, error: { code: 'conflict', message: 'x' }, currentVersion: 5 });
      expect(store.get(d.commandId)!.expectedVersion).toBe(1);
    } finally {
      store.close();
    }
  });
});
