/**
 * The hub's SQLite file. As the embedded store it is the truth: WAL with synchronous=FULL
 * (ARCHITECTURE §7). As a cluster node's view it is derived from the shared log and rebuilt
 * from it when lost, so it spares the fsync of each commit (the log's is PostgreSQL's).
 */
import Database from 'better-sqlite3';
import { migrate } from './migrate';
import { HUB_MIGRATIONS } from './migrations';

export type Db = Database.Database;

export function openHubDb(file: string, role: 'truth' | 'view' = 'truth'): Db {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma(role === 'truth' ? 'synchronous = FULL' : 'synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  try {
    migrate(db, HUB_MIGRATIONS);
  } catch (e) {
    db.close();
    throw e;
  }
  return db;
}

const statements = new WeakMap<Db, Map<string, Database.Statement>>();

/**
 * The statement for `sql`, prepared once per database: command handlers run hundreds of
 * thousands of times in a generated month, and preparing costs more than running. Callers must
 * not change a cached statement's mode (pluck, raw, expand): prepare their own for that.
 */
export function prepared(db: Db, sql: string): Database.Statement {
  let byDb = statements.get(db);
  if (!byDb) statements.set(db, (byDb = new Map()));
  let st = byDb.get(sql);
  if (!st) byDb.set(sql, (st = db.prepare(sql)));
  return st;
}
