/**
 * What the fault run checks, read from the files themselves (the hub's SQLite store and each
 * core's outbox), not from what the processes say about themselves.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import Database from 'better-sqlite3';
import { verifyChain, type VerifyResult } from '../../hub/audit/chain';
import type { Db as HubDb } from '../../hub/store/db';
import { canSee, type Actor } from '../../shared/domain/roles';
import { operationDepartments } from '../../shared/domain/operations';
import type { Camera, Case, CommandResult, Operation, Unit, User } from '../../shared/protocol';
import { checksumOf, type Checksum, type Versioned } from '../../main/core/replica/checksum';
import { userFolder } from '../../main/core/core';

export function openReadonly(file: string): Database.Database {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  return db;
}

export function actorOf(user: User): Actor {
  return { userId: user.id, role: user.role, subdistricts: user.subdistricts, departmentCode: user.departmentCode ?? undefined };
}

/** The hub's state in `user`'s scope, fingerprinted like a replica (as test/integration/core-hub does). */
export function hubChecksum(db: Database.Database, user: User): Checksum {
  const s = hubScope(db, user);
  return checksumOf(s);
}

function hasTable(db: Database.Database, name: string): boolean {
  return db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(name) !== undefined;
}

/** The hub's entities `user` may see, filtered as the hub's snapshot filters them (hub/transport/sockets.ts). */
export function hubScope(db: Database.Database, user: User): { cases: Case[]; units: Unit[]; cameras: Camera[]; operations: Operation[] } {
  const actor = actorOf(user);
  const read = <T>(table: string): T[] => (db.prepare(`SELECT state FROM ${table}`).all() as { state: string }[]).map((r) => JSON.parse(r.state) as T);
  return {
    cases: read<Case>('cases').filter((c) => canSee(actor, { entity: 'case', subdistrict: c.subdistrictCode, owners: c.owners })),
    units: read<Unit>('units').filter((u) => canSee(actor, { entity: 'unit', subdistrict: u.subdistrictCode, owners: [u.departmentCode] })),
    cameras: read<Camera>('cameras').filter((c) => canSee(actor, { entity: 'camera', subdistrict: c.subdistrictCode, owners: [] })),
    operations: hasTable(db, 'operations') ? read<Operation>('operations').filter((o) => canSee(actor, { entity: 'operation', subdistrict: null, owners: operationDepartments(o) })) : [],
  };
}

/** id:version of the hub's entities in scope, for naming what differs when a checksum does. */
export function hubVersions(db: Database.Database, user: User): Map<string, number> {
  return versionsOf(hubScope(db, user));
}

export function versionsOf(s: { cases: Versioned[]; units: Versioned[]; cameras: Versioned[]; operations?: Versioned[] | undefined }): Map<string, number> {
  const out = new Map<string, number>();
  for (const [kind, list] of [['case', s.cases], ['unit', s.units], ['camera', s.cameras], ['operation', s.operations ?? []]] as const) {
    for (const x of list) out.set(`${kind} ${x.id}`, x.version);
  }
  return out;
}

export function diffVersions(hub: Map<string, number>, replica: Map<string, number>, max = 10): string[] {
  const out: string[] = [];
  for (const [k, v] of hub) if (replica.get(k) !== v) out.push(`${k}: hub v${v}, replica ${replica.has(k) ? `v${replica.get(k)}` : 'missing'}`);
  for (const [k, v] of replica) if (!hub.has(k)) out.push(`${k}: replica v${v}, not in the hub's scope`);
  return out.slice(0, max);
}

export function outboxFile(coreDataDir: string, username: string): string {
  return path.join(coreDataDir, userFolder(username), 'outbox.sqlite');
}

export function replicaFile(coreDataDir: string, username: string): string {
  return path.join(coreDataDir, userFolder(username), 'replica.sqlite');
}

export interface OutboxContents {
  pending: string[];
  answers: Map<string, CommandResult>;
}

export function readOutbox(file: string): OutboxContents {
  if (!fs.existsSync(file)) return { pending: [], answers: new Map() };
  const db = openReadonly(file);
  try {
    const pending = (db.prepare('SELECT command_id FROM outbox ORDER BY n').all() as { command_id: string }[]).map((r) => r.command_id);
    const answers = new Map((db.prepare('SELECT command_id, result FROM answers').all() as { command_id: string; result: string }[]).map((r) => [r.command_id, JSON.parse(r.result) as CommandResult]));
    return { pending, answers };
  } finally {
    db.close();
  }
}

export interface ExactlyOnceReport {
  actions: number;
  acknowledged: number;
  applied: number;
  refused: Record<string, number>;
  lost: number;
  duplicated: number;
  /** The core's answer is not the hub's kept first answer. */
  mismatched: number;
  examples: string[];
}

/**
 * Each action the cores took (enqueued: the core returned its commandId, or it is in the outbox's
 * tables), judged against the hub's `commands` table and the audit chain:
 *  - no answer at the end                        → lost
 *  - answered ok, but no audit entry / no row    → lost
 *  - more than one audit entry                   → duplicated
 *  - answer ≠ the hub's kept answer              → mismatched
 *  - refused, but an audit entry exists          → mismatched (applied while the officer was told no)
 */
function auditCounts(hubDb: Database.Database): Map<string, number> {
  const counts = new Map<string, number>();
  for (const [id, n] of hubDb.prepare('SELECT command_id, COUNT(*) FROM audit WHERE command_id IS NOT NULL GROUP BY command_id').raw(true).all() as Array<[string, number]>) counts.set(id, n);
  return counts;
}

export function exactlyOnce(hubDb: Database.Database, cores: Array<{ username: string; enqueued: Iterable<string>; outbox: OutboxContents }>): ExactlyOnceReport {
  // One pass over the audit (it has no index on command_id: a query per action scanned it 33,000 times).
  const applied = auditCounts(hubDb);
  const audit = { get: (id: string) => applied.get(id) ?? 0 };
  const kept = hubDb.prepare('SELECT result FROM commands WHERE command_id = ?').pluck();
  const r: ExactlyOnceReport = { actions: 0, acknowledged: 0, applied: 0, refused: {}, lost: 0, duplicated: 0, mismatched: 0, examples: [] };
  const note = (s: string): void => {
    if (r.examples.length < 20) r.examples.push(s);
  };
  for (const core of cores) {
    const ids = new Set<string>([...core.enqueued, ...core.outbox.pending, ...core.outbox.answers.keys()]);
    for (const id of ids) {
      r.actions++;
      const answer = core.outbox.answers.get(id);
      const times = audit.get(id) as number;
      const row = kept.get(id) as string | undefined;
      if (times > 1) {
        r.duplicated++;
        note(`${core.username} ${id}: applied ${times} times`);
      }
      if (!answer) {
        r.lost++;
        note(`${core.username} ${id}: no answer (${core.outbox.pending.includes(id) ? 'still in the outbox' : 'not in the outbox either'}; hub applied it ${times}×)`);
        continue;
      }
      r.acknowledged++;
      if (answer.ok) {
        r.applied++;
        if (times === 0 || !row) {
          r.lost++;
          note(`${core.username} ${id}: answered ok but the hub has ${times} audit entries and ${row ? 'a' : 'no'} kept answer`);
          continue;
        }
      } else {
        r.refused[answer.error.code] = (r.refused[answer.error.code] ?? 0) + 1;
        if (times > 0) {
          r.mismatched++;
          note(`${core.username} ${id}: refused (${answer.error.code}) but applied ${times}×`);
        }
      }
      if (row && !isDeepStrictEqual(JSON.parse(row), answer)) {
        r.mismatched++;
        note(`${core.username} ${id}: core answer ${JSON.stringify(answer).slice(0, 200)} ≠ hub's ${row.slice(0, 200)}`);
      }
    }
  }
  return r;
}

/** Commands sent straight to the hub (load drivers) that were acknowledged: each applied exactly once. */
export function driverExactlyOnce(hubDb: Database.Database, acked: ReadonlyMap<string, CommandResult>): { checked: number; lost: number; duplicated: number; examples: string[] } {
  // One pass over the audit (it has no index on command_id: a query per action scanned it 33,000 times).
  const applied = auditCounts(hubDb);
  const audit = { get: (id: string) => applied.get(id) ?? 0 };
  const out = { checked: 0, lost: 0, duplicated: 0, examples: [] as string[] };
  for (const [id, res] of acked) {
    if (!res.ok) continue;
    out.checked++;
    const n = audit.get(id) as number;
    if (n === 0) out.lost++;
    if (n > 1) out.duplicated++;
    if ((n !== 1) && out.examples.length < 10) out.examples.push(`driver ${id}: acknowledged ok, applied ${n}×`);
  }
  return out;
}

/** The log's seq is gap-free (no compaction runs in these tests): 1..head, each once. */
export function seqGaps(hubDb: Database.Database): number {
  const row = hubDb.prepare('SELECT COUNT(*) AS n, MIN(seq) AS lo, MAX(seq) AS hi FROM events').get() as { n: number; lo: number | null; hi: number | null };
  if (!row.n) return 0;
  return (row.hi! - row.lo! + 1) - row.n;
}

export function auditOf(hubDb: Database.Database): VerifyResult {
  return verifyChain(hubDb as unknown as HubDb);
}

/** What a run noticed: logged as it happens, the first 50 kept for the summary. */
export function findingsLog(log: (m: string) => void): { findings: string[]; finding(s: string): void } {
  const findings: string[] = [];
  return {
    findings,
    finding(s) {
      log(`FINDING ${s}`);
      if (findings.length < 50) findings.push(s);
    },
  };
}
