/**
 * A hub node of a cluster (ARCHITECTURE §2.4): its write path on the shared log and the tail
 * that brings other nodes' commits into its view.
 *
 * One write at a time per node (`exclusive`); across nodes the shared log's sequencer orders
 * them. A write opens a commit window (the sequencer held), applies what other nodes committed
 * since the view's head, runs the commands as a trial in the view, commits the trial's rows to
 * the shared store and only then applies them to the view and answers. A window that fails
 * (PostgreSQL down, the connection lost mid-commit) answers `unavailable`: the workstation's
 * outbox sends again, and a command that did commit is found by its id and answered the same.
 */
import type { HubCore, CommandItem, SystemBody } from '../core';
import { unavailable } from '../core';
import type { SharedStore, CommitWindow } from '../store/interface';
import type { CommandResult, HubEvent } from '../../shared/protocol';

/** Events read per round when the view catches up (the first start of a node reads the whole log). */
const TAIL_PAGE = 5000;
/** Commands in one commit window at most (a window holds the sequencer: every node waits on it). */
const GROUP_MAX = 500;

export class ClusterNode {
  private chain: Promise<unknown> = Promise.resolve();
  private stopOnCommit: (() => void) | null = null;
  private poll: NodeJS.Timeout | null = null;
  private tailQueued = false;
  private stopped = false;
  /** Why this node cannot serve: its view is ahead of the store (null while all is well). */
  diverged: string | null = null;

  constructor(private readonly core: HubCore, private readonly shared: SharedStore, readonly name: string) {}

  /** Runs `fn` after every earlier write or catch-up of this node has finished. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  /**
   * Group commit: batches that arrive while a commit is in flight wait together and go in the
   * next window as one trial and one transaction (one fsync on PostgreSQL for all of them);
   * each batch still gets its own answers, only after that commit.
   */
  applyBatch(items: readonly CommandItem[]): Promise<CommandResult[]> {
    return new Promise((resolve) => {
      this.waiting.push({ items, resolve });
      if (this.drainScheduled) return;
      this.drainScheduled = true;
      void this.exclusive(() => this.commitWaiting());
    });
  }

  private readonly waiting: Array<{ items: readonly CommandItem[]; resolve: (r: CommandResult[]) => void }> = [];
  private drainScheduled = false;

  private async commitWaiting(): Promise<void> {
    // Take what waits, up to a bound (a window held too long stalls every other node).
    let n = 0;
    let count = 0;
    while (n < this.waiting.length && (n === 0 || count + this.waiting[n]!.items.length <= GROUP_MAX)) count += this.waiting[n++]!.items.length;
    const group = this.waiting.splice(0, n);
    this.drainScheduled = false;
    if (this.waiting.length) {
      this.drainScheduled = true;
      void this.exclusive(() => this.commitWaiting());
    }
    const results = await this.commit(group.flatMap((g) => g.items));
    let k = 0;
    for (const g of group) {
      g.resolve(results.slice(k, k + g.items.length));
      k += g.items.length;
    }
  }

  private async commit(items: readonly CommandItem[]): Promise<CommandResult[]> {
    const ids = items.map((i) => (i.raw as { commandId?: unknown })?.commandId).filter((id): id is string => typeof id === 'string' && id.length > 0 && id.length <= 64);
    let window: CommitWindow;
    try {
      window = await this.shared.log.openCommit(this.core.log.headSeq, ids);
    } catch (e) {
      return unavailable(items, storeDown(e));
    }
    if (window.head < this.core.log.headSeq) {
      // Restored under a running node: its view holds events the store no longer has. It must
      // not guess; a restart rebuilds the view (view.ts). Until then it refuses, and says so.
      this.diverged = `the store's log is at seq ${window.head}, behind this node's view at ${this.core.log.headSeq} (restored?): restart this node to rebuild its view`;
      await window.abort().catch(() => undefined);
      return unavailable(items, this.diverged);
    }
    try {
      this.core.applyCommitted(window.missed);
      const { out, rows } = this.core.trial(window, () => this.core.applyBatchNow(items));
      if (rows.events.length || rows.answers.length) await window.commit(rows);
      else await window.abort();
      this.core.applyCommitted(rows.events);
      return out;
    } catch (e) {
      await window.abort().catch(() => undefined);
      return unavailable(items, storeDown(e));
    }
  }

  system(type: string, entityId: string | null, body: SystemBody): Promise<HubEvent[]> {
    return this.exclusive(async () => {
      const window = await this.shared.log.openCommit(this.core.log.headSeq, []);
      try {
        this.core.applyCommitted(window.missed);
        const { out, rows } = this.core.trial(window, () => this.core.systemNow(type, entityId, body));
        if (rows.events.length) await window.commit(rows);
        else await window.abort();
        const before = this.core.log.headSeq;
        this.core.applyCommitted(rows.events);
        // The events as committed (the trial's carried the same seqs, now durable).
        return out.filter((e) => e.seq > before);
      } catch (e) {
        await window.abort().catch(() => undefined);
        throw e;
      }
    });
  }

  /** Brings the view up to the shared log's head. */
  catchUp(): Promise<number> {
    return this.exclusive(async () => {
      let applied = 0;
      for (;;) {
        const rows = await this.shared.log.eventsAfter(this.core.log.headSeq, TAIL_PAGE);
        this.core.applyCommitted(rows);
        applied += rows.length;
        if (rows.length < TAIL_PAGE) return applied;
      }
    });
  }

  /** Follows the log: NOTIFY wakes it at once, the poll catches what a lost connection missed. */
  startTail(pollMs: number, log: (m: string) => void): void {
    const wake = () => {
      if (this.tailQueued || this.stopped) return;
      this.tailQueued = true;
      void this.catchUp()
        .catch((e: unknown) => log(`tail: ${storeDown(e)}`))
        .finally(() => {
          this.tailQueued = false;
        });
    };
    this.stopOnCommit = this.shared.log.onCommit(wake);
    this.poll = setInterval(wake, pollMs);
    this.poll.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stopOnCommit?.();
    if (this.poll) clearInterval(this.poll);
    await this.chain;
  }
}

function storeDown(e: unknown): string {
  return `the hub's store is unavailable: ${e instanceof Error ? e.message : String(e)}`;
}
