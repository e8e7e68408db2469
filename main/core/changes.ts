/**
 * Coalesces what changed into batches for the windows: at most one batch per interval (a frame,
 * 16 ms), each entity at its latest state only. A burst of a thousand events becomes one batch,
 * so a wall rendering at 60 fps never falls behind the log.
 */
import { BATCH_ENTITIES, emptyEntities, hasEntityChanges, type BatchEntities, type BatchEntity, type BatchEntityTypes } from '../../shared/bridge/batch';
import type { Person, Position } from '../../shared/protocol';
import type { Answer, ChangeBatch, ConnectionState, PendingCommand } from './model';

export class ChangeCoalescer {
  private reset = false;
  /** Latest state per id, and the ids that left the scope, of each kind (shared/bridge/batch.ts). */
  private readonly entities = Object.fromEntries(BATCH_ENTITIES.map((k) => [k, new Map()])) as { [K in BatchEntity]: Map<string, BatchEntityTypes[K]> };
  private readonly removed = Object.fromEntries(BATCH_ENTITIES.map((k) => [k, new Set()])) as Record<BatchEntity, Set<string>>;
  private readonly positions = new Map<string, Position>();
  private answers: Answer[] = [];
  private connection: ConnectionState | null = null;
  private pending: PendingCommand[] | null = null;
  private people: Person[] | null = null;
  private timer: NodeJS.Timeout | null = null;
  private lastEmit = 0;

  constructor(private readonly emit: (batch: ChangeBatch) => void, private readonly intervalMs = 16) {}

  /** Entities of one kind at their latest state; an upsert undoes an earlier removal in the same batch. */
  addEntities<K extends BatchEntity>(kind: K, list: readonly BatchEntityTypes[K][]): void {
    const map = this.entities[kind];
    for (const e of list) {
      map.set(e.id, e);
      this.removed[kind].delete(e.id);
    }
    this.schedule();
  }

  /** Ids gone from the scope; a later upsert in the same batch wins over the removal. */
  addRemoved(r: Partial<Record<BatchEntity, readonly string[]>>): void {
    for (const kind of BATCH_ENTITIES) {
      for (const id of r[kind] ?? []) {
        this.entities[kind].delete(id);
        this.removed[kind].add(id);
      }
    }
    this.schedule();
  }

  addPositions(list: readonly Position[]): void {
    for (const p of list) this.positions.set(p.id, p);
    this.schedule();
  }

  addAnswer(a: Answer): void {
    this.answers.push(a);
    this.schedule();
  }

  setConnection(c: ConnectionState): void {
    this.connection = c;
    this.schedule();
  }

  setPending(list: PendingCommand[]): void {
    this.pending = list;
    this.schedule();
  }

  /** The whole people directory, when it changed. */
  setPeople(list: Person[]): void {
    this.people = list;
    this.schedule();
  }

  /** The replica was replaced: entity deltas before it mean nothing; the windows re-read. */
  markReset(): void {
    this.reset = true;
    this.clearEntities();
    this.schedule();
  }

  private clearEntities(): void {
    for (const kind of BATCH_ENTITIES) {
      this.entities[kind].clear();
      this.removed[kind].clear();
    }
  }

  private schedule(): void {
    if (this.timer) return;
    const wait = Math.max(0, this.lastEmit + this.intervalMs - Date.now());
    this.timer = setTimeout(() => this.flush(), wait);
  }

  /** Emits what is waiting now (also used on stop, so nothing is left unsaid). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const entities = this.entityLists();
    const batch: ChangeBatch = {
      reset: this.reset,
      ...entities,
      positions: [...this.positions.values()],
      answers: this.answers,
      connection: this.connection,
      pending: this.pending,
      ...(this.people ? { people: this.people } : {}),
    };
    const empty = !batch.reset && !hasEntityChanges(entities) && !batch.positions.length
      && !batch.answers.length && !batch.connection && !batch.pending && !this.people;
    this.reset = false;
    this.clearEntities();
    this.positions.clear();
    this.answers = [];
    this.connection = null;
    this.pending = null;
    this.people = null;
    if (empty) return;
    this.lastEmit = Date.now();
    this.emit(batch);
  }

  /** What is waiting, each kind as a list. */
  private entityLists(): BatchEntities {
    const out = emptyEntities();
    for (const kind of BATCH_ENTITIES) {
      (out[kind] as BatchEntityTypes[typeof kind][]) = [...this.entities[kind].values()];
      out.removed[kind] = [...this.removed[kind]];
    }
    return out;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
