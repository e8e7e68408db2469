/** The hub's SQLite file: WAL with synchronous=FULL, because the event log is the truth (DESIGN §7). */
import Database from 'better-sqlite3';
import { migrate } from './migrate';
import { HUB_MIGRATIONS } from './migrations';

export type Db = Database.Database;

export function openHubDb(file: string): Db {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db, HUB_MIGRATIONS);
  return db;
}
