import type { Migration } from '../migrate';

export const m0001: Migration = {
  version: 1,
  name: '0001-initial',
  up(db) {
    db.exec(`
      CREATE TABLE events (
        seq INTEGER PRIMARY KEY,           -- gap-free: assigned as max+1 inside the writing transaction
        at INTEGER NOT NULL,
        type TEXT NOT NULL,
        entity TEXT NOT NULL,
        id TEXT NOT NULL,
        subdistrict TEXT,                  -- for scope filtering without parsing data
        owners TEXT NOT NULL DEFAULT '[]', -- departments owning the case at this event (liaison scope)
        data TEXT NOT NULL
      );
      CREATE INDEX events_at ON events(at);
      CREATE TABLE cases (
        id TEXT PRIMARY KEY, version INTEGER NOT NULL, status TEXT NOT NULL,
        subdistrict TEXT NOT NULL, owners TEXT NOT NULL, external_ref TEXT,
        updated_at INTEGER NOT NULL, state TEXT NOT NULL
      );
      CREATE INDEX cases_status ON cases(status);
      CREATE UNIQUE INDEX cases_external_ref ON cases(external_ref) WHERE external_ref IS NOT NULL;
      CREATE TABLE units (id TEXT PRIMARY KEY, version INTEGER NOT NULL, subdistrict TEXT NOT NULL, state TEXT NOT NULL);
      CREATE TABLE cameras (id TEXT PRIMARY KEY, version INTEGER NOT NULL, subdistrict TEXT NOT NULL, state TEXT NOT NULL);
      CREATE TABLE commands (
        command_id TEXT PRIMARY KEY, user_id TEXT NOT NULL, type TEXT NOT NULL,
        at INTEGER NOT NULL, result TEXT NOT NULL
      );
      CREATE INDEX commands_at ON commands(at);
      CREATE TABLE users (
        id TEXT PRIMARY KEY, username TEXT NOT NULL UNIQUE, display_name TEXT NOT NULL,
        role TEXT NOT NULL, subdistricts TEXT NOT NULL, department TEXT,
        salt TEXT NOT NULL, hash TEXT NOT NULL,
        failed_logins INTEGER NOT NULL DEFAULT 0, locked_until INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id),
        created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL
      );
      CREATE TABLE audit (
        n INTEGER PRIMARY KEY, at INTEGER NOT NULL, user_id TEXT NOT NULL, command_id TEXT NOT NULL,
        type TEXT NOT NULL, entity_id TEXT, before TEXT, after TEXT,
        prev_hash TEXT NOT NULL, hash TEXT NOT NULL
      );
      CREATE TABLE source_keys (source TEXT PRIMARY KEY, key_hash TEXT NOT NULL, created_at INTEGER NOT NULL);
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `);
  },
};
