/**
 * The hub's state machine without transport: store, event log, audit chain, users and the
 * command path. The socket server, the source endpoints, the deadline timer and the simulator
 * all change state through `apply` or `system`, and all hear about it through `onEvents`.
 *
 * Two stores (ARCHITECTURE §2.4). Embedded: `db` is the truth, and a command runs in its
 * transaction from start to commit without leaving the event loop (`applyNow`). Shared: `db` is
 * this node's view of a PostgreSQL log; a command runs as a trial in the view, holding the
 * log's sequencer, and what it wrote is committed to PostgreSQL and then applied to the view
 * like any other node's commit (`hub/cluster/node.ts`).
 */
import { randomUUID } from 'node:crypto';
import { openHubDb, prepared, type Db } from './store/db';
import { EventLog, toEvent, type NewEvent } from './events/log';
import { AuditChain } from './audit/chain';
import { Users, type AuthOptions } from './auth/users';
import { createApplier, type Applier } from './commands/apply';
import type { CommandContext, Rules } from './commands/context';
import { saveState } from './store/entities';
import { sqliteAccounts, sqliteSourceKeys } from './store/sqlite/accounts';
import type { AnswerRow, AuditRow, EventRow, SharedStore, SourceKeyStore } from './store/interface';
import { ClusterNode } from './cluster/node';
import type { Actor } from '../shared/domain/roles';
import type { CommandResult, EntityKind, HubEvent } from '../shared/protocol';

export type EventListener = (events: readonly HubEvent[]) => void;
export type SystemBody = (ctx: CommandContext) => { before: unknown; after: unknown } | null;
export interface CommandItem { actor: Actor; raw: unknown }

/** The hub itself acting (deadline timer, seeding): audited under this user id. */
export const SYSTEM_ACTOR: Actor = { userId: 'system', role: 'admin', subdistricts: [] };

/** What a trial wrote: the rows a shared store commits. */
export interface TrialRows { events: EventRow[]; audit: AuditRow[]; answers: AnswerRow[] }

const ROLLBACK = Symbol('trial');

export class HubCore {
  readonly db: Db;
  readonly log: EventLog;
  readonly audit: AuditChain;
  readonly users: Users;
  readonly sourceKeys: SourceKeyStore;
  /** Made once per store; every node of a cluster reports the same (clients keep their replica across nodes of one log). */
  readonly logId: string;
  private readonly applier: Applier;
  private readonly listeners = new Set<EventListener>();
  /** Inside `bulk` or a trial: the events its commands made, published once the outer transaction commits. */
  private deferred: HubEvent[] | null = null;
  private inTrial = false;
  /** The cluster's write path; null on the embedded store. */
  readonly cluster: ClusterNode | null;

  /** Whole milliseconds: the protocol's times are integers, whatever clock drives the hub (the simulator's is scaled). */
  readonly clock: () => number;

  constructor(file: string, readonly rules: Rules, auth: AuthOptions, clock: () => number = Date.now, readonly shared: SharedStore | null = null, node = 'hub') {
    this.clock = () => Math.floor(clock());
    this.db = openHubDb(file, shared ? 'view' : 'truth');
    this.log = new EventLog(this.db);
    this.audit = new AuditChain(this.db);
    this.users = new Users(shared ? shared.accounts : sqliteAccounts(this.db), auth, this.clock);
    this.sourceKeys = shared ? shared.sourceKeys : sqliteSourceKeys(this.db);
    this.logId = shared ? shared.log.logId : ownLogId(this.db);
    this.applier = createApplier(this.db, this.log, this.audit, rules, this.clock);
    this.cluster = shared ? new ClusterNode(this, shared, node) : null;
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

  private embeddedOnly(what: string): void {
    if (this.shared && !this.inTrial) throw new Error(`${what} runs only on the embedded store; use the async path on a shared store`);
  }

  // ── The async path: both stores ──────────────────────────────────────────────────────────

  /** An officer's (or a source's) command: validated, permission-checked, applied at most once. */
  async apply(actor: Actor, raw: unknown): Promise<CommandResult> {
    return (await this.applyBatch([{ actor, raw }]))[0]!;
  }

  /** Commands that arrived together, in one commit; each answer only after that commit. */
  applyBatch(items: readonly CommandItem[]): Promise<CommandResult[]> {
    return this.cluster ? this.cluster.applyBatch(items) : Promise.resolve(this.applyBatchNow(items));
  }

  /** A change the hub makes by itself (deadline marks, seeding): see `systemNow`. */
  system(type: string, entityId: string | null, body: SystemBody): Promise<HubEvent[]> {
    return this.cluster ? this.cluster.system(type, entityId, body) : Promise.resolve(this.systemNow(type, entityId, body));
  }

  /** Which of these command ids already have an answer. */
  async answered(ids: readonly string[]): Promise<Set<string>> {
    if (this.shared) return this.shared.log.answered(ids);
    return this.answeredNow(ids);
  }

  /** `answered` on the embedded store, without yielding. */
  answeredNow(ids: readonly string[]): Set<string> {
    this.embeddedOnly('answeredNow');
    const one = prepared(this.db, 'SELECT 1 FROM commands WHERE command_id = ?');
    return new Set(ids.filter((id) => one.get(id) !== undefined));
  }

  // ── The embedded store's synchronous path (and a cluster trial's) ───────────────────────

  /**
   * Runs `fn` in one outer transaction: every command and system change inside becomes a
   * savepoint of it, so thousands share one commit (generating a month of history would
   * otherwise cost one fsync per command). Listeners hear the events, and the log's head moves,
   * only after the outer commit; a failure of the store inside aborts the whole bulk. Answers
   * returned inside are not yet durable: only for the hub's own bulk work (history), never for
   * an officer's command, which must be acknowledged after its commit.
   */
  bulk<T>(fn: () => T): T {
    this.embeddedOnly('bulk');
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

  applyNow(actor: Actor, raw: unknown): CommandResult {
    return this.applyBatchNow([{ actor, raw }])[0]!;
  }

  /**
   * Group commit: commands that arrived together are applied in one transaction, each in its
   * own savepoint, so one fsync (synchronous=FULL) covers them all. The answers are returned
   * only after that commit, so an acknowledged command is on disk.
   */
  applyBatchNow(items: readonly CommandItem[]): CommandResult[] {
    this.embeddedOnly('applyBatchNow');
    let out: Array<{ result: CommandResult; events: HubEvent[] }>;
    try {
      const each = () => items.map((i) => this.applier.applyInTx(i.actor, i.raw));
      // Inside a bulk the outer transaction is already open, and each command has its own savepoint.
      out = this.deferred ? each() : this.db.transaction(each)();
    } catch (e) {
      // Inside a bulk the numbers before this batch are not committed yet: abort it all.
      if (this.deferred) throw e;
      // The commit itself failed (disk full, I/O error): nothing of the batch happened, and the
      // workstation's outbox keeps the command to send again.
      this.log.rolledBack();
      this.audit.rolledBack();
      return unavailable(items, `the hub could not store the change: ${(e as Error).message}`);
    }
    this.settled();
    this.publish(out.flatMap((o) => o.events));
    return out.map((o) => o.result);
  }

  /**
   * A change the hub makes by itself (deadline marks, seeding). Same transaction discipline
   * as a command: state, events and an audit entry together or not at all.
   */
  systemNow(type: string, entityId: string | null, body: SystemBody): HubEvent[] {
    this.embeddedOnly('systemNow');
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

  // ── A cluster node's view ────────────────────────────────────────────────────────────────

  /**
   * Runs `fn` (the synchronous path above) in a transaction of the view that is always rolled
   * back, and returns what it wrote: the rows to commit to the shared log. The view holds no
   * answers or audit entries of its own, so the window's known answers are put in for the
   * applier to find, and the chain continues from the shared store's last link.
   */
  trial<T>(window: { head: number; audit: { n: number; hash: string }; answers: Map<string, string> }, fn: () => T): { out: T; rows: TrialRows } {
    if (this.log.headSeq !== window.head) throw new Error(`the view is at seq ${this.log.headSeq}, the log at ${window.head}`);
    let result: { out: T; rows: TrialRows } | null = null;
    this.inTrial = true;
    this.deferred = [];
    this.audit.startFrom(window.audit);
    try {
      this.db.transaction(() => {
        for (const [id, text] of window.answers) prepared(this.db, `INSERT INTO commands (command_id, user_id, type, at, result) VALUES (?, '', '', 0, ?)`).run(id, text);
        const out = fn();
        const answers = (prepared(this.db, 'SELECT * FROM commands').all() as AnswerRow[]).filter((a) => !window.answers.has(a.command_id));
        const rows: TrialRows = {
          events: prepared(this.db, 'SELECT * FROM events WHERE seq > ? ORDER BY seq').all(window.head) as EventRow[],
          audit: prepared(this.db, 'SELECT * FROM audit ORDER BY n').all() as AuditRow[],
          answers,
        };
        result = { out, rows };
        throw ROLLBACK;
      })();
    } catch (e) {
      if (e !== ROLLBACK) throw e;
    } finally {
      this.inTrial = false;
      this.deferred = null;
      this.log.rolledBack();
      this.audit.rolledBack();
    }
    return result!;
  }

  /** Committed events of the shared log, in order from the view's head: into the view, then to listeners. */
  applyCommitted(rows: readonly EventRow[]): void {
    const fresh = rows.filter((r) => r.seq > this.log.headSeq);
    if (fresh.length === 0) return;
    if (fresh[0]!.seq !== this.log.headSeq + 1) throw new Error(`the log continues at ${fresh[0]!.seq}, the view is at ${this.log.headSeq}`);
    const events = fresh.map(toEvent);
    this.db.transaction(() => {
      const insert = prepared(this.db, 'INSERT INTO events (seq, at, type, entity, id, subdistrict, owners, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
      fresh.forEach((r, i) => {
        insert.run(r.seq, r.at, r.type, r.entity, r.id, r.subdistrict, r.owners, r.data);
        saveState(this.db, r.entity as EntityKind, events[i]!.data.state);
      });
    })();
    this.log.advanceTo(fresh[fresh.length - 1]!.seq);
    this.publish(events);
  }

  /**
   * A view that starts behind the shared log's compaction horizon: every entity's state as of
   * `head`, in place of the events it can no longer read. Its own log then begins after `head`
   * (a client from before it gets a snapshot, as on a compacted embedded store).
   */
  loadSnapshot(head: number, rows: ReadonlyArray<{ entity: string; state: string }>): void {
    if (head <= this.log.headSeq) return;
    this.db.transaction(() => {
      for (const r of rows) saveState(this.db, r.entity as EntityKind, JSON.parse(r.state));
      const meta = prepared(this.db, `INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`);
      meta.run('compacted_through', String(head));
      meta.run('head_seq', String(head));
    })();
    this.log.advanceTo(head);
  }

  /** Closes at once on the embedded store; a cluster node first stops its tail and lease. */
  close(): Promise<void> {
    this.listeners.clear();
    const closeDb = () => {
      if (this.db.open) this.db.close();
    };
    if (!this.cluster) return Promise.resolve(closeDb());
    return this.cluster.stop().then(closeDb);
  }
}

/** The answers of a batch the store did not take: the outbox keeps the commands and sends them again. */
export function unavailable(items: readonly CommandItem[], message: string): CommandResult[] {
  return items.map((i) => ({ ok: false, commandId: String((i.raw as { commandId?: unknown })?.commandId ?? '').slice(0, 64), error: { code: 'unavailable', message } }));
}

function ownLogId(db: Db): string {
  prepared(db, `INSERT INTO meta (key, value) VALUES ('log_id', ?) ON CONFLICT(key) DO NOTHING`).run(randomUUID());
  return (prepared(db, `SELECT value FROM meta WHERE key = 'log_id'`).get() as { value: string }).value;
}
