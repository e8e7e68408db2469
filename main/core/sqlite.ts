/**
 * Opening the core's SQLite files (ARCHITECTURE §7): better-sqlite3, WAL, numbered migrations by
 * the runner the hub uses too (shared/storage/migrate.ts). The replica can afford `synchronous=NORMAL` (a lost tail is fetched
 * again from the hub); the outbox cannot (a lost command is an officer's action gone), so FULL.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { migrate, type Migration as StoreMigration } from '../../shared/storage/migrate';

export type Db = Database.Database;

export type Migration = StoreMigration<Db>;

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
  try {
    migrate(db, opts.migrations);
  } catch (e) {
    db.close();
    throw e;
  }
  return db;
}
