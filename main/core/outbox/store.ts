/**
 * The durable outbox (ARCHITECTURE §4). `enqueue` commits the command with `synchronous=FULL` before it
 * returns its commandId — before anything is sent — so an action the officer took survives a
 * crash, a power cut and a restart; the hub's dedup by commandId makes resending it harmless.
 */
import { randomUUID } from 'node:crypto';
import { parseCommand, type CommandResult, type CommandType } from '../../../shared/protocol';
import { DomainError } from '../../../shared/domain/errors';
import type { Answer, PendingCommand } from '../model';
import { openDatabase, type Db } from '../sqlite';
import { OUTBOX_MIGRATIONS } from './migrations';

/** The entity a command acts on (the key for rebasing the officer's own consecutive actions). */
function targetOf(payload: unknown): string | undefined {
  const p = (payload ?? {}) as Record<string, unknown>;
  const t = p.caseId ?? p.unitId ?? p.cameraId ?? p.operationId;
  return typeof t === 'string' ? t : undefined;
}

interface OutboxRow {
  n: number;
  command_id: string;
  type: CommandType;
  payload: string;
  expected_version: number | null;
  created_at: number;
  attempts: number;
  state: 'pending' | 'sent';
  last_attempt_at: number | null;
  last_error: string | null;
}

interface AnswerRow { command_id: string; type: CommandType; result: string; created_at: number; answered_at: number }

/** Answers older than this are pruned on open: the windows need recent ones, the hub keeps all. */
const ANSWER_RETENTION_MS = 30 * 24 * 3600_000;

export class OutboxStore {
  readonly db: Db;
  private readonly st;
  /** entity@versionSeen → version after the officer's own change (this session; the outbox rows carry it durably). */
  private readonly ownChanges = new Map<string, number>();

  private constructor(db: Db, private readonly now: () => number) {
    this.db = db;
    this.st = {
      insert: db.prepare('INSERT INTO outbox (command_id, type, payload, expected_version, created_at) VALUES (?, ?, ?, ?, ?)'),
      head: db.prepare('SELECT * FROM outbox ORDER BY n LIMIT 1'),
      all: db.prepare('SELECT * FROM outbox ORDER BY n'),
      get: db.prepare('SELECT * FROM outbox WHERE command_id = ?'),
      count: db.prepare('SELECT COUNT(*) FROM outbox').pluck(),
      markSent: db.prepare(`UPDATE outbox SET state = 'sent', attempts = attempts + 1, last_attempt_at = ? WHERE command_id = ?`),
      markError: db.prepare('UPDATE outbox SET last_error = ? WHERE command_id = ?'),
      remove: db.prepare('DELETE FROM outbox WHERE command_id = ?'),
      rebase: db.prepare('UPDATE outbox SET expected_version = ? WHERE command_id = ?'),
      insertAnswer: db.prepare('INSERT OR IGNORE INTO answers (command_id, type, ok, result, created_at, answered_at) VALUES (?, ?, ?, ?, ?, ?)'),
      answer: db.prepare('SELECT * FROM answers WHERE command_id = ?'),
      recentAnswers: db.prepare('SELECT * FROM answers ORDER BY answered_at DESC LIMIT ?'),
      prune: db.prepare('DELETE FROM answers WHERE answered_at < ?'),
    };
    this.st.prune.run(this.now() - ANSWER_RETENTION_MS);
  }

  static open(file: string, now: () => number = Date.now, nativeBinding?: string): OutboxStore {
    return new OutboxStore(openDatabase(file, { synchronous: 'FULL', migrations: OUTBOX_MIGRATIONS, nativeBinding }), now);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /**
   * Checks the command against the protocol and writes it durably; returns once it is on disk.
   * Refuses bad input with `invalid_input` and writes nothing.
   */
  enqueue(type: string, payload: unknown, expectedVersion: number | null): PendingCommand {
    const commandId = randomUUID();
    const parsed = parseCommand({ commandId, type, payload, expectedVersion: this.rebased(payload, expectedVersion) });
    if (!parsed.ok) throw new DomainError('invalid_input', parsed.message);
    const c = parsed.command;
    const createdAt = this.now();
    // What is stored is the parsed payload (defaults filled in): the same bytes on every resend.
    this.st.insert.run(c.commandId, c.type, JSON.stringify(c.payload), c.expectedVersion, createdAt);
    return { commandId: c.commandId, type: c.type, payload: c.payload, expectedVersion: c.expectedVersion, createdAt, attempts: 0, state: 'pending', lastError: null };
  }

  /** The oldest command not yet answered: the next to send (FIFO). */
  head(): PendingCommand | null {
    const r = this.st.head.get() as OutboxRow | undefined;
    return r ? toPending(r) : null;
  }

  get(commandId: string): PendingCommand | null {
    const r = this.st.get.get(commandId) as OutboxRow | undefined;
    return r ? toPending(r) : null;
  }

  list(): PendingCommand[] {
    return (this.st.all.all() as OutboxRow[]).map(toPending);
  }

  count(): number {
    return this.st.count.get() as number;
  }

  /** Recorded before each send, so the windows can tell "waiting for the hub" from "not sent". */
  markSent(commandId: string): void {
    this.st.markSent.run(this.now(), commandId);
  }

  noteError(commandId: string, message: string): void {
    this.st.markError.run(message.slice(0, 500), commandId);
  }

  /**
   * The hub answered: the command leaves the queue and its answer is kept, in one transaction.
   * Returns null when the command had already been settled (a duplicate answer).
   */
  settle(commandId: string, result: CommandResult): Answer | null {
    return this.db.transaction((): Answer | null => {
      const r = this.st.get.get(commandId) as OutboxRow | undefined;
      if (!r) return null;
      const answeredAt = this.now();
      this.st.remove.run(commandId);
      this.st.insertAnswer.run(commandId, r.type, result.ok ? 1 : 0, JSON.stringify(result), r.created_at, answeredAt);
      if (result.ok && r.expected_version !== null) this.rebaseFollowers(result.entityId, r.expected_version, result.version);
      return { commandId, type: r.type, result, createdAt: r.created_at, answeredAt };
    })();
  }

  /**
   * The officer's next actions on the same entity were taken on the version they saw, before
   * this command's own change came back. They build on it, so they now expect the version it
   * produced: acting twice in a row is not a conflict with oneself, while a change by anyone
   * else in between still is. Same transaction as the answer, so a restart cannot lose it.
   */
  private rebaseFollowers(entityId: string, sawVersion: number, nowVersion: number): void {
    this.ownChanges.set(`${entityId}@${sawVersion}`, nowVersion);
    for (const row of this.st.all.all() as OutboxRow[]) {
      if (row.expected_version === sawVersion && targetOf(JSON.parse(row.payload)) === entityId) this.st.rebase.run(nowVersion, row.command_id);
    }
  }

  /**
   * An action taken on a version the officer's own answered command has already moved on
   * (the window had not yet seen that change): it builds on that change too.
   */
  private rebased(payload: unknown, expectedVersion: number | null): number | null {
    const target = targetOf(payload);
    let v = expectedVersion;
    for (let i = 0; v !== null && target && i < 100; i++) {
      const next = this.ownChanges.get(`${target}@${v}`);
      if (next === undefined) break;
      v = next;
    }
    return v;
  }

  answer(commandId: string): Answer | null {
    const r = this.st.answer.get(commandId) as AnswerRow | undefined;
    return r ? toAnswer(r) : null;
  }

  recentAnswers(limit = 100): Answer[] {
    return (this.st.recentAnswers.all(limit) as AnswerRow[]).map(toAnswer);
  }
}

function toPending(r: OutboxRow): PendingCommand {
  return {
    commandId: r.command_id, type: r.type, payload: JSON.parse(r.payload) as unknown, expectedVersion: r.expected_version,
    createdAt: r.created_at, attempts: r.attempts, state: r.state, lastError: r.last_error,
  };
}

function toAnswer(r: AnswerRow): Answer {
  return { commandId: r.command_id, type: r.type, result: JSON.parse(r.result) as CommandResult, createdAt: r.created_at, answeredAt: r.answered_at };
}
