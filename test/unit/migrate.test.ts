// One migration runner for every SQLite file (issue 21): the hub's store and the core's files
// apply numbered migrations the same way, and both refuse a file a newer build migrated.
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrate, type Migration } from '../../shared/storage/migrate';
import { openHubDb } from '../../hub/store/db';
import { HUB_MIGRATIONS } from '../../hub/store/migrations';
import { openDatabase } from '../../main/core/sqlite';
import { tmpDir } from '../helpers/tmp';

const table = (n: number): Migration<Database.Database> => ({ version: n, name: `000${n}-t${n}`, up: (db) => db.exec(`CREATE TABLE t${n} (x)`) });

describe('the migration runner', () => {
  it('applies the pending ones in order, each once, and records the version', () => {
    const db = new Database(':memory:');
    expect(migrate(db, [table(2), table(1)])).toBe(2);
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    expect(migrate(db, [table(1), table(2), table(3)])).toBe(3);
    expect((db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).pluck().all())).toEqual(['t1', 't2', 't3']);
    db.close();
  });

  it('refuses a hole in the numbering before touching the file', () => {
    const db = new Database(':memory:');
    expect(() => migrate(db, [table(1), table(3)])).toThrow(/expected 2/);
    expect(db.pragma('user_version', { simple: true })).toBe(0);
    db.close();
  });

  it('refuses a hub store and a core file that a newer build migrated', () => {
    const dir = tmpDir('migrate-');
    for (const [file, open] of [
      [path.join(dir, 'hub.sqlite'), (f: string) => openHubDb(f)],
      [path.join(dir, 'replica.sqlite'), (f: string) => openDatabase(f, { synchronous: 'NORMAL', migrations: [table(1)] })],
    ] as const) {
      const db = new Database(file);
      db.pragma('user_version = 99');
      db.close();
      expect(() => open(file)).toThrow(/is at schema 99, this build knows up to/);
    }
    expect(HUB_MIGRATIONS.length).toBeGreaterThan(0);
  });
});
