/** The shared log on PostgreSQL: commit windows on the sequencer row, reads, compaction. */
import type { PoolClient } from 'pg';
import type { Pg } from './pg';
import type { AnswerRow, AuditRow, CommitWindow, EventRow, SharedLog } from '../interface';

const EVENT_COLUMNS = 'seq, at, type, entity, id, subdistrict, owners, data';

/** PostgreSQL's NOTIFY channel: a wake-up for the other nodes' tails (the table is the truth). */
export const COMMIT_CHANNEL = 'linkage_log';

/** Events deleted per transaction by compaction. */
const COMPACT_STEP = 20_000;

/** `fn` in a transaction on a client of its own: committed when it returns, rolled back when it throws. */
async function inTransaction<T>(pool: Pg, begin: string, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query(begin);
    const out = await fn(client);
    await client.query('COMMIT');
    await release(client);
    return out;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    await release(client, e);
    throw e;
  }
}

async function release(client: PoolClient, e?: unknown): Promise<void> {
  // A client whose connection failed must not go back to the pool.
  client.release(e instanceof Error ? e : undefined);
}

/** Columns of rows as arrays, for one INSERT … SELECT FROM unnest(…) per table. */
function columns<T extends object>(rows: readonly T[], keys: readonly (keyof T)[]): unknown[][] {
  return keys.map((k) => rows.map((r) => r[k]));
}

export function postgresLog(pool: Pg, logId: string, listen: (fn: () => void) => () => void): SharedLog {
  return {
    logId,

    async openCommit(afterSeq, commandIds) {
      const client = await pool.connect();
      let open = false;
      try {
        // BEGIN and the lock in one round trip (a simple query of two statements, no parameters).
        open = true;
        const [, seq] = (await client.query('BEGIN; SELECT head_seq, audit_n, audit_hash FROM sequencer WHERE id = 1 FOR UPDATE')) as unknown as [unknown, { rows: Array<{ head_seq: number; audit_n: number; audit_hash: string }> }];
        const { head_seq: head, audit_n, audit_hash } = seq.rows[0]!;
        const missed = head > afterSeq ? (await client.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE seq > $1 ORDER BY seq`, [afterSeq])).rows : [];
        const answers = new Map<string, string>();
        if (commandIds.length) {
          const r = await client.query<{ command_id: string; result: string }>('SELECT command_id, result FROM commands WHERE command_id = ANY($1::text[])', [commandIds]);
          for (const a of r.rows) answers.set(a.command_id, a.result);
        }
        let done = false;
        const window: CommitWindow = {
          head, audit: { n: audit_n, hash: audit_hash }, missed, answers,
          async commit(rows: { events: EventRow[]; audit: AuditRow[]; answers: AnswerRow[] }) {
            if (done) throw new Error('commit window already closed');
            done = true;
            try {
              const lastEvent = rows.events[rows.events.length - 1];
              const lastLink = rows.audit[rows.audit.length - 1];
              if (lastEvent && lastEvent.seq !== head + rows.events.length) throw new Error(`events ${head + 1}… do not follow the head ${head}`);
              // One row per entity: the state of its last event in this commit.
              const last = new Map<string, EventRow>();
              for (const e of rows.events) last.set(`${e.entity}\u0000${e.id}`, e);
              const states = [...last.values()].map((e) => ({ ...e, state: JSON.stringify((JSON.parse(e.data) as { state: unknown }).state) }));
              // Every write of the commit in one statement (one round trip; empty arrays insert
              // nothing), then COMMIT: the window holds the sequencer, so each trip is every node's wait.
              await client.query(`WITH
                  ev AS (INSERT INTO events (${EVENT_COLUMNS}) SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])),
                  en AS (INSERT INTO entities (entity, id, seq, state) SELECT * FROM unnest($9::text[], $10::text[], $11::bigint[], $12::text[])
                    ON CONFLICT (entity, id) DO UPDATE SET seq = excluded.seq, state = excluded.state),
                  au AS (INSERT INTO audit (n, at, user_id, command_id, type, entity_id, before, after, prev_hash, hash)
                    SELECT * FROM unnest($13::bigint[], $14::bigint[], $15::text[], $16::text[], $17::text[], $18::text[], $19::text[], $20::text[], $21::text[], $22::text[])),
                  an AS (INSERT INTO commands (command_id, user_id, type, at, result) SELECT * FROM unnest($23::text[], $24::text[], $25::text[], $26::bigint[], $27::text[]))
                UPDATE sequencer SET head_seq = $28::bigint, audit_n = $29::bigint, audit_hash = $30::text WHERE id = 1
                RETURNING pg_notify($31::text, $28::bigint::text)`, [
                ...columns(rows.events, ['seq', 'at', 'type', 'entity', 'id', 'subdistrict', 'owners', 'data']),
                ...columns(states, ['entity', 'id', 'seq', 'state']),
                ...columns(rows.audit, ['n', 'at', 'user_id', 'command_id', 'type', 'entity_id', 'before', 'after', 'prev_hash', 'hash']),
                ...columns(rows.answers, ['command_id', 'user_id', 'type', 'at', 'result']),
                lastEvent?.seq ?? head, lastLink?.n ?? audit_n, lastLink?.hash ?? audit_hash, COMMIT_CHANNEL,
              ]);
              await client.query('COMMIT');
              await release(client);
            } catch (e) {
              await client.query('ROLLBACK').catch(() => undefined);
              await release(client, e);
              throw e;
            }
          },
          async abort() {
            if (done) return;
            done = true;
            try {
              await client.query('ROLLBACK');
              await release(client);
            } catch (e) {
              await release(client, e);
            }
          },
        };
        return window;
      } catch (e) {
        if (open) await client.query('ROLLBACK').catch(() => undefined);
        await release(client, e);
        throw e;
      }
    },

    async eventsAfter(afterSeq, limit) {
      return (await pool.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE seq > $1 ORDER BY seq LIMIT $2`, [afterSeq, limit])).rows;
    },

    async head() {
      const r = await pool.query<{ head_seq: number; compacted_through: number }>('SELECT head_seq, compacted_through FROM sequencer WHERE id = 1');
      return { head: r.rows[0]!.head_seq, compactedThrough: r.rows[0]!.compacted_through };
    },

    async answered(ids) {
      if (ids.length === 0) return new Set();
      const r = await pool.query<{ command_id: string }>('SELECT command_id FROM commands WHERE command_id = ANY($1::text[])', [ids]);
      return new Set(r.rows.map((a) => a.command_id));
    },

    entities() {
      // One snapshot: the head and the states as of that head.
      return inTransaction(pool, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', async (client) => {
        const head = (await client.query<{ head_seq: number }>('SELECT head_seq FROM sequencer WHERE id = 1')).rows[0]!.head_seq;
        const rows = (await client.query<{ entity: string; state: string }>('SELECT entity, state FROM entities ORDER BY entity, id')).rows;
        return { head, rows };
      });
    },

    onCommit: listen,

    async compact(before) {
      // In steps of COMPACT_STEP seqs, each its own short transaction: the first compaction of a
      // long-running store deletes months at once, which in one statement would outlast the
      // query timeout and hold its locks the while.
      const { rows } = await pool.query<{ m: number | null; from: number }>(
        'SELECT (SELECT MAX(seq) FROM events WHERE at < $1 AND seq < (SELECT head_seq FROM sequencer WHERE id = 1)) AS m, (SELECT compacted_through FROM sequencer WHERE id = 1) AS "from"',
        [before],
      );
      const m = rows[0]?.m ?? null;
      if (!m) return 0;
      let n = 0;
      for (let upTo = Math.min(m, rows[0]!.from + COMPACT_STEP); ; upTo = Math.min(m, upTo + COMPACT_STEP)) {
        n += await inTransaction(pool, 'BEGIN', async (client) => {
          const deleted = (await client.query('DELETE FROM events WHERE seq <= $1', [upTo])).rowCount ?? 0;
          await client.query('UPDATE sequencer SET compacted_through = GREATEST(compacted_through, $1) WHERE id = 1', [upTo]);
          return deleted;
        });
        if (upTo >= m) return n;
      }
    },
  };
}
