import type { Migration } from '../../sqlite';

/** Emergency operations in the user's scope (issue 8): full JSON, as the hub sends it. */
export const m0002: Migration = {
  version: 2,
  name: '0002-operations',
  up(db) {
    db.exec(`
      CREATE TABLE operations (
        id TEXT PRIMARY KEY,
        version INTEGER NOT NULL,
        status TEXT NOT NULL,
        updated_at INTEGER NOT NULL,
        json TEXT NOT NULL
      );
      CREATE INDEX operations_status ON operations(status);
    `);
  },
};
