/**
 * The hub's state machine without transport: store, event log, audit chain, users and the
 * command path. The socket server, the source endpoints, the deadline timer and the simulator
 * all change state through `apply` or `system`, and all hear about it through `onEvents`.
 */
import { randomUUID } from 'node:crypto';
import { openHubDb, type Db } from './store/db';
import { EventLog, type NewEvent } from './events/log';
import { AuditChain } from './audit/chain';
import { Users, type AuthOptions } from './auth/users';
import { createApplier, type Applier } from './commands/apply';
import type { CommandContext, Rules } from './commands/context';
import type { Actor } from '../shared/domain/roles';
import type { CommandResult, HubEvent } from '../shared/protocol';

export type EventListener = (events: readonly HubEvent[]) => void;

/** The hub itself acting (deadline timer, seeding): audited under this user id. */
export const SYSTEM_ACTOR: Actor = { userId: 'system', role: 'admin', subdistricts: [] };

export class HubCore {
  readonly db: Db;
  readonly log: EventLog;
  readonly audit: AuditChain;
  readonly users: Users;
  private readonly applier: Applier;
  private readonly listeners = new Set<EventListener>();
  /** Inside `bulk`: the events its commands made, published once the outer transaction commits. */
  private deferred: HubEvent[] | null = null;

  /** Whole milliseconds: the protocol's times are integers, whatever clock drives the hub (the simulator's is scaled). */
  readonly clock: () => number;

  constructor(file: string, readonly rules: Rules, auth: AuthOptions, clock: () => number = Date.now) {
    this.clock = () => Math.floor(clock());
    this.db = openHubDb(file);
    this.log = new EventLog(this.db);
    this.audit = new AuditChain(this.db);
    this.users = new Users(this.db, auth, this.clock);
    this.applier = createApplier(this.db, this.log, this.audit, rules, this.clock);
  }

  onEvents(l: EventListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  private publish(events: readonly HubEvent[]): void {
    if (events.length === 0) return;
    if (this.deferred) {
      for (const e of events) this.deferred.push(e);
      return;
    }
    for (const l of this.listeners) l(events);
  }

  /** A command or system change made its own transaction: the log and chain heads move now, unless a `bulk` commits them later. */
  private settled(): void {
    if (this.deferred) return;
    this.log.committed();
    this.audit.committed();
  }

  /**
   * Runs `fn` in one outer transaction: every command and system change inside becomes a
   * savepoint of it, so thousands share one commit (generating a month of history would
   * otherwise cost one fsync per command). Listeners hear the events, and the log's head moves,
   * only after the outer commit; a failure of the store inside aborts the whole bulk. Answers
   * returned inside are not yet durable: only for the hub's own bulk work (history), never for
   * an officer's command, which must be acknowledged after its commit.
   */
  bulk<T>(fn: () => T): T {
    if (this.deferred) return fn();
    const events: HubEvent[] = [];
    this.deferred = events;
    let out: T;
    try {
      out = this.db.transaction(fn)();
    } catch (e) {
      this.log.rolledBack();
      this.audit.rolledBack();
      throw e;
    } finally {
      this.deferred = null;
    }
    this.log.committed();
    this.audit.committed();
    this.publish(events);
    return out;
  }

  /** An officer's (or a source's) command: validated, permission-checked, applied at most once. */
  apply(actor: Actor, raw: unknown): CommandResult {
    return this.applyBatch([{ actor, raw }])[0]!;
  }

  /**
   * Group commit: commands that arrived together are applied in one transaction, each in its
   * own savepoint, so one fsync (synchronous=FULL) covers them all. The answers are returned
   * only after that commit, so an acknowledged command is on disk.
   */
  applyBatch(items: ReadonlyArray<{ actor: Actor; raw: unknown }>): CommandResult[] {
    let out: Array<{ result: CommandResult; events: HubEvent[] }>;
    try {
      const each = () => items.map((i) => this.applier.applyInTx(i.actor, i.raw));
      // Inside a bulk the outer transaction is already open, and each command has its own savepoint.
      out = this.deferred ? each() : this.db.transaction(each)();
    } catch (e) {
      // Inside a bulk the numbers before this batch are not committed yet: abort it all.
      if (this.deferred) throw e;
      // The commit itself failed (disk full, I/O error): nothing of the batch happened.
      this.log.rolledBack();
      this.audit.rolledBack();
      const message = `the hub could not store the change: ${(e as Error).message}`;
      return items.map((i) => ({ ok: false, commandId: String((i.raw as { commandId?: unknown })?.commandId ?? ''), error: { code: 'internal', message } }));
    }
    this.settled();
    this.publish(out.flatMap((o) => o.events));
    return out.map((o) => o.result);
  }

  /**
   * A change the hub makes by itself (deadline marks, seeding). Same transaction discipline
   * as a command: state, events and an audit entry together or not at all.
   */
  system(type: string, entityId: string | null, body: (ctx: CommandContext) => { before: unknown; after: unknown } | null): HubEvent[] {
    const now = this.clock();
    const pending: NewEvent[] = [];
    let events: HubEvent[];
    const mark = this.log.mark();
    let undoAudit: (() => void) | null = null;
    try {
      events = this.db.transaction(() => {
        const ctx: CommandContext = { db: this.db, now, rules: this.rules, emit: (e) => pending.push(e) };
        const r = body(ctx);
        if (!r || pending.length === 0) return [];
        const appended = this.log.appendInTx(now, pending);
        undoAudit = this.audit.appendInTx({ at: now, userId: SYSTEM_ACTOR.userId, commandId: `system-${randomUUID()}`, type, entityId, before: r.before, after: r.after });
        return appended;
      })();
    } catch (e) {
      // Alone, the transaction was all of it; inside a bulk only this savepoint rolled back.
      if (this.deferred) {
        (undoAudit as (() => void) | null)?.();
        this.log.rewind(mark);
      } else {
        this.log.rolledBack();
        this.audit.rolledBack();
      }
      throw e;
    }
    this.settled();
    this.publish(events);
    return events;
  }

  close(): void {
    this.listeners.clear();
    if (this.db.open) this.db.close();
  }
}
