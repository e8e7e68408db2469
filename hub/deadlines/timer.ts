/**
 * Marks cases "due soon" and "overdue" as events, so every replica and wall learns it at the
 * same moment. The marks are derived from the deadlines, never set by hand.
 */
import { DEFAULT_CASE_DUE_SOON, deadlineState } from '../../shared/domain/deadlines';
import type { Case } from '../../shared/protocol';
import type { HubCore } from '../core';
import { emitCase } from '../commands/cases';

/** The deadline that runs now for a case in this status, if any. */
export function runningDeadline(c: Case): number | null {
  switch (c.status) {
    case 'reported': case 'registered': case 'returned': return c.dispatchDue;
    case 'dispatched': case 'accepted': case 'reopened': return c.handlingDue;
    default: return null; // resolved, closed, rejected; suspended pauses the clock
  }
}

export class DeadlineTimer {
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly core: HubCore, intervalMs: number) {
    this.timer = setInterval(() => this.tick(), intervalMs);
    this.timer.unref();
  }

  /** One pass over the open cases; returns how many were marked. */
  tick(): number {
    const now = this.core.clock();
    const rows = this.core.db.prepare(`SELECT state FROM cases WHERE status IN ('reported','registered','returned','dispatched','accepted','reopened')`).all() as { state: string }[];
    let marked = 0;
    for (const r of rows) {
      const c = JSON.parse(r.state) as Case;
      const due = runningDeadline(c);
      if (due === null) continue;
      const start = c.status === 'dispatched' || c.status === 'accepted' || c.status === 'reopened' ? c.dispatchedAt ?? c.reportedAt : c.reportedAt;
      const state = deadlineState(due, now, { ...DEFAULT_CASE_DUE_SOON, startedAt: start });
      const mark = state === 'overdue' && c.overdueAt === null ? 'case.overdue' : state === 'due_soon' && c.dueSoonAt === null ? 'case.dueSoon' : null;
      if (!mark) continue;
      this.core.system(mark, c.id, (ctx) => {
        const fresh = JSON.parse((ctx.db.prepare('SELECT state FROM cases WHERE id = ?').get(c.id) as { state: string }).state) as Case;
        if (fresh.version !== c.version) return null;
        // A mark keeps the version: it must not turn an officer's pending action into a conflict.
        const next: Case = { ...fresh, updatedAt: ctx.now, ...(mark === 'case.overdue' ? { overdueAt: ctx.now, dueSoonAt: fresh.dueSoonAt ?? ctx.now } : { dueSoonAt: ctx.now }) };
        emitCase(ctx, mark, next, null, null, { due });
        return { before: fresh, after: next };
      });
      marked++;
    }
    return marked;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
