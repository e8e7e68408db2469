/** Users, sessions and lockout over the store's accounts. Tokens are random; only their hashes are stored. */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../store/db';
import { prepared } from '../store/db';
import { DuplicateUser, type AccountStore, type UserRecord } from '../store/interface';
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

const tokenHash = (t: string) => createHash('sha256').update(t).digest('hex');

export function toUser(r: UserRecord): User {
  return { id: r.id, username: r.username, displayName: r.displayName, role: r.role, subdistricts: r.subdistricts, departmentCode: r.departmentCode };
}

export function toActor(u: User): Actor {
  return { userId: u.id, role: u.role, subdistricts: u.subdistricts, departmentCode: u.departmentCode ?? undefined };
}

function record(input: NewUser, secret: { salt: string; hash: string }, now: number): UserRecord {
  const u = NewUserSchema.parse(input);
  return { id: `u-${randomUUID()}`, username: u.username, displayName: u.displayName, role: u.role, subdistricts: u.subdistricts, departmentCode: u.departmentCode, ...secret, failedLogins: 0, lockedUntil: 0, createdAt: now };
}

/**
 * A user nobody logs in as (the simulator's cast), in the embedded store: no password at all,
 * so no scrypt, and an empty hash that no password can ever match. Synchronous, because the
 * simulator runs inside the embedded store's transactions.
 */
export function createWithoutLogin(db: Db, input: Omit<NewUser, 'password'>, now: number): User {
  const r = record({ ...input, password: 'x'.repeat(10) }, { salt: '', hash: '' }, now);
  prepared(db, 'INSERT INTO users (id, username, display_name, role, subdistricts, department, salt, hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
    .run(r.id, r.username, r.displayName, r.role, JSON.stringify(r.subdistricts), r.departmentCode, r.salt, r.hash, r.createdAt);
  return toUser(r);
}

export class Users {
  constructor(private readonly store: AccountStore, private readonly opts: AuthOptions, private readonly now: () => number = Date.now) {}

  countPeople(): Promise<number> {
    return this.store.countPeople();
  }

  async create(input: NewUser): Promise<User> {
    const parsed = NewUserSchema.parse(input);
    const r = record(parsed, await hashPassword(parsed.password), this.now());
    try {
      await this.store.insertUser(r);
    } catch (e) {
      if (e instanceof DuplicateUser) throw new DomainError('invalid_input', `user ${r.username} exists`);
      throw e;
    }
    return toUser(r);
  }

  /** Checks the password; locks the account for a while after repeated failures. */
  async login(username: string, password: string): Promise<{ token: string; user: User; expiresAt: number }> {
    const row = await this.store.userByUsername(username);
    const now = this.now();
    if (!row) {
      // Same work as a real check, so timing does not reveal which usernames exist.
      await checkPassword(password, 'x', '00');
      throw new DomainError('unauthenticated', 'wrong username or password');
    }
    if (row.lockedUntil > now) {
      throw new DomainError('locked_out', `account locked until ${new Date(row.lockedUntil).toISOString()}`);
    }
    if (!(await checkPassword(password, row.salt, row.hash))) {
      const failed = row.failedLogins + 1;
      const lock = failed >= this.opts.maxFailedLogins;
      await this.store.setLoginState(row.id, lock ? 0 : failed, lock ? now + this.opts.lockoutMs : 0);
      throw new DomainError(lock ? 'locked_out' : 'unauthenticated', lock ? 'too many failed logins; account locked' : 'wrong username or password');
    }
    await this.store.setLoginState(row.id, 0, 0);
    const token = randomBytes(32).toString('base64url');
    const expiresAt = now + this.opts.sessionTtlMs;
    await this.store.insertSession(tokenHash(token), row.id, now, expiresAt);
    return { token, user: toUser(row), expiresAt };
  }

  /** The user behind a live token, or null. */
  async authenticate(token: unknown): Promise<User | null> {
    if (typeof token !== 'string' || token.length < 20 || token.length > 200) return null;
    const row = await this.store.userBySession(tokenHash(token), this.now());
    return row ? toUser(row) : null;
  }

  logout(token: string): Promise<void> {
    return this.store.deleteSession(tokenHash(token));
  }

  purgeExpired(): Promise<void> {
    return this.store.purgeSessions(this.now());
  }

  async list(limit: number): Promise<User[]> {
    return (await this.store.listUsers(limit)).map(toUser);
  }
}
