/**
 * What the simulated district will do next, ordered by simulated time. One timer drains the
 * due part in a batch, so 3600× needs no thousands of timers; ties keep insertion order, so the
 * sequence does not depend on how the batches happen to fall.
 */
interface Entry<T> { at: number; n: number; item: T }

export class Agenda<T> {
  private heap: Entry<T>[] = [];
  private counter = 0;

  get size(): number {
    return this.heap.length;
  }

  add(at: number, item: T): void {
    this.heap.push({ at, n: this.counter++, item });
    this.up(this.heap.length - 1);
  }

  /** Time of the earliest entry, or Infinity. */
  peekAt(): number {
    return this.heap[0]?.at ?? Infinity;
  }

  /** The earliest entry if it is due by `now`. */
  popDue(now: number): { at: number; item: T } | null {
    const top = this.heap[0];
    if (!top || top.at > now) return null;
    const last = this.heap.pop()!;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      this.down(0);
    }
    return { at: top.at, item: top.item };
  }

  clear(): void {
    this.heap = [];
  }

  private less(a: Entry<T>, b: Entry<T>): boolean {
    return a.at < b.at || (a.at === b.at && a.n < b.n);
  }

  private up(i: number): void {
    const h = this.heap;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
      if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
      if (m === i) return;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }
}
