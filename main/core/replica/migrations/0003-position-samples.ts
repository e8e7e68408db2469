import type { Migration } from '../../sqlite';

/**
 * Replay (issue 6): units' positions sampled at most every 10 s per unit, kept 7 days. The
 * `positions` table keeps only the latest value (ARCHITECTURE §4); this one keeps the track.
 */
export const m0003: Migration = {
  version: 3,
  name: '0003-position-samples',
  up(db) {
    db.exec(`
      CREATE TABLE position_samples (
        unit_id TEXT NOT NULL,
        at INTEGER NOT NULL,
        lng REAL NOT NULL,
        lat REAL NOT NULL,
        heading REAL NOT NULL,
        PRIMARY KEY (unit_id, at)
      ) WITHOUT ROWID;
      CREATE INDEX position_samples_at ON position_samples(at);
    `);
  },
};
