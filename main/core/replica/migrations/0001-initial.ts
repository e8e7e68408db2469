import type { Migration } from '../../sqlite';

/**
 * The replica: the hub's entities in the user's scope, each as full JSON plus the columns the
 * windows filter and sort on. `rid` is an explicit INTEGER PRIMARY KEY because the FTS index
 * refers to it, and an implicit rowid may be renumbered by VACUUM.
 */
export const m0001: Migration = {
  version: 1,
  name: '0001-initial',
  up(db) {
    db.exec(`
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

      CREATE TABLE cases (
        rid INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        version INTEGER NOT NULL,
        status TEXT NOT NULL,
        subdistrict TEXT NOT NULL,
        urgency TEXT NOT NULL,
        updated_at INTEGER NOT NULL,
        category TEXT NOT NULL,
        address TEXT NOT NULL,
        description TEXT NOT NULL,
        json TEXT NOT NULL
      );
      CREATE INDEX cases_status ON cases(status);
      CREATE INDEX cases_subdistrict ON cases(subdistrict);
      CREATE INDEX cases_updated_at ON cases(updated_at);

      CREATE TABLE units (
        id TEXT PRIMARY KEY,
        version INTEGER NOT NULL,
        status TEXT NOT NULL,
        subdistrict TEXT NOT NULL,
        department TEXT NOT NULL,
        updated_at INTEGER NOT NULL,
        json TEXT NOT NULL
      );

      CREATE TABLE cameras (
        id TEXT PRIMARY KEY,
        version INTEGER NOT NULL,
        status TEXT NOT NULL,
        subdistrict TEXT NOT NULL,
        updated_at INTEGER NOT NULL,
        json TEXT NOT NULL
      );

      -- The timeline of each case: its events as the hub logged them.
      CREATE TABLE case_events (
        seq INTEGER PRIMARY KEY,
        case_id TEXT NOT NULL,
        type TEXT NOT NULL,
        at INTEGER NOT NULL,
        by TEXT,
        command_id TEXT,
        detail TEXT NOT NULL
      );
      CREATE INDEX case_events_case ON case_events(case_id, seq);

      -- Latest value per unit (ARCHITECTURE §4: positions are a stream, not history).
      CREATE TABLE positions (
        unit_id TEXT PRIMARY KEY,
        lng REAL NOT NULL,
        lat REAL NOT NULL,
        heading REAL NOT NULL,
        speed REAL NOT NULL,
        at INTEGER NOT NULL
      );

      -- Trigram so that 虹桥 is found inside 虹桥枢纽 (ARCHITECTURE §7); unicode61 would not.
      CREATE VIRTUAL TABLE cases_fts USING fts5(
        id, description, address, category,
        content='cases', content_rowid='rid', tokenize='trigram'
      );
      CREATE TRIGGER cases_fts_insert AFTER INSERT ON cases BEGIN
        INSERT INTO cases_fts(rowid, id, description, address, category)
        VALUES (new.rid, new.id, new.description, new.address, new.category);
      END;
      CREATE TRIGGER cases_fts_delete AFTER DELETE ON cases BEGIN
        INSERT INTO cases_fts(cases_fts, rowid, id, description, address, category)
        VALUES ('delete', old.rid, old.id, old.description, old.address, old.category);
      END;
      -- Most updates change only the status: leave the index alone unless the text changed.
      CREATE TRIGGER cases_fts_update AFTER UPDATE ON cases
      WHEN old.description IS NOT new.description OR old.address IS NOT new.address
        OR old.category IS NOT new.category OR old.id IS NOT new.id
      BEGIN
        INSERT INTO cases_fts(cases_fts, rowid, id, description, address, category)
        VALUES ('delete', old.rid, old.id, old.description, old.address, old.category);
        INSERT INTO cases_fts(rowid, id, description, address, category)
        VALUES (new.rid, new.id, new.description, new.address, new.category);
      END;
    `);
  },
};
