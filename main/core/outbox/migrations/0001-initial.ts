import type { Migration } from '../../sqlite';

/**
 * The outbox: officers' commands from the moment they act until the hub answers, and the
 * answers after. `n` orders the queue (FIFO) independently of clocks.
 */
export const m0001: Migration = {
  version: 1,
  name: '0001-initial',
  up(db) {
    db.exec(`
      CREATE TABLE outbox (
        n INTEGER PRIMARY KEY AUTOINCREMENT,
        command_id TEXT NOT NULL UNIQUE,
        type TEXT NOT NULL,
        payload TEXT NOT NULL,
        expected_version INTEGER,
        created_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent')),
        last_attempt_at INTEGER,
        last_error TEXT
      );
      CREATE TABLE answers (
        command_id TEXT PRIMARY KEY,
        type TEXT NOT NULL,
        ok INTEGER NOT NULL,
        result TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        answered_at INTEGER NOT NULL
      );
      CREATE INDEX answers_answered_at ON answers(answered_at);
    `);
  },
};
