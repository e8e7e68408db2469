/** Users, sessions and source keys in the embedded store's SQLite file (ARCHITECTURE §2.4). */
import type { Db } from '../db';
import { prepared } from '../db';
import { DuplicateUser, type AccountStore, type SourceKeyStore, type UserRecord } from '../interface';

interface UserRow { id: string; username: string; display_name: string; role: UserRecord['role']; subdistricts: string; department: string | null; salt: string; hash: string; failed_logins: number; locked_until: number; created_at: number }

export function userRecord(r: UserRow): UserRecord {
  return {
    id: r.id, username: r.username, displayName: r.display_name, role: r.role, subdistricts: JSON.parse(r.subdistricts) as string[],
    departmentCode: r.department, salt: r.salt, hash: r.hash, failedLogins: r.failed_logins, lockedUntil: r.locked_until, createdAt: r.created_at,
  };
}

export function sqliteAccounts(db: Db): AccountStore {
  const one = (sql: string, ...args: unknown[]) => {
    const row = prepared(db, sql).get(...args) as UserRow | undefined;
    return row ? userRecord(row) : null;
  };
  return {
    async countPeople() {
      return (prepared(db, `SELECT COUNT(*) AS n FROM users WHERE username NOT LIKE 'sim-%'`).get() as { n: number }).n;
    },
    async insertUser(u) {
      try {
        prepared(db, 'INSERT INTO users (id, username, display_name, role, subdistricts, department, salt, hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
          .run(u.id, u.username, u.displayName, u.role, JSON.stringify(u.subdistricts), u.departmentCode, u.salt, u.hash, u.createdAt);
      } catch (e) {
        if (String(e).includes('UNIQUE')) throw new DuplicateUser(u.username);
        throw e;
      }
    },
    async userByUsername(username) {
      return one('SELECT * FROM users WHERE username = ?', username);
    },
    async userBySession(tokenHash, now) {
      return one('SELECT u.* FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ? AND s.expires_at > ?', tokenHash, now);
    },
    async setLoginState(userId, failed, lockedUntil) {
      prepared(db, 'UPDATE users SET failed_logins = ?, locked_until = ? WHERE id = ?').run(failed, lockedUntil, userId);
    },
    async insertSession(tokenHash, userId, createdAt, expiresAt) {
      prepared(db, 'INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)').run(tokenHash, userId, createdAt, expiresAt);
    },
    async deleteSession(tokenHash) {
      prepared(db, 'DELETE FROM sessions WHERE token_hash = ?').run(tokenHash);
    },
    async purgeSessions(now) {
      prepared(db, 'DELETE FROM sessions WHERE expires_at <= ?').run(now);
    },
    async listUsers(limit) {
      return (prepared(db, 'SELECT * FROM users ORDER BY id LIMIT ?').all(limit) as UserRow[]).map(userRecord);
    },
  };
}

export function sqliteSourceKeys(db: Db): SourceKeyStore {
  return {
    async sources() {
      return (prepared(db, 'SELECT source FROM source_keys').all() as { source: string }[]).map((r) => r.source);
    },
    async keyHash(source) {
      return (prepared(db, 'SELECT key_hash FROM source_keys WHERE source = ?').get(source) as { key_hash: string } | undefined)?.key_hash ?? null;
    },
    async put(source, keyHash, at) {
      prepared(db, `INSERT INTO source_keys (source, key_hash, created_at) VALUES (?, ?, ?)
        ON CONFLICT(source) DO UPDATE SET key_hash = excluded.key_hash, created_at = excluded.created_at`).run(source, keyHash, at);
    },
  };
}
