/**
 * The entity rows of the store: one save per kind, used by the command handlers, the seed and a
 * cluster node's view when it applies events other nodes committed (ARCHITECTURE §2.4). A row is
 * its entity's state as JSON plus the columns the hub filters on, all derived from the state.
 */
import type { Db } from './db';
import { prepared } from './db';
import { jsonOf } from './json';
import { operationDepartments } from '../../shared/domain/operations';
import type { Camera, Case, EntityKind, Operation, Unit } from '../../shared/protocol';

export function saveCase(db: Db, c: Case): void {
  prepared(db, `INSERT INTO cases (id, version, status, subdistrict, owners, external_ref, updated_at, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT(id) DO UPDATE SET version = excluded.version, status = excluded.status, subdistrict = excluded.subdistrict,
    owners = excluded.owners, external_ref = excluded.external_ref, updated_at = excluded.updated_at, state = excluded.state`)
    .run(c.id, c.version, c.status, c.subdistrictCode, JSON.stringify(c.owners), c.externalRef, c.updatedAt, jsonOf(c));
}

export function saveOperation(db: Db, op: Operation): void {
  prepared(db, `INSERT INTO operations (id, version, status, plan_id, departments, updated_at, state) VALUES (?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT(id) DO UPDATE SET version = excluded.version, status = excluded.status, departments = excluded.departments,
    updated_at = excluded.updated_at, state = excluded.state`)
    .run(op.id, op.version, op.status, op.planId, JSON.stringify(operationDepartments(op)), op.updatedAt, jsonOf(op));
}

export function saveUnit(db: Db, u: Unit): void {
  prepared(db, `INSERT INTO units (id, version, subdistrict, state) VALUES (?, ?, ?, ?)
    ON CONFLICT(id) DO UPDATE SET version = excluded.version, subdistrict = excluded.subdistrict, state = excluded.state`)
    .run(u.id, u.version, u.subdistrictCode, jsonOf(u));
}

export function saveCamera(db: Db, c: Camera): void {
  prepared(db, `INSERT INTO cameras (id, version, subdistrict, state) VALUES (?, ?, ?, ?)
    ON CONFLICT(id) DO UPDATE SET version = excluded.version, subdistrict = excluded.subdistrict, state = excluded.state`)
    .run(c.id, c.version, c.subdistrictCode, jsonOf(c));
}

/** The row an event's state makes (every event carries its entity's whole state). */
export function saveState(db: Db, entity: EntityKind, state: unknown): void {
  switch (entity) {
    case 'case': return saveCase(db, state as Case);
    case 'operation': return saveOperation(db, state as Operation);
    case 'unit': return saveUnit(db, state as Unit);
    case 'camera': return saveCamera(db, state as Camera);
  }
}

/**
 * The next number of a daily series (`MH20261207` → `MH2026120700042`): one more than the
 * highest id of the day in the table, so a node's view that only replays events counts right.
 */
export function nextDailyNumber(db: Db, table: 'cases' | 'operations', prefix: string): number {
  const last = prepared(db, `SELECT id FROM ${table} WHERE id >= ? AND id < ? ORDER BY id DESC LIMIT 1`).get(prefix, `${prefix}\uffff`) as { id: string } | undefined;
  const n = last ? Number(last.id.slice(prefix.length)) : 0;
  return (Number.isFinite(n) ? n : 0) + 1;
}
