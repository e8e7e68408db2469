/**
 * Marks cases "due soon" and "overdue" as events, so every replica and wall learns it at the
 * same moment. The marks are derived from the deadlines, never set by hand.
 *
 * Incremental: the watch remembers each open case's next mark time and rereads only the cases
 * changed since its last pass (cases_updated index), so a pass over a district with thousands
 * of open cases costs a map walk, not thousands of JSON parses — a month of history runs one
 * pass every few simulated minutes, and the live hub one every 30 s.
 */
import { DEFAULT_CASE_DUE_SOON, deadlineState } from '../../shared/domain/deadlines';
import type { Case } from '../../shared/protocol';
import type { HubCore, SystemBody } from '../core';
import { emitCase } from '../commands/cases';

const OPEN = ['reported', 'registered', 'returned', 'dispatched', 'accepted', 'reopened'];

/** The deadline that runs now for a case in this status, if any. */
export function runningDeadline(c: Pick<Case, 'status' | 'dispatchDue' | 'handlingDue'>): number | null {
  switch (c.status) {
    case 'reported': case 'registered': case 'returned': return c.dispatchDue;
    case 'dispatched': case 'accepted': case 'reopened': return c.handlingDue;
    default: return null; // resolved, closed, rejected; suspended pauses the clock
  }
}

function stageStart(c: Pick<Case, 'status' | 'reportedAt' | 'dispatchedAt'>): number {
  return c.status === 'dispatched' || c.status === 'accepted' || c.status === 'reopened' ? c.dispatchedAt ?? c.reportedAt : c.reportedAt;
}

/** The fields of a case its marks depend on. */
type Clock = Pick<Case, 'status' | 'reportedAt' | 'dispatchedAt' | 'dispatchDue' | 'handlingDue' | 'dueSoonAt' | 'overdueAt'>;

/** When the case's next mark falls due (due soon, then overdue), or null when it has none left. */
export function nextMarkAt(c: Clock): number | null {
  const due = runningDeadline(c);
  if (due === null || c.overdueAt !== null) return null;
  if (c.dueSoonAt !== null) return due + 1;
  // deadlineState's due-soon margin: the last fraction of the stage's window.
  const margin = DEFAULT_CASE_DUE_SOON.dueSoonFraction * Math.max(0, due - stageStart(c));
  return Math.min(due - margin, due + 1);
}

export class DeadlineWatch {
  /** Open cases with a mark still to come, and when to look at each again. */
  private readonly watched = new Map<string, number>();
  private since = -Infinity;
  private lastNow = -Infinity;
  private readonly changed;
  private readonly one;

  /**
   * `lagMs`: how far back each pass rereads changes. On a cluster the leader's view receives
   * other nodes' commits a little after their time was stamped (and their clocks differ a
   * little): a margin so none is missed.
   */
  constructor(private readonly core: HubCore, private readonly lagMs = 0) {
    // Only the clock's fields, picked out by SQLite (a month's passes reread ~300k changed cases).
    this.changed = core.db.prepare(`SELECT id, status, json_extract(state, '$.reportedAt', '$.dispatchedAt', '$.dispatchDue', '$.handlingDue', '$.dueSoonAt', '$.overdueAt') AS clock
      FROM cases WHERE updated_at >= ?`).raw();
    this.one = core.db.prepare('SELECT state FROM cases WHERE id = ?').pluck();
  }

  /** One pass at the hub's now, in the embedded store's own transactions (a generated history); returns how many cases were marked. */
  tick(): number {
    let marked = 0;
    for (const c of this.due()) {
      if (this.core.systemNow(...this.mark(c, this.lastNow)).length) marked++;
      this.rewatch(c.id);
    }
    return marked;
  }

  /** The same on either store, through the async path. */
  async tickAsync(): Promise<number> {
    let marked = 0;
    for (const c of this.due()) {
      if ((await this.core.system(...this.mark(c, this.lastNow))).length) marked++;
      this.rewatch(c.id);
    }
    return marked;
  }

  /** Cases whose mark may be due now (each is checked again inside its commit). */
  private due(): Case[] {
    const now = this.core.clock();
    // A clock set back (tests, a corrected system clock) could hide changes stamped before `since`: reread all.
    if (now < this.lastNow) {
      this.watched.clear();
      this.since = -Infinity;
    }
    this.lastNow = now;
    for (const [id, status, clock] of this.changed.all(this.since) as Array<[string, Case['status'], string]>) {
      if (!OPEN.includes(status)) {
        this.watched.delete(id);
        continue;
      }
      const [reportedAt, dispatchedAt, dispatchDue, handlingDue, dueSoonAt, overdueAt] = JSON.parse(clock) as [number, number | null, number, number | null, number | null, number | null];
      this.watch(id, { status, reportedAt, dispatchedAt, dispatchDue, handlingDue, dueSoonAt, overdueAt });
    }
    // Everything committed so far carries a time ≤ now; what commits later carries ≥ now.
    this.since = now - this.lagMs;
    const due: Case[] = [];
    for (const [id, at] of this.watched) {
      if (at > now) continue;
      const state = this.one.get(id) as string | undefined;
      if (!state) {
        this.watched.delete(id);
        continue;
      }
      const c = JSON.parse(state) as Case;
      if (this.markOf(c, now)) due.push(c);
      else this.watch(id, c);
    }
    return due;
  }

  private rewatch(id: string): void {
    const state = this.one.get(id) as string | undefined;
    if (state) this.watch(id, JSON.parse(state) as Case);
    else this.watched.delete(id);
  }

  private watch(id: string, c: Clock): void {
    const at = OPEN.includes(c.status) ? nextMarkAt(c) : null;
    if (at === null) this.watched.delete(id);
    else this.watched.set(id, at);
  }

  private markOf(c: Case, now: number): 'case.overdue' | 'case.dueSoon' | null {
    const due = runningDeadline(c);
    if (due === null) return null;
    const state = deadlineState(due, now, { ...DEFAULT_CASE_DUE_SOON, startedAt: stageStart(c) });
    return state === 'overdue' && c.overdueAt === null ? 'case.overdue' : state === 'due_soon' && c.dueSoonAt === null ? 'case.dueSoon' : null;
  }

  /** The system change that marks `c`: it rereads the case in its commit and does nothing if anything moved. */
  private mark(c: Case, now: number): [string, string, SystemBody] {
    const mark = this.markOf(c, now)!;
    const due = runningDeadline(c)!;
    return [mark, c.id, (ctx) => {
      const text = this.one.get(c.id) as string | undefined;
      if (!text) return null;
      const fresh = JSON.parse(text) as Case;
      // Same version and still unmarked: on a cluster another leader may have marked it already.
      if (fresh.version !== c.version || (mark === 'case.overdue' ? fresh.overdueAt !== null : fresh.dueSoonAt !== null)) return null;
      // A mark keeps the version: it must not turn an officer's pending action into a conflict.
      const next: Case = { ...fresh, updatedAt: ctx.now, ...(mark === 'case.overdue' ? { overdueAt: ctx.now, dueSoonAt: fresh.dueSoonAt ?? ctx.now } : { dueSoonAt: ctx.now }) };
      emitCase(ctx, mark, next, null, null, { due });
      return { before: fresh, after: next };
    }];
  }
}

/** On a cluster, how far back the leader rereads changed cases each pass (see DeadlineWatch). */
const CLUSTER_LAG_MS = 120_000;

export class DeadlineTimer {
  private readonly timer: NodeJS.Timeout;
  private watch: DeadlineWatch | null = null;
  private running = false;

  /** `active`: whether this node runs the timer now (the cluster's lease); a node that gains it starts from a full pass. */
  constructor(private readonly core: HubCore, intervalMs: number, private readonly active: () => boolean = () => true, private readonly log: (m: string) => void = () => {}) {
    this.timer = setInterval(() => void this.tick(), intervalMs);
    this.timer.unref();
  }

  /** One pass over the open cases; returns how many were marked. */
  async tick(): Promise<number> {
    if (!this.active()) {
      this.watch = null;
      return 0;
    }
    if (this.running) return 0;
    this.running = true;
    try {
      this.watch ??= new DeadlineWatch(this.core, this.core.shared ? CLUSTER_LAG_MS : 0);
      return await this.watch.tickAsync();
    } catch (e) {
      // The store was unavailable: the next pass tries again (marks are derived, nothing is lost).
      this.log(`deadline timer: ${e instanceof Error ? e.message : String(e)}`);
      this.watch = null;
      return 0;
    } finally {
      this.running = false;
    }
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
