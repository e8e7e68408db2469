/** Users, sessions and lockout. Tokens are random; only their hashes are stored. */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../store/db';
import { DomainError } from '../../shared/domain/errors';
import type { Actor } from '../../shared/domain/roles';
import { RoleSchema, type User } from '../../shared/protocol';
import { checkPassword, hashPassword } from './passwords';

export const NewUserSchema = z.object({
  username: z.string().regex(/^[a-z0-9._-]{2,64}$/, 'lowercase letters, digits, . _ - (2–64)'),
  password: z.string().min(10, 'at least 10 characters').max(200),
  displayName: z.string().min(1).max(100),
  role: RoleSchema,
  subdistricts: z.array(z.string().regex(/^\d{9}$/)).default([]),
  departmentCode: z.string().min(1).max(64).nullable().default(null),
}).refine((u) => u.role !== 'liaison' || u.departmentCode, { message: 'a liaison needs a departmentCode' });
export type NewUser = z.input<typeof NewUserSchema>;

export interface AuthOptions {
  sessionTtlMs: number;
  maxFailedLogins: number;
  lockoutMs: number;
}

interface UserRow { id: string; username: string; display_name: string; role: User['role']; subdistricts: string; department: string | null; salt: string; hash: string; failed_logins: number; locked_until: number }

const tokenHash = (t: string) => createHash('sha256').update(t).digest('hex');

export function toUser(r: UserRow): User {
  return { id: r.id, username: r.username, displayName: r.display_name, role: r.role, subdistricts: JSON.parse(r.subdistricts) as string[], departmentCode: r.department };
}

export function toActor(u: User): Actor {
  return { userId: u.id, role: u.role, subdistricts: u.subdistricts, departmentCode: u.departmentCode ?? undefined };
}

export class Users {
  constructor(private readonly db: Db, private readonly opts: AuthOptions, private readonly now: () => number = Date.now) {}

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM users').get() as { n: number }).n;
  }

  /**
   * A user nobody logs in as (the simulator's cast): no password at all, so no scrypt (~90 ms
   * each), and an empty hash that no password can ever match.
   */
  createWithoutLogin(input: Omit<NewUser, 'password'>): User {
    return this.create({ ...input, password: 'x'.repeat(10) }, { salt: '', hash: '' });
  }

  create(input: NewUser, noLogin?: { salt: ''; hash: '' }): User {
    const u = NewUserSchema.parse(input);
    const { salt, hash } = noLogin ?? hashPassword(u.password);
    const id = `u-${randomUUID()}`;
    try {
      this.db.prepare('INSERT INTO users (id, username, display_name, role, subdistricts, department, salt, hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(id, u.username, u.displayName, u.role, JSON.stringify(u.subdistricts), u.departmentCode, salt, hash, this.now());
    } catch (e) {
      if (String(e).includes('UNIQUE')) throw new DomainError('invalid_input', `user ${u.username} exists`);
      throw e;
    }
    return { id, username: u.username, displayName: u.displayName, role: u.role, subdistricts: u.subdistricts, departmentCode: u.departmentCode };
  }

  /** Checks the password; locks the account for a while after repeated failures. */
  login(username: string, password: string): { token: string; user: User; expiresAt: number } {
    const row = this.db.prepare('SELECT * FROM users WHERE username = ?').get(username) as UserRow | undefined;
    const now = this.now();
    if (!row) {
      // Same work as a real check, so timing does not reveal which usernames exist.
      checkPassword(password, 'x', '00');
      throw new DomainError('unauthenticated', 'wrong username or password');
    }
    if (row.locked_until > now) {
      throw new DomainError('locked_out', `account locked until ${new Date(row.locked_until).toISOString()}`);
    }
    if (!checkPassword(password, row.salt, row.hash)) {
      const failed = row.failed_logins + 1;
      const lock = failed >= this.opts.maxFailedLogins;
      this.db.prepare('UPDATE users SET failed_logins = ?, locked_until = ? WHERE id = ?').run(lock ? 0 : failed, lock ? now + this.opts.lockoutMs : 0, row.id);
      throw new DomainError(lock ? 'locked_out' : 'unauthenticated', lock ? 'too many failed logins; account locked' : 'wrong username or password');
    }
    this.db.prepare('UPDATE users SET failed_logins = 0, locked_until = 0 WHERE id = ?').run(row.id);
    const token = randomBytes(32).toString('base64url');
    const expiresAt = now + this.opts.sessionTtlMs;
    this.db.prepare('INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)').run(tokenHash(token), row.id, now, expiresAt);
    return { token, user: toUser(row), expiresAt };
  }

  /** The user behind a live token, or null. */
  authenticate(token: unknown): User | null {
    if (typeof token !== 'string' || token.length < 20 || token.length > 200) return null;
    const row = this.db.prepare('SELECT u.*, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?').get(tokenHash(token)) as (UserRow & { expires_at: number }) | undefined;
    if (!row || row.expires_at <= this.now()) return null;
    return toUser(row);
  }

  logout(token: string): void {
    this.db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(tokenHash(token));
  }

  purgeExpired(): void {
    this.db.prepare('DELETE FROM sessions WHERE expires_at <= ?').run(this.now());
  }
}
