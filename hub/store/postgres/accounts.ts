/** Users, sessions and source keys on PostgreSQL: a login on one node is valid on every node. */
import type { Pg } from './pg';
import { DuplicateUser, type AccountStore, type SourceKeyStore, type UserRecord } from '../interface';
import { userRecord } from '../sqlite/accounts';

type Row = Parameters<typeof userRecord>[0];

export function postgresAccounts(pool: Pg): AccountStore {
  const one = async (sql: string, args: unknown[]) => {
    const r = await pool.query<Row>(sql, args);
    return r.rows[0] ? userRecord(r.rows[0]) : null;
  };
  return {
    async countPeople() {
      const r = await pool.query<{ n: number }>(`SELECT COUNT(*)::int AS n FROM users WHERE username NOT LIKE 'sim-%'`);
      return r.rows[0]!.n;
    },
    async insertUser(u: UserRecord) {
      try {
        await pool.query('INSERT INTO users (id, username, display_name, role, subdistricts, department, salt, hash, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
          [u.id, u.username, u.displayName, u.role, JSON.stringify(u.subdistricts), u.departmentCode, u.salt, u.hash, u.createdAt]);
      } catch (e) {
        if ((e as { code?: string }).code === '23505') throw new DuplicateUser(u.username);
        throw e;
      }
    },
    userByUsername: (username) => one('SELECT * FROM users WHERE username = $1', [username]),
    userBySession: (tokenHash, now) => one('SELECT u.* FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.expires_at > $2', [tokenHash, now]),
    async setLoginState(userId, failed, lockedUntil) {
      await pool.query('UPDATE users SET failed_logins = $1, locked_until = $2 WHERE id = $3', [failed, lockedUntil, userId]);
    },
    async insertSession(tokenHash, userId, createdAt, expiresAt) {
      await pool.query('INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)', [tokenHash, userId, createdAt, expiresAt]);
    },
    async deleteSession(tokenHash) {
      await pool.query('DELETE FROM sessions WHERE token_hash = $1', [tokenHash]);
    },
    async purgeSessions(now) {
      await pool.query('DELETE FROM sessions WHERE expires_at <= $1', [now]);
    },
    async listUsers(limit) {
      return (await pool.query<Row>('SELECT * FROM users ORDER BY id LIMIT $1', [limit])).rows.map(userRecord);
    },
  };
}

export function postgresSourceKeys(pool: Pg): SourceKeyStore {
  return {
    async sources() {
      return (await pool.query<{ source: string }>('SELECT source FROM source_keys')).rows.map((r) => r.source);
    },
    async keyHash(source) {
      return (await pool.query<{ key_hash: string }>('SELECT key_hash FROM source_keys WHERE source = $1', [source])).rows[0]?.key_hash ?? null;
    },
    async put(source, keyHash, at) {
      await pool.query(`INSERT INTO source_keys (source, key_hash, created_at) VALUES ($1, $2, $3)
        ON CONFLICT (source) DO UPDATE SET key_hash = excluded.key_hash, created_at = excluded.created_at`, [source, keyHash, at]);
    },
  };
}
