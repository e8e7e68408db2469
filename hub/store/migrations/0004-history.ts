import type { Migration } from '../migrate';

/**
 * A month of generated history (issue 15): the deadline watch rereads only cases changed since
 * its last pass (`cases_updated`), and the hub keeps the units' recent tracks it generated —
 * one fix per unit per minute, the last 24 h — so a new replica can replay them.
 */
export const m0004: Migration = {
  version: 4,
  name: '0004-history',
  up(db) {
    db.exec(`
      CREATE INDEX cases_updated ON cases(updated_at);
      CREATE TABLE unit_tracks (
        unit_id TEXT NOT NULL,
        at INTEGER NOT NULL,
        lng REAL NOT NULL,
        lat REAL NOT NULL,
        heading REAL NOT NULL,
        subdistrict TEXT NOT NULL,
        department TEXT NOT NULL,
        PRIMARY KEY (unit_id, at)
      ) WITHOUT ROWID;
      CREATE INDEX unit_tracks_at ON unit_tracks(at);
    `);
  },
};
