/**
 * Opening the core's SQLite files (ARCHITECTURE §7): better-sqlite3, WAL, numbered migrations tracked
 * in `PRAGMA user_version`. The replica can afford `synchronous=NORMAL` (a lost tail is fetched
 * again from the hub); the outbox cannot (a lost command is an officer's action gone), so FULL.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';

export type Db = Database.Database;

export interface Migration {
  /** 1, 2, 3 … in file order; the runner applies those above the file's user_version. */
  version: number;
  name: string;
  up(db: Db): void;
}

export interface OpenOptions {
  synchronous: 'NORMAL' | 'FULL';
  migrations: readonly Migration[];
  /** Path of a better-sqlite3 addon built for another runtime (Electron); default: Node's. */
  nativeBinding?: string | undefined;
}

export function openDatabase(file: string, opts: OpenOptions): Db {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file, opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {});
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${opts.synchronous}`);
  db.pragma('foreign_keys = ON');
  // A second connection (a test, a checker) may read while we write: wait instead of failing.
  db.pragma('busy_timeout = 5000');
  migrate(db, opts.migrations);
  return db;
}

/** Applies pending migrations, each in its own transaction together with its user_version. */
export function migrate(db: Db, migrations: readonly Migration[]): number {
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  sorted.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration ${m.name} has version ${m.version}, expected ${i + 1}`);
  });
  const current = db.pragma('user_version', { simple: true }) as number;
  const newest = sorted.length;
  if (current > newest) {
    // A newer build wrote this file; running old code on it could corrupt what it does not know.
    throw new Error(`database ${db.name} is at schema ${current}, this build knows up to ${newest}`);
  }
  for (const m of sorted) {
    if (m.version <= current) continue;
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  return newest;
}
