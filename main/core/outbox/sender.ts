/**
 * Sends the outbox to the hub in order (FIFO), one command in flight: the officer's actions on
 * a case reach the hub in the order they were taken. On a timeout or a cut it tries the same
 * commandId again after a jittered backoff — the hub applies a commandId at most once and
 * answers a repeat with its first answer, so "at least once" here is "exactly once" there.
 */
import { CommandResultSchema, type CommandEnvelope, type CommandResult } from '../../../shared/protocol';
import { Backoff, cancellableDelay, DEFAULT_BACKOFF, type BackoffOptions } from '../backoff';
import type { Answer, PendingCommand } from '../model';
import type { OutboxStore } from './store';

/** The link to the hub, as the sender needs it (the SyncClient, or a fake in tests). */
export interface CommandTransport {
  /** Connected and authenticated: an emit now goes out now (not into socket.io's buffer). */
  readonly connected: boolean;
  /** Resolves with the hub's raw answer; rejects on timeout or disconnect. */
  sendCommand(envelope: CommandEnvelope, timeoutMs: number): Promise<unknown>;
}

/** Points where a fault test may stop the process; they do nothing unless a test sets them. */
export interface SenderHooks {
  afterSend?(commandId: string): void;
  beforeSettle?(commandId: string): void;
}

export interface SenderOptions {
  timeoutMs: number;
  backoff?: BackoffOptions;
  /** Unreadable answers in a row before the command is settled as failed, to unblock the queue. */
  maxUnreadable?: number;
  hooks?: SenderHooks;
  onAnswer(answer: Answer): void;
  onPendingChange(): void;
  log?(msg: string): void;
}

export class OutboxSender {
  private running = false;
  private stopped = false;
  private wait: { cancel(): void } | null = null;
  private readonly backoff: Backoff;
  private unreadable = 0;

  constructor(private readonly store: OutboxStore, private readonly transport: CommandTransport, private readonly opts: SenderOptions) {
    this.backoff = new Backoff(opts.backoff ?? DEFAULT_BACKOFF);
  }

  /** The link came (back) up: a backoff wait in progress ends now, and sending resumes. */
  linkUp(): void {
    this.wait?.cancel();
    this.kick();
  }

  /** Something to send: run the loop if it is not running (a backoff wait keeps its course). */
  kick(): void {
    if (this.stopped || this.running) return;
    this.running = true;
    this.loop()
      .catch((e: unknown) => {
        // A store closed under us at shutdown, or a disk error (locked, full): the commands stay
        // on disk. Try again after a backoff: nothing else would wake the sender while the link
        // stays up and the officer adds nothing (fault run: disk-lock on the outbox).
        if (this.stopped) return;
        this.opts.log?.(`outbox sender paused, will retry: ${e instanceof Error ? e.message : String(e)}`);
        const d = cancellableDelay(this.backoff.next());
        this.wait = d;
        void d.promise.then(() => {
          if (this.wait === d) this.wait = null;
          this.kick();
        });
      })
      .finally(() => {
        this.running = false;
      });
  }

  stop(): void {
    this.stopped = true;
    this.wait?.cancel();
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const head = this.store.head();
      if (!head || !this.transport.connected) return; // kick() again on enqueue or on connect
      const outcome = await this.sendOne(head);
      if (this.stopped) return;
      if (outcome !== 'retry') {
        this.backoff.reset();
        this.opts.onPendingChange();
        if (outcome) this.opts.onAnswer(outcome);
        continue;
      }
      this.opts.onPendingChange();
      if (!this.transport.connected) {
        // The socket is down: the next connect kicks us; no point counting down a backoff.
        this.backoff.reset();
        return;
      }
      const d = cancellableDelay(this.backoff.next());
      this.wait = d;
      await d.promise;
      this.wait = null;
    }
  }

  /** One try: the settled answer (null if it had been settled already), or 'retry'. */
  private async sendOne(cmd: PendingCommand): Promise<Answer | null | 'retry'> {
    this.store.markSent(cmd.commandId);
    const envelope: CommandEnvelope = { commandId: cmd.commandId, type: cmd.type, payload: cmd.payload, expectedVersion: cmd.expectedVersion };
    let raw: unknown;
    try {
      const p = this.transport.sendCommand(envelope, this.opts.timeoutMs);
      this.opts.hooks?.afterSend?.(cmd.commandId);
      raw = await p;
    } catch (e) {
      if (this.stopped) return 'retry';
      this.store.noteError(cmd.commandId, e instanceof Error ? e.message : String(e));
      return 'retry';
    }
    if (this.stopped) return 'retry';
    const parsed = CommandResultSchema.safeParse(raw);
    let result: CommandResult;
    if (parsed.success && parsed.data.commandId === cmd.commandId) {
      result = parsed.data;
      this.unreadable = 0;
      // The hub's store did not take it (nothing happened there): it stays queued, to go again.
      if (!result.ok && result.error.code === 'unavailable') {
        this.store.noteError(cmd.commandId, result.error.message);
        return 'retry';
      }
    } else {
      // A hub we cannot understand. Trying again is safe; but a command that never gets a
      // readable answer must not hold every later one back forever, so after a few tries it is
      // settled as failed — with a message the officer sees (errors are data).
      this.unreadable += 1;
      const why = parsed.success ? `answer for ${parsed.data.commandId}` : parsed.error.message;
      this.opts.log?.(`unreadable answer to ${cmd.commandId}: ${why.slice(0, 200)}`);
      this.store.noteError(cmd.commandId, 'unreadable answer from the hub');
      if (this.unreadable < (this.opts.maxUnreadable ?? 5)) return 'retry';
      this.unreadable = 0;
      result = { ok: false, commandId: cmd.commandId, error: { code: 'internal', message: 'the hub’s answer could not be read; check the case before acting again' } };
    }
    this.opts.hooks?.beforeSettle?.(cmd.commandId);
    return this.store.settle(cmd.commandId, result);
  }
}
