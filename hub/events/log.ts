/**
 * The authoritative event log. `seq` is gap-free: appends take the next numbers inside the
 * caller's transaction (`tentative`), and `headSeq` moves only once it has committed; a
 * rolled-back command or batch gives its numbers back (`rewind`, `rolledBack`).
 */
import type { Db } from '../store/db';
import { jsonOf } from '../store/json';
import type { EventRow } from '../store/interface';
import type { HubEvent, EntityKind } from '../../shared/protocol';
import { canSee, type Actor } from '../../shared/domain/roles';

export interface NewEvent {
  type: string;
  entity: EntityKind;
  id: string;
  subdistrict: string | null;
  owners: readonly string[];
  state: unknown;
  by: string | null;
  commandId: string | null;
  detail: Record<string, unknown>;
}

export interface Row { seq: number; at: number; type: string; entity: EntityKind; id: string; subdistrict: string | null; owners: string; data: string }

export class EventLog {
  private head: number;
  private tentative: number;
  private readonly insert;
  private readonly after;

  constructor(private readonly db: Db) {
    const meta = db.prepare(`SELECT value FROM meta WHERE key = 'head_seq'`).get() as { value: string } | undefined;
    const max = (db.prepare('SELECT MAX(seq) AS m FROM events').get() as { m: number | null }).m ?? 0;
    this.head = Math.max(Number(meta?.value ?? 0), max);
    this.tentative = this.head;
    this.insert = db.prepare('INSERT INTO events (seq, at, type, entity, id, subdistrict, owners, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    this.after = db.prepare('SELECT * FROM events WHERE seq > ? ORDER BY seq LIMIT ?');
  }

  get headSeq(): number {
    return this.head;
  }

  /** Appends inside an open transaction; returns the events as sent on the wire. */
  appendInTx(at: number, batch: readonly NewEvent[]): HubEvent[] {
    if (!this.db.inTransaction) throw new Error('EventLog.appendInTx needs an open transaction');
    return batch.map((e) => {
      const seq = ++this.tentative;
      const data = { state: e.state, by: e.by, commandId: e.commandId, detail: e.detail };
      // The same text JSON.stringify(data) gives, with the state's text made once (store/json.ts).
      const text = e.state === undefined || e.by === undefined || e.commandId === undefined || e.detail === undefined ? JSON.stringify(data)
        : `{"state":${jsonOf(e.state)},"by":${JSON.stringify(e.by)},"commandId":${JSON.stringify(e.commandId)},"detail":${JSON.stringify(e.detail)}}`;
      this.insert.run(seq, at, e.type, e.entity, e.id, e.subdistrict, JSON.stringify(e.owners), text);
      return { seq, at, type: e.type, entity: e.entity, id: e.id, data };
    });
  }

  /** Where the tentative head is now: a savepoint rolled back returns here. */
  mark(): number {
    return this.tentative;
  }

  rewind(mark: number): void {
    this.tentative = mark;
  }

  /** A cluster node applied committed events up to `seq` to its view. */
  advanceTo(seq: number): void {
    this.head = this.tentative = seq;
  }

  /** The enclosing transaction committed: its events are the log now. */
  committed(): void {
    this.head = this.tentative;
  }

  /** The enclosing transaction rolled back: none of its numbers were used. */
  rolledBack(): void {
    this.tentative = this.head;
  }

  /** Highest seq removed by compaction; catch-up from before it needs a snapshot. */
  compactedThrough(): number {
    const row = this.db.prepare(`SELECT value FROM meta WHERE key = 'compacted_through'`).get() as { value: string } | undefined;
    return Number(row?.value ?? 0);
  }

  /**
   * Events after `afterSeq` that `actor` may see, at most `limit`. `upTo` is the last seq
   * examined, so a scoped client can advance past events it may not see.
   */
  readAfter(afterSeq: number, limit: number, actor: Actor): { events: HubEvent[]; upTo: number } {
    const events: HubEvent[] = [];
    let cursor = afterSeq;
    const chunk = Math.max(limit, 500);
    while (events.length < limit) {
      const rows = this.after.all(cursor, chunk) as Row[];
      if (rows.length === 0) break;
      for (const r of rows) {
        cursor = r.seq;
        if (canSee(actor, { entity: r.entity, subdistrict: r.subdistrict, owners: JSON.parse(r.owners) as string[] })) {
          events.push(toEvent(r));
          if (events.length >= limit) break;
        }
      }
      if (rows.length < chunk) break;
    }
    // When nothing more is there, the client has seen everything up to head.
    const upTo = events.length < limit ? Math.max(cursor, this.head) : cursor;
    return { events, upTo };
  }

  /** Deletes events older than `before` (ms), never the newest one, and records the horizon. */
  compact(before: number): number {
    return this.db.transaction(() => {
      const row = this.db.prepare('SELECT MAX(seq) AS m FROM events WHERE at < ? AND seq < ?').get(before, this.head) as { m: number | null };
      if (!row.m) return 0;
      const { changes } = this.db.prepare('DELETE FROM events WHERE seq <= ?').run(row.m);
      this.db.prepare(`INSERT INTO meta (key, value) VALUES ('compacted_through', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`).run(String(row.m));
      this.db.prepare(`INSERT INTO meta (key, value) VALUES ('head_seq', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`).run(String(this.head));
      return changes;
    })();
  }
}

export function toEvent(r: Row | EventRow): HubEvent {
  return { seq: r.seq, at: r.at, type: r.type, entity: r.entity as EntityKind, id: r.id, data: JSON.parse(r.data) as HubEvent['data'] };
}
