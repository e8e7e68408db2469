import type { Migration } from '../migrate';

/**
 * Emergency operations (issue 8): one row per operation, its full state as JSON like the other
 * entities, plus the columns the hub filters on. `departments` are those with a task: a
 * liaison's scope.
 */
export const m0002: Migration = {
  version: 2,
  name: '0002-operations',
  up(db) {
    db.exec(`
      CREATE TABLE operations (
        id TEXT PRIMARY KEY,
        version INTEGER NOT NULL,
        status TEXT NOT NULL,
        plan_id TEXT NOT NULL,
        departments TEXT NOT NULL DEFAULT '[]',
        updated_at INTEGER NOT NULL,
        state TEXT NOT NULL
      );
      CREATE INDEX operations_status ON operations(status);
    `);
  },
};
