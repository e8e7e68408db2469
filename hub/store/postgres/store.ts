/**
 * The shared store on PostgreSQL (ARCHITECTURE §2.4), with node-postgres (`pg`): a pool for
 * commits and reads, one connection that LISTENs for other nodes' commits, and one per lease
 * (a session advisory lock lives as long as its connection).
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Lease, SharedStore } from '../interface';
import type { Pg } from './pg';
import { migratePostgres } from './migrations';
import { COMMIT_CHANNEL, postgresLog } from './log';
import { postgresAccounts, postgresSourceKeys } from './accounts';

/** bigint columns hold seqs and millisecond times: exact in a double, so read them as numbers. */
const INT8 = 20;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === INT8 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format ?? 'text'))) as typeof pg.types.getTypeParser,
};

export interface PostgresOptions {
  /** Connections of the pool (commits are serialized anyway; reads and logins use the rest). */
  poolSize?: number;
  /** How long a request waits for a connection before the store counts as unavailable. */
  connectTimeoutMs?: number;
  log?: (msg: string) => void;
}

/** Hides the password when an address is printed. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unreadable address)';
  }
}

/** No query of the hub's takes this long on a working server (compaction goes in steps). */
const QUERY_TIMEOUT_MS = 15_000;

export async function openPostgresStore(url: string, opts: PostgresOptions = {}): Promise<SharedStore> {
  const log = opts.log ?? (() => {});
  const connectionTimeoutMillis = opts.connectTimeoutMs ?? 3000;
  const config = {
    connectionString: url, types, connectionTimeoutMillis, application_name: 'linkage-hub',
    keepAlive: true, keepAliveInitialDelayMillis: 10_000,
    // A server that hangs (frozen, a network black hole) answers nothing: a query gives up
    // after this, so commands are answered `unavailable` and the lease is let go.
    query_timeout: QUERY_TIMEOUT_MS,
    // Server side, per session: a node that froze inside a commit window holds the sequencer
    // row; its session ends after this, so the other nodes go on. The keepalives end a vanished
    // machine's sessions (and its lease) within ~25 s instead of the OS's two hours.
    options: `-c idle_in_transaction_session_timeout=${QUERY_TIMEOUT_MS} -c tcp_keepalives_idle=10 -c tcp_keepalives_interval=5 -c tcp_keepalives_count=3`,
  };
  const pool = new pg.Pool({ ...config, max: opts.poolSize ?? 8, idleTimeoutMillis: 30_000 });
  let available = true;
  // An idle client that loses its connection emits here; without a listener the process dies.
  pool.on('error', (e) => {
    available = false;
    log(`store: ${e.message}`);
  });
  const probe = async <T>(p: Promise<T>): Promise<T> => {
    try {
      const v = await p;
      available = true;
      return v;
    } catch (e) {
      available = false;
      throw e;
    }
  };

  // A client checked out of the pool (a commit window) has no listener of the pool's: when the
  // server goes away mid-window it emits 'error', which without one of ours ends the process
  // (found by the cluster fault run's PostgreSQL restart). Its query rejects anyway.
  const guarded = new WeakSet<pg.PoolClient>();
  const guard = (c: pg.PoolClient): pg.PoolClient => {
    if (!guarded.has(c)) {
      guarded.add(c);
      c.on('error', (e) => {
        available = false;
        log(`store: ${e.message}`);
      });
    }
    return c;
  };
  // Every request reports whether the store answered (the pool's own errors above do too).
  const db: Pg = {
    query: (sql, args) => probe(pool.query(sql, args)),
    connect: () => probe(pool.connect().then(guard)),
  };

  const client = guard(await pool.connect());
  let logId: string;
  try {
    await migratePostgres(client);
    await client.query(`INSERT INTO hub_meta (key, value) VALUES ('log_id', $1) ON CONFLICT (key) DO NOTHING`, [randomUUID()]);
    logId = (await client.query<{ value: string }>(`SELECT value FROM hub_meta WHERE key = 'log_id'`)).rows[0]!.value;
    client.release();
  } catch (e) {
    client.release(e as Error);
    await pool.end();
    throw e;
  }

  let closed = false;
  const listeners = new Set<() => void>();
  const wakeAll = () => {
    for (const l of listeners) l();
  };
  let listener: pg.Client | null = null;
  const listen = async (): Promise<void> => {
    if (closed) return;
    const c = new pg.Client(config);
    c.on('error', () => undefined);
    c.on('end', () => {
      if (listener === c) listener = null;
      if (!closed) setTimeout(() => void listen(), 1000).unref();
    });
    try {
      await c.connect();
      c.on('notification', wakeAll);
      await c.query(`LISTEN ${COMMIT_CHANNEL}`);
      listener = c;
      // Commits while we were not listening: the tail reads the table, so one wake-up covers them.
      wakeAll();
    } catch {
      await c.end().catch(() => undefined);
    }
  };
  await listen();

  const leases = new Set<AdvisoryLease>();
  const store: SharedStore = {
    kind: 'postgres',
    log: postgresLog(db, logId, (fn) => {
      listeners.add(fn);
      return () => listeners.delete(fn);
    }),
    accounts: postgresAccounts(db),
    sourceKeys: postgresSourceKeys(db),
    get available() {
      return available;
    },
    async exclusively(name, fn) {
      // A session lock on a connection of its own: released by the unlock, or by the server
      // when this node dies holding it.
      const c = new pg.Client(config);
      c.on('error', () => undefined);
      await c.connect();
      try {
        // Tried, not waited on: a wait would outlast the query timeout while another node seeds.
        while (!(await c.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [`linkage-once:${name}`])).rows[0]!.ok) {
          await new Promise((r) => setTimeout(r, 200));
        }
        return await fn();
      } finally {
        await c.query('SELECT pg_advisory_unlock(hashtext($1))', [`linkage-once:${name}`]).catch(() => undefined);
        await c.end().catch(() => undefined);
      }
    },
    lease(name, retryMs) {
      const l = new AdvisoryLease(config, name, retryMs, log);
      leases.add(l);
      return l;
    },
    async close() {
      closed = true;
      await Promise.all([...leases].map((l) => l.release()));
      await listener?.end().catch(() => undefined);
      await pool.end();
    },
  };
  return store;
}

/**
 * A session advisory lock, tried every `retryMs`, and checked as often while held: when its
 * connection dies, PostgreSQL lets go of the lock and this node stops the work at its next check.
 */
class AdvisoryLease implements Lease {
  private client: pg.Client | null = null;
  private isHeld = false;
  private readonly listeners = new Set<(held: boolean) => void>();
  private readonly timer: NodeJS.Timeout;
  private busy = false;
  private released = false;

  constructor(private readonly config: pg.ClientConfig, private readonly name: string, retryMs: number, private readonly log: (m: string) => void) {
    this.timer = setInterval(() => void this.step(), retryMs);
    this.timer.unref();
    void this.step();
  }

  get held(): boolean {
    return this.isHeld;
  }

  onChange(fn: (held: boolean) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private set(held: boolean): void {
    if (held === this.isHeld) return;
    this.isHeld = held;
    this.log(`lease ${this.name}: ${held ? 'held by this node' : 'lost'}`);
    for (const l of this.listeners) l(held);
  }

  private async step(): Promise<void> {
    if (this.busy || this.released) return;
    this.busy = true;
    try {
      if (!this.client) {
        const c = new pg.Client(this.config);
        c.on('error', () => undefined);
        await c.connect();
        this.client = c;
      }
      if (this.isHeld) await this.client.query('SELECT 1');
      else {
        const r = await this.client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [`linkage-lease:${this.name}`]);
        if (r.rows[0]?.ok && !this.released) this.set(true);
      }
    } catch {
      const c = this.client;
      this.client = null;
      await c?.end().catch(() => undefined);
      this.set(false);
    } finally {
      this.busy = false;
    }
  }

  async release(): Promise<void> {
    this.released = true;
    clearInterval(this.timer);
    this.set(false);
    const c = this.client;
    this.client = null;
    await c?.end().catch(() => undefined);
  }
}
