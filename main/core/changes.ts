/**
 * Coalesces what changed into batches for the windows: at most one batch per interval (a frame,
 * 16 ms), each entity at its latest state only. A burst of a thousand events becomes one batch,
 * so a wall rendering at 60 fps never falls behind the log.
 */
import type { Camera, Case, Operation, Person, Position, Unit } from '../../shared/protocol';
import type { Answer, ChangeBatch, ConnectionState, PendingCommand } from './model';

export class ChangeCoalescer {
  private reset = false;
  private readonly cases = new Map<string, Case>();
  private readonly units = new Map<string, Unit>();
  private readonly cameras = new Map<string, Camera>();
  private readonly operations = new Map<string, Operation>();
  private readonly positions = new Map<string, Position>();
  private readonly removed = { cases: new Set<string>(), units: new Set<string>(), cameras: new Set<string>(), operations: new Set<string>() };
  private answers: Answer[] = [];
  private connection: ConnectionState | null = null;
  private pending: PendingCommand[] | null = null;
  private people: Person[] | null = null;
  private timer: NodeJS.Timeout | null = null;
  private lastEmit = 0;

  constructor(private readonly emit: (batch: ChangeBatch) => void, private readonly intervalMs = 16) {}

  addCases(list: readonly Case[]): void {
    for (const c of list) {
      this.cases.set(c.id, c);
      this.removed.cases.delete(c.id);
    }
    this.schedule();
  }

  /** Ids gone from the scope; a later upsert in the same batch wins over the removal. */
  addRemoved(r: { cases: readonly string[]; units: readonly string[]; cameras: readonly string[]; operations?: readonly string[] }): void {
    for (const id of r.cases) {
      this.cases.delete(id);
      this.removed.cases.add(id);
    }
    for (const id of r.units) {
      this.units.delete(id);
      this.removed.units.add(id);
    }
    for (const id of r.cameras) {
      this.cameras.delete(id);
      this.removed.cameras.add(id);
    }
    for (const id of r.operations ?? []) {
      this.operations.delete(id);
      this.removed.operations.add(id);
    }
    this.schedule();
  }

  addUnits(list: readonly Unit[]): void {
    for (const u of list) {
      this.units.set(u.id, u);
      this.removed.units.delete(u.id);
    }
    this.schedule();
  }

  addCameras(list: readonly Camera[]): void {
    for (const c of list) {
      this.cameras.set(c.id, c);
      this.removed.cameras.delete(c.id);
    }
    this.schedule();
  }

  addOperations(list: readonly Operation[]): void {
    for (const o of list) {
      this.operations.set(o.id, o);
      this.removed.operations.delete(o.id);
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
    this.cases.clear();
    this.units.clear();
    this.cameras.clear();
    this.operations.clear();
    this.clearRemoved();
    this.schedule();
  }

  private clearRemoved(): void {
    this.removed.cases.clear();
    this.removed.units.clear();
    this.removed.cameras.clear();
    this.removed.operations.clear();
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
    const batch: ChangeBatch = {
      reset: this.reset,
      cases: [...this.cases.values()],
      units: [...this.units.values()],
      cameras: [...this.cameras.values()],
      operations: [...this.operations.values()],
      removed: { cases: [...this.removed.cases], units: [...this.removed.units], cameras: [...this.removed.cameras], operations: [...this.removed.operations] },
      positions: [...this.positions.values()],
      answers: this.answers,
      connection: this.connection,
      pending: this.pending,
      ...(this.people ? { people: this.people } : {}),
    };
    const r = batch.removed;
    const empty = !batch.reset && !batch.cases.length && !batch.units.length && !batch.cameras.length && !batch.positions.length
      && !r.cases.length && !r.units.length && !r.cameras.length && !this.operations.size && !this.removed.operations.size
      && !batch.answers.length && !batch.connection && !batch.pending && !this.people;
    this.reset = false;
    this.cases.clear();
    this.units.clear();
    this.cameras.clear();
    this.operations.clear();
    this.positions.clear();
    this.clearRemoved();
    this.answers = [];
    this.connection = null;
    this.pending = null;
    this.people = null;
    if (empty) return;
    this.lastEmit = Date.now();
    this.emit(batch);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
