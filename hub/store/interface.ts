/**
 * The hub's store contract, by aggregate (ARCHITECTURE §2.4). Two implementations:
 *
 *  - embedded (`hub/store/sqlite/`): one SQLite file is the truth and the node's view at once;
 *    the command path runs synchronously in its transactions, as it always has.
 *  - shared (`hub/store/postgres/`): several hub nodes on one PostgreSQL. The log, command
 *    answers, audit chain, users, sessions and source keys live there; each node keeps its own
 *    SQLite view of the entities and statistics, built only from committed events of the log.
 *
 * Every method is async so one interface fits both; the embedded ones answer at once.
 */
import type { User } from '../../shared/protocol';

/** A row of `users` as stored (the password's salt and hash never leave the hub). */
export interface UserRecord {
  id: string;
  username: string;
  displayName: string;
  role: User['role'];
  subdistricts: string[];
  departmentCode: string | null;
  salt: string;
  hash: string;
  failedLogins: number;
  lockedUntil: number;
  createdAt: number;
}

/** Users and their login sessions. */
export interface AccountStore {
  /** People who can log in (the simulator's `sim-*` cast is not counted). */
  countPeople(): Promise<number>;
  /** Throws `DuplicateUser` when the username is taken. */
  insertUser(u: UserRecord): Promise<void>;
  userByUsername(username: string): Promise<UserRecord | null>;
  /** The user of a session that has not expired at `now`. */
  userBySession(tokenHash: string, now: number): Promise<UserRecord | null>;
  setLoginState(userId: string, failedLogins: number, lockedUntil: number): Promise<void>;
  insertSession(tokenHash: string, userId: string, createdAt: number, expiresAt: number): Promise<void>;
  deleteSession(tokenHash: string): Promise<void>;
  purgeSessions(now: number): Promise<void>;
  /** Everyone, by id, at most `limit` (the people directory). */
  listUsers(limit: number): Promise<UserRecord[]>;
}

export class DuplicateUser extends Error {}

/** API keys of the ingestion networks: only their SHA-256 is kept. */
export interface SourceKeyStore {
  sources(): Promise<string[]>;
  keyHash(source: string): Promise<string | null>;
  /** Replaces the source's key (or adds it). */
  put(source: string, keyHash: string, at: number): Promise<void>;
}

/** A committed event as both stores keep it: `owners` and `data` are JSON text. */
export interface EventRow { seq: number; at: number; type: string; entity: string; id: string; subdistrict: string | null; owners: string; data: string }
export interface AuditRow { n: number; at: number; user_id: string; command_id: string; type: string; entity_id: string | null; before: string | null; after: string | null; prev_hash: string; hash: string }
export interface AnswerRow { command_id: string; user_id: string; type: string; at: number; result: string }

/**
 * One commit on the shared log, holding its sequencer: no other node commits until this one
 * commits or aborts, so the numbers it takes follow the head with no gap and no overlap.
 */
export interface CommitWindow {
  /** The log's head and the audit chain's last link when the window opened. */
  readonly head: number;
  readonly audit: { n: number; hash: string };
  /** Events other nodes committed after the seq the caller said it had. */
  readonly missed: EventRow[];
  /** Answers already kept for the command ids the caller asked about (a retry on another node). */
  readonly answers: Map<string, string>;
  /** Writes the rows and commits; throws when the store did not take them (nothing was). */
  commit(rows: { events: EventRow[]; audit: AuditRow[]; answers: AnswerRow[] }): Promise<void>;
  abort(): Promise<void>;
}

/** The shared log of a cluster. */
export interface SharedLog {
  /** Made once when the store is created: the same on every node of one cluster. */
  readonly logId: string;
  openCommit(afterSeq: number, commandIds: readonly string[]): Promise<CommitWindow>;
  /** Committed events after `afterSeq`, in order, at most `limit`. */
  eventsAfter(afterSeq: number, limit: number): Promise<EventRow[]>;
  head(): Promise<{ head: number; compactedThrough: number }>;
  /** Every entity's current state and the head it is current at (a view that starts after compaction). */
  entities(): Promise<{ head: number; rows: Array<{ entity: string; state: string }> }>;
  /** Command ids among `ids` that already have an answer. */
  answered(ids: readonly string[]): Promise<Set<string>>;
  /** Calls `fn` when another commit may have landed (a wake-up: the table is the truth). */
  onCommit(fn: () => void): () => void;
  /** Deletes events older than `before` (never the newest); returns how many. */
  compact(before: number): Promise<number>;
}

/**
 * Work that must run on one node at a time (deadline timer, pollers, compaction). `held` is
 * true while this node holds it; `onChange` hears when that changes.
 */
export interface Lease {
  readonly held: boolean;
  onChange(fn: (held: boolean) => void): () => void;
  release(): Promise<void>;
}

export interface SharedStore {
  readonly kind: 'postgres';
  readonly log: SharedLog;
  readonly accounts: AccountStore;
  readonly sourceKeys: SourceKeyStore;
  /** Tries for the named lease now and every `retryMs` after, for as long as the store is open. */
  lease(name: string, retryMs: number): Lease;
  /** Runs `fn` while no other node runs one of the same name (first start: seed, accounts, keys). */
  exclusively<T>(name: string, fn: () => Promise<T>): Promise<T>;
  /** Whether the store answered its last request (false while PostgreSQL is down). */
  readonly available: boolean;
  close(): Promise<void>;
}
