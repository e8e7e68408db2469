import type { Migration } from '../../sqlite';

/**
 * The hub's people directory (`GET /api/people`): who the user ids of timelines and command
 * logs are, kept so the names are there when the app starts without the hub. Replaced as a
 * whole on each fetch.
 */
export const m0004: Migration = {
  version: 4,
  name: '0004-people',
  up(db) {
    db.exec(`
      CREATE TABLE people (
        id TEXT PRIMARY KEY,
        json TEXT NOT NULL
      ) WITHOUT ROWID;
    `);
  },
};
