/**
 * Exponential backoff with jitter. Many workstations lose the hub at the same moment (a network
 * cut of the whole center); without jitter they would all come back at the same instant.
 */
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  /** 0..1: the share of each delay that is random. */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 30_000, jitter: 0.5 };

export class Backoff {
  private attempt = 0;

  constructor(private readonly opts: BackoffOptions = DEFAULT_BACKOFF, private readonly random: () => number = Math.random) {}

  /** The delay before the next try; each call doubles the next one up to maxMs. */
  next(): number {
    const raw = Math.min(this.opts.maxMs, this.opts.baseMs * 2 ** Math.min(this.attempt, 30));
    this.attempt += 1;
    return Math.round(raw * (1 - this.opts.jitter) + raw * this.opts.jitter * this.random());
  }

  reset(): void {
    this.attempt = 0;
  }

  get attempts(): number {
    return this.attempt;
  }
}

/** A delay that `cancel()` ends early (resolving false), so stop() never waits out a backoff. */
export function cancellableDelay(ms: number): { promise: Promise<boolean>; cancel(): void } {
  let done!: (v: boolean) => void;
  const promise = new Promise<boolean>((r) => (done = r));
  const t = setTimeout(() => done(true), ms);
  return {
    promise,
    cancel() {
      clearTimeout(t);
      done(false);
    },
  };
}
