/**
 * The shared store's schema, one numbered migration per change, applied in order at a node's
 * start under an advisory lock (several nodes may start at once). A database migrated by a
 * newer hub is refused: this one would not know what the newer columns mean.
 */
import type { PoolClient } from 'pg';

export interface PgMigration { version: number; name: string; sql: string }

export const PG_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    name: '0001-shared-log',
    sql: `
      CREATE TABLE hub_meta (key text PRIMARY KEY, value text NOT NULL);
      -- One row: the log's head and the audit chain's last link. Locked (FOR UPDATE) by every
      -- commit, so commits of all nodes are serialized and seq stays gap-free.
      CREATE TABLE sequencer (
        id int PRIMARY KEY CHECK (id = 1),
        head_seq bigint NOT NULL,
        audit_n bigint NOT NULL,
        audit_hash text NOT NULL,
        compacted_through bigint NOT NULL DEFAULT 0
      );
      INSERT INTO sequencer (id, head_seq, audit_n, audit_hash) VALUES (1, 0, 0, repeat('0', 64));
      CREATE TABLE events (
        seq bigint PRIMARY KEY, at bigint NOT NULL, type text NOT NULL, entity text NOT NULL,
        id text NOT NULL, subdistrict text, owners text NOT NULL, data text NOT NULL
      );
      CREATE INDEX events_at ON events (at);
      CREATE TABLE commands (
        command_id text PRIMARY KEY, user_id text NOT NULL, type text NOT NULL, at bigint NOT NULL, result text NOT NULL
      );
      CREATE INDEX commands_at ON commands (at);
      CREATE TABLE audit (
        n bigint PRIMARY KEY, at bigint NOT NULL, user_id text NOT NULL, command_id text NOT NULL, type text NOT NULL,
        entity_id text, before text, after text, prev_hash text NOT NULL, hash text NOT NULL
      );
      CREATE TABLE users (
        id text PRIMARY KEY, username text NOT NULL UNIQUE, display_name text NOT NULL, role text NOT NULL,
        subdistricts text NOT NULL, department text, salt text NOT NULL, hash text NOT NULL,
        failed_logins int NOT NULL DEFAULT 0, locked_until bigint NOT NULL DEFAULT 0, created_at bigint NOT NULL
      );
      CREATE TABLE sessions (
        token_hash text PRIMARY KEY, user_id text NOT NULL REFERENCES users (id),
        created_at bigint NOT NULL, expires_at bigint NOT NULL
      );
      CREATE TABLE source_keys (source text PRIMARY KEY, key_hash text NOT NULL, created_at bigint NOT NULL);
    `,
  },
  {
    version: 2,
    name: '0002-entities',
    // Each entity's state as of its last event, written in the same commit: a node that joins
    // after the log was compacted starts its view from here instead of from seq 1 (and a DBA
    // can read the district's current state with SQL).
    sql: `
      CREATE TABLE entities (
        entity text NOT NULL, id text NOT NULL, seq bigint NOT NULL, state text NOT NULL,
        PRIMARY KEY (entity, id)
      );
      INSERT INTO entities (entity, id, seq, state)
        SELECT DISTINCT ON (entity, id) entity, id, seq, (data::jsonb -> 'state')::text FROM events ORDER BY entity, id, seq DESC;
    `,
  },
];

const MIGRATE_LOCK = 'linkage-hub-migrate';

export async function migratePostgres(client: PoolClient, migrations: readonly PgMigration[] = PG_MIGRATIONS): Promise<number> {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration ${m.name} has version ${m.version}, expected ${i + 1}`);
  });
  await client.query('SELECT pg_advisory_lock(hashtext($1))', [MIGRATE_LOCK]);
  try {
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version int PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)');
    const { rows } = await client.query<{ v: number | null }>('SELECT MAX(version) AS v FROM schema_migrations');
    const current = rows[0]?.v ?? 0;
    if (current > migrations.length) {
      throw new Error(`the database's schema is version ${current}, newer than this hub's ${migrations.length}: start the newer hub, or restore a backup`);
    }
    for (const m of migrations) {
      if (m.version <= current) continue;
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, Date.now()]);
        await client.query('COMMIT');
      } catch (e) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${m.name}: ${(e as Error).message}`);
      }
    }
    return migrations.length;
  } finally {
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', [MIGRATE_LOCK]);
  }
}
