/**
 * The local replica of the hub's state in the user's scope (ARCHITECTURE §2, §4). Every event carries
 * its entity's full state, so applying is an upsert guarded by version; a batch of events and
 * the new `lastSeq` are written in one transaction, so after a crash the replica is at some
 * seq exactly, never between two.
 */
import type { Camera, Case, HubEvent, Operation, Person, Position, Unit } from '../../../shared/protocol';
import { emptyEntities, type BatchEntities } from '../../../shared/bridge/batch';
import { CASE_FIELDS } from '../../../shared/bridge/contract';
import { asciiJson } from '../wire';
import type { TimelineEntry } from '../model';
import { openDatabase, type Db } from '../sqlite';
import { checksumOf, type Checksum, type Versioned } from './checksum';
import { REPLICA_MIGRATIONS } from './migrations';
import { CaseSearch } from './search';

/** Entities whose stored state changed, and ids that left the user's scope: a batch's entities (shared/bridge/batch.ts). */
export type ReplicaChanges = BatchEntities;

export interface SnapshotPage {
  cases: Case[];
  units: Unit[];
  cameras: Camera[];
  /** Absent from a hub without operations. */
  operations?: Operation[] | undefined;
}

/** Whether the entity in an event's state is in the user's scope (shared/domain/roles canSee). */
export type ScopeTest = (e: HubEvent) => boolean;

export const noChanges = (): ReplicaChanges => emptyEntities();

const META_LAST_SEQ = 'lastSeq';
/**
 * Whether the hub's kept unit tracks still have to be fetched into position_samples (issue 15):
 * unset → decide at the next catch-up (an empty table: 'pending'), 'pending' → fetch after each
 * connect until one succeeds, 'done'. A wipe starts over: the refilled scope gets its own day.
 */
export const META_TRACKS_BACKFILL = 'tracksBackfill';

export class Replica {
  readonly db: Db;
  private seq: number;
  private readonly searcher: CaseSearch;
  private readonly st;

  private constructor(db: Db) {
    this.db = db;
    this.searcher = new CaseSearch(db);
    this.st = {
      getMeta: db.prepare('SELECT value FROM meta WHERE key = ?').pluck(),
      setMeta: db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value'),
      delMeta: db.prepare('DELETE FROM meta WHERE key = ?'),
      // `>=`: an event that changes a case without a new version (a timer mark) is newer still;
      // events are applied in seq order, so an equal version from a later event wins.
      upsertCase: db.prepare(`
        INSERT INTO cases (id, version, status, subdistrict, urgency, updated_at, category, address, description, json)
        VALUES (@id, @version, @status, @subdistrict, @urgency, @updatedAt, @category, @address, @description, @json)
        ON CONFLICT(id) DO UPDATE SET version = excluded.version, status = excluded.status,
          subdistrict = excluded.subdistrict, urgency = excluded.urgency, updated_at = excluded.updated_at,
          category = excluded.category, address = excluded.address, description = excluded.description,
          json = excluded.json
        WHERE excluded.version >= cases.version`),
      upsertUnit: db.prepare(`
        INSERT INTO units (id, version, status, subdistrict, department, updated_at, json)
        VALUES (@id, @version, @status, @subdistrict, @department, @updatedAt, @json)
        ON CONFLICT(id) DO UPDATE SET version = excluded.version, status = excluded.status,
          subdistrict = excluded.subdistrict, department = excluded.department,
          updated_at = excluded.updated_at, json = excluded.json
        WHERE excluded.version >= units.version`),
      upsertCamera: db.prepare(`
        INSERT INTO cameras (id, version, status, subdistrict, updated_at, json)
        VALUES (@id, @version, @status, @subdistrict, @updatedAt, @json)
        ON CONFLICT(id) DO UPDATE SET version = excluded.version, status = excluded.status,
          subdistrict = excluded.subdistrict, updated_at = excluded.updated_at, json = excluded.json
        WHERE excluded.version >= cameras.version`),
      upsertOperation: db.prepare(`
        INSERT INTO operations (id, version, status, updated_at, json) VALUES (@id, @version, @status, @updatedAt, @json)
        ON CONFLICT(id) DO UPDATE SET version = excluded.version, status = excluded.status,
          updated_at = excluded.updated_at, json = excluded.json
        WHERE excluded.version >= operations.version`),
      insertCaseEvent: db.prepare(`
        INSERT OR IGNORE INTO case_events (seq, case_id, type, at, by, command_id, detail)
        VALUES (?, ?, ?, ?, ?, ?, ?)`),
      upsertPosition: db.prepare(`
        INSERT INTO positions (unit_id, lng, lat, heading, speed, at) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT(unit_id) DO UPDATE SET lng = excluded.lng, lat = excluded.lat,
          heading = excluded.heading, speed = excluded.speed, at = excluded.at
        WHERE excluded.at >= positions.at`),
      deleteCase: db.prepare('DELETE FROM cases WHERE id = ?'),
      deleteCaseEvents: db.prepare('DELETE FROM case_events WHERE case_id = ?'),
      deleteUnit: db.prepare('DELETE FROM units WHERE id = ?'),
      deleteCamera: db.prepare('DELETE FROM cameras WHERE id = ?'),
      deleteOperation: db.prepare('DELETE FROM operations WHERE id = ?'),
      caseById: db.prepare('SELECT json FROM cases WHERE id = ?').pluck(),
      timeline: db.prepare('SELECT * FROM case_events WHERE case_id = ? ORDER BY seq'),
      allCases: db.prepare('SELECT json FROM cases ORDER BY updated_at DESC').pluck(),
      // Each case as a JSON array of its values in CASE_FIELDS order, made by SQLite from the
      // stored JSON (in C: about half the time of parsing and re-encoding the rows in JS).
      allCaseRows: db.prepare(`SELECT json_array(${CASE_FIELDS.map((f) => `json -> '$.${f}'`).join(', ')}) FROM cases ORDER BY updated_at DESC`).pluck(),
      allUnits: db.prepare('SELECT json FROM units ORDER BY id').pluck(),
      allCameras: db.prepare('SELECT json FROM cameras ORDER BY id').pluck(),
      allOperations: db.prepare('SELECT json FROM operations ORDER BY updated_at DESC').pluck(),
      operationById: db.prepare('SELECT json FROM operations WHERE id = ?').pluck(),
      allPositions: db.prepare('SELECT * FROM positions'),
      allPeople: db.prepare('SELECT json FROM people ORDER BY id').pluck(),
      insertPerson: db.prepare('INSERT INTO people (id, json) VALUES (?, ?)'),
      deletePeople: db.prepare('DELETE FROM people'),
      versions: {
        cases: db.prepare('SELECT id, version FROM cases'),
        units: db.prepare('SELECT id, version FROM units'),
        cameras: db.prepare('SELECT id, version FROM cameras'),
        operations: db.prepare('SELECT id, version FROM operations'),
      },
    };
    this.seq = Number(this.st.getMeta.get(META_LAST_SEQ) ?? 0);
  }

  static open(file: string, nativeBinding?: string): Replica {
    // NORMAL: a commit lost on power failure is only a tail of events the hub sends again.
    return new Replica(openDatabase(file, { synchronous: 'NORMAL', migrations: REPLICA_MIGRATIONS, nativeBinding }));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** The highest hub seq this replica reflects (ARCHITECTURE §4). */
  get lastSeq(): number {
    return this.seq;
  }

  getMeta(key: string): string | null {
    return (this.st.getMeta.get(key) as string | undefined) ?? null;
  }

  setMeta(key: string, value: string | null): void {
    if (value === null) this.st.delMeta.run(key);
    else this.st.setMeta.run(key, value);
  }

  /**
   * Applies events in seq order and moves lastSeq to max(lastSeq, the events' seqs, `upTo`) —
   * all in one transaction. Events at or below lastSeq were applied before and are skipped, so
   * a batch received twice changes nothing.
   *
   * The hub also sends the event that takes an entity out of the user's scope (a case
   * dispatched away from a liaison's department), so that the replica learns it left: such an
   * entity is removed, with its timeline, as a fresh snapshot would not have it either.
   */
  applyEvents(events: readonly HubEvent[], upTo = 0, inScope?: ScopeTest): ReplicaChanges {
    const changes = noChanges();
    const sorted = isSorted(events) ? events : [...events].sort((a, b) => a.seq - b.seq);
    this.db.transaction(() => {
      let seq = this.seq;
      for (const e of sorted) {
        if (e.seq <= seq) continue;
        seq = e.seq;
        if (inScope && !inScope(e)) this.removeOne(e, changes);
        else this.applyOne(e, changes);
      }
      seq = Math.max(seq, upTo);
      if (seq !== this.seq) this.st.setMeta.run(META_LAST_SEQ, String(seq));
      // Assigned only once the statements ran: a throw rolls back the transaction and this.
      this.seq = seq;
    })();
    return changes;
  }

  private applyOne(e: HubEvent, changes: ReplicaChanges): void {
    // EventSchema has checked data.state against the entity's schema (its superRefine).
    switch (e.entity) {
      case 'case': {
        const c = e.data.state as Case;
        if (this.upsertCase(c)) changes.cases.push(c);
        this.st.insertCaseEvent.run(e.seq, e.id, e.type, e.at, e.data.by, e.data.commandId, JSON.stringify(e.data.detail));
        break;
      }
      case 'unit': {
        const u = e.data.state as Unit;
        if (this.upsertUnit(u)) changes.units.push(u);
        break;
      }
      case 'camera': {
        const c = e.data.state as Camera;
        if (this.upsertCamera(c)) changes.cameras.push(c);
        break;
      }
      case 'operation': {
        const o = e.data.state as Operation;
        if (this.st.upsertOperation.run({ id: o.id, version: o.version, status: o.status, updatedAt: o.updatedAt, json: JSON.stringify(o) }).changes > 0) changes.operations.push(o);
        break;
      }
    }
  }

  private removeOne(e: HubEvent, changes: ReplicaChanges): void {
    switch (e.entity) {
      case 'case':
        this.st.deleteCaseEvents.run(e.id);
        if (this.st.deleteCase.run(e.id).changes > 0) changes.removed.cases.push(e.id);
        break;
      case 'unit':
        if (this.st.deleteUnit.run(e.id).changes > 0) changes.removed.units.push(e.id);
        break;
      case 'camera':
        if (this.st.deleteCamera.run(e.id).changes > 0) changes.removed.cameras.push(e.id);
        break;
      case 'operation':
        if (this.st.deleteOperation.run(e.id).changes > 0) changes.removed.operations.push(e.id);
        break;
    }
  }

  private upsertCase(c: Case): boolean {
    return this.st.upsertCase.run({
      id: c.id, version: c.version, status: c.status, subdistrict: c.subdistrictCode, urgency: c.urgency,
      updatedAt: c.updatedAt, category: c.categoryCode, address: c.address, description: c.description,
      json: JSON.stringify(c),
    }).changes > 0;
  }

  private upsertUnit(u: Unit): boolean {
    return this.st.upsertUnit.run({
      id: u.id, version: u.version, status: u.status, subdistrict: u.subdistrictCode,
      department: u.departmentCode, updatedAt: u.updatedAt, json: JSON.stringify(u),
    }).changes > 0;
  }

  private upsertCamera(c: Camera): boolean {
    return this.st.upsertCamera.run({
      id: c.id, version: c.version, status: c.status, subdistrict: c.subdistrictCode,
      updatedAt: c.updatedAt, json: JSON.stringify(c),
    }).changes > 0;
  }

  /**
   * Starts receiving a snapshot. Pages are staged in temporary tables (a district's cases do
   * not have to fit in memory) and replace the replica only in `commit`, in one transaction.
   */
  beginSnapshot(): SnapshotWriter {
    return new SnapshotWriter(this, this.db);
  }

  /** @internal by SnapshotWriter: the swap from the staged pages, inside its transaction. */
  replaceFromStage(seq: number): void {
    // Row by row, the index triggers would first un-index every old case and then index every
    // new one; for a whole district it is several times faster to set the triggers aside and
    // rebuild the index once. The triggers are put back exactly as the schema has them.
    const triggers = this.db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'cases'`).all() as { name: string; sql: string }[];
    for (const t of triggers) this.db.exec(`DROP TRIGGER "${t.name.replace(/"/g, '""')}"`);
    // In SQL from the stage, so the pages never need to be in memory all at once.
    this.db.exec(`
      DELETE FROM cases; DELETE FROM units; DELETE FROM cameras; DELETE FROM operations;
      INSERT INTO cases (id, version, status, subdistrict, urgency, updated_at, category, address, description, json)
        SELECT id, json_extract(json, '$.version'), json_extract(json, '$.status'), json_extract(json, '$.subdistrictCode'),
          json_extract(json, '$.urgency'), json_extract(json, '$.updatedAt'), json_extract(json, '$.categoryCode'),
          json_extract(json, '$.address'), json_extract(json, '$.description'), json
        FROM temp.snapshot_stage WHERE kind = 'case' ORDER BY id;
      INSERT INTO units (id, version, status, subdistrict, department, updated_at, json)
        SELECT id, json_extract(json, '$.version'), json_extract(json, '$.status'), json_extract(json, '$.subdistrictCode'),
          json_extract(json, '$.departmentCode'), json_extract(json, '$.updatedAt'), json
        FROM temp.snapshot_stage WHERE kind = 'unit';
      INSERT INTO cameras (id, version, status, subdistrict, updated_at, json)
        SELECT id, json_extract(json, '$.version'), json_extract(json, '$.status'), json_extract(json, '$.subdistrictCode'),
          json_extract(json, '$.updatedAt'), json
        FROM temp.snapshot_stage WHERE kind = 'camera';
      INSERT INTO operations (id, version, status, updated_at, json)
        SELECT id, json_extract(json, '$.version'), json_extract(json, '$.status'), json_extract(json, '$.updatedAt'), json
        FROM temp.snapshot_stage WHERE kind = 'operation';
      INSERT INTO cases_fts(cases_fts) VALUES ('rebuild');
      -- Timelines of cases still in scope stay (history does not change); the rest go.
      DELETE FROM case_events WHERE case_id NOT IN (SELECT id FROM cases);
      DELETE FROM temp.snapshot_stage;
    `);
    for (const t of triggers) this.db.exec(t.sql);
    this.st.setMeta.run(META_LAST_SEQ, String(seq));
    this.seq = seq;
  }

  /**
   * Forgets everything: another hub or another user's scope. The people directory is the hub's,
   * not the scope's: it stays (replaced on the next fetch; `replacePeople([])` for another hub).
   */
  wipe(): void {
    this.db.transaction(() => {
      this.db.exec('DELETE FROM cases; DELETE FROM units; DELETE FROM cameras; DELETE FROM operations; DELETE FROM case_events; DELETE FROM positions; DELETE FROM position_samples;');
      this.st.delMeta.run(META_LAST_SEQ);
      this.st.delMeta.run(META_TRACKS_BACKFILL);
      this.seq = 0;
    })();
  }

  /** Latest-value positions, written in one transaction per flush. */
  savePositions(list: readonly Position[]): void {
    if (list.length === 0) return;
    this.db.transaction(() => {
      for (const p of list) this.st.upsertPosition.run(p.id, p.point[0], p.point[1], p.heading, p.speed, p.at);
    })();
  }

  positions(): Position[] {
    return (this.st.allPositions.all() as { unit_id: string; lng: number; lat: number; heading: number; speed: number; at: number }[])
      .map((r) => ({ id: r.unit_id, point: [r.lng, r.lat], heading: r.heading, speed: r.speed, at: r.at }));
  }

  cases(): Case[] {
    return (this.st.allCases.all() as string[]).map((j) => JSON.parse(j) as Case);
  }

  /**
   * The same cases as the snapshot's compact wire form (shared/bridge/contract.ts CaseRows) in
   * JSON text, all ASCII (see ../wire.ts): the rows are made by SQLite from the stored JSON of
   * each case (checked when it entered the replica), never parsed here (issue 5).
   */
  caseRowsJson(): string {
    return asciiJson(`{"fields":${JSON.stringify(CASE_FIELDS)},"rows":[${(this.st.allCaseRows.all() as string[]).join(',')}]}`);
  }

  units(): Unit[] {
    return (this.st.allUnits.all() as string[]).map((j) => JSON.parse(j) as Unit);
  }

  cameras(): Camera[] {
    return (this.st.allCameras.all() as string[]).map((j) => JSON.parse(j) as Camera);
  }

  /** The people directory as last fetched from the hub, by id. */
  people(): Person[] {
    return (this.st.allPeople.all() as string[]).map((j) => JSON.parse(j) as Person);
  }

  /** Replaces the people directory in one transaction; false when it was the same already. */
  replacePeople(list: readonly Person[]): boolean {
    const next = [...list].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const before = this.st.allPeople.all() as string[];
    const after = next.map((p) => JSON.stringify({ id: p.id, displayName: p.displayName, role: p.role, departmentCode: p.departmentCode }));
    if (before.length === after.length && before.every((j, i) => j === after[i])) return false;
    this.db.transaction(() => {
      this.st.deletePeople.run();
      const seen = new Set<string>();
      next.forEach((p, i) => {
        if (seen.has(p.id)) return;
        seen.add(p.id);
        this.st.insertPerson.run(p.id, after[i]);
      });
    })();
    return true;
  }

  /** Operations in scope, the latest changed first. */
  operations(): Operation[] {
    return (this.st.allOperations.all() as string[]).map((j) => JSON.parse(j) as Operation);
  }

  operationById(id: string): Operation | null {
    const j = this.st.operationById.get(id) as string | undefined;
    return j ? (JSON.parse(j) as Operation) : null;
  }

  caseById(id: string): Case | null {
    const j = this.st.caseById.get(id) as string | undefined;
    return j ? (JSON.parse(j) as Case) : null;
  }

  timeline(caseId: string): TimelineEntry[] {
    return (this.st.timeline.all(caseId) as { seq: number; case_id: string; type: string; at: number; by: string | null; command_id: string | null; detail: string }[])
      .map((r) => ({ seq: r.seq, caseId: r.case_id, type: r.type, at: r.at, by: r.by, commandId: r.command_id, detail: JSON.parse(r.detail) as Record<string, unknown> }));
  }

  search(q: string, limit = 50): Case[] {
    return this.searcher.run(q, { limit, shortTermCandidates: 20_000 }).map((j) => JSON.parse(j) as Case);
  }

  checksum(): Checksum {
    const read = (s: { all(): unknown[] }) => s.all() as Versioned[];
    // One read transaction: the kinds are of the same moment.
    return this.db.transaction(() => checksumOf({
      cases: read(this.st.versions.cases), units: read(this.st.versions.units), cameras: read(this.st.versions.cameras),
      operations: read(this.st.versions.operations),
    }))();
  }
}

/** Receives a snapshot's pages; `commit` swaps them in with the snapshot's seq. */
export class SnapshotWriter {
  private done = false;
  private readonly insert;

  constructor(private readonly replica: Replica, private readonly db: Db) {
    db.exec(`
      CREATE TEMP TABLE IF NOT EXISTS snapshot_stage (kind TEXT NOT NULL, id TEXT NOT NULL, json TEXT NOT NULL, PRIMARY KEY (kind, id));
      DELETE FROM temp.snapshot_stage;`);
    this.insert = db.prepare('INSERT OR REPLACE INTO temp.snapshot_stage (kind, id, json) VALUES (?, ?, ?)');
  }

  addPage(page: SnapshotPage): void {
    if (this.done) throw new Error('snapshot already committed or abandoned');
    this.db.transaction(() => {
      for (const c of page.cases) this.insert.run('case', c.id, JSON.stringify(c));
      for (const u of page.units) this.insert.run('unit', u.id, JSON.stringify(u));
      for (const c of page.cameras) this.insert.run('camera', c.id, JSON.stringify(c));
      for (const o of page.operations ?? []) this.insert.run('operation', o.id, JSON.stringify(o));
    })();
  }

  commit(seq: number): void {
    if (this.done) throw new Error('snapshot already committed or abandoned');
    this.done = true;
    this.db.transaction(() => this.replica.replaceFromStage(seq))();
  }

  abandon(): void {
    if (this.done) return;
    this.done = true;
    this.db.exec('DELETE FROM temp.snapshot_stage');
  }
}

function isSorted(events: readonly HubEvent[]): boolean {
  for (let i = 1; i < events.length; i++) if (events[i]!.seq < events[i - 1]!.seq) return false;
  return true;
}
