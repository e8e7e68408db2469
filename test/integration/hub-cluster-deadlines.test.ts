/**
 * Singleton work on a cluster (issue 16): the deadline timer runs on the node holding the lease
 * and moves when that node stops; across the handover every case gets each mark once — none
 * twice, none skipped. Two nodes on a real PostgreSQL share one controllable clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { startPostgres, type RunningPostgres } from '../helpers/postgres';
import { pointIn, report, testHub, XINZHUANG } from './helpers/hub';
import { nextMarkAt } from '../../hub/deadlines/timer';
import type { RunningHub } from '../../hub/server';
import type { Actor } from '../../shared/domain/roles';
import type { Case } from '../../shared/protocol';

let db: RunningPostgres;
let now = Date.UTC(2026, 11, 7, 1, 0, 0); // 09:00 district time, a Monday
const clock = () => now;
const nodes: RunningHub[] = [];
const officer: Actor = { userId: 'deadline-test', role: 'officer', subdistricts: [] };

async function marks(): Promise<Map<string, number>> {
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  try {
    const rows = (await c.query<{ type: string; n: number }>(`SELECT type, COUNT(*)::int AS n FROM events WHERE type IN ('case.dueSoon', 'case.overdue') GROUP BY type`)).rows;
    return new Map(rows.map((r) => [r.type, r.n]));
  } finally {
    await c.end();
  }
}

async function until(what: string, cond: () => Promise<boolean> | boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  db = await startPostgres();
  for (const node of ['a', 'b']) nodes.push(await testHub({ store: db.url, node, clock, timerIntervalMs: 100 }));
}, 120_000);

afterAll(async () => {
  for (const n of nodes) await n.close().catch(() => undefined);
  await db?.stop();
});

describe('the deadline timer on a cluster', () => {
  it('marks each case due soon and overdue once, across a handover of the lease', async () => {
    const N = 12;
    for (let i = 0; i < N; i++) {
      const r = await nodes[i % 2]!.core.apply(officer, { commandId: randomUUID(), type: 'case.report', expectedVersion: null, payload: report(pointIn(null, XINZHUANG)) });
      expect(r.ok).toBe(true);
    }
    await until('both views at the head', () => nodes[0]!.core.log.headSeq === nodes[1]!.core.log.headSeq);
    const cases = (nodes[0]!.core.db.prepare(`SELECT state FROM cases WHERE status = 'reported'`).pluck().all() as string[]).map((s) => JSON.parse(s) as Case);
    expect(cases).toHaveLength(N);
    expect(await marks()).toEqual(new Map());

    // Due soon everywhere, marked by whichever node leads.
    now = Math.max(...cases.map((c) => nextMarkAt(c)!)) + 1;
    await until('every case due soon', async () => (await marks()).get('case.dueSoon') === N);
    const leader = nodes.find((n) => n.leader())!;
    expect(nodes.filter((n) => n.leader())).toHaveLength(1);

    // The leader goes; the other takes the lease and marks them overdue.
    await leader.close();
    nodes.splice(nodes.indexOf(leader), 1);
    now = Math.max(...cases.map((c) => c.dispatchDue!)) + 2;
    await until('the other node leads', () => nodes[0]!.leader(), 15_000);
    await until('every case overdue', async () => (await marks()).get('case.overdue') === N);
    // A few more passes: nothing is marked again.
    await new Promise((r) => setTimeout(r, 1000));
    expect(await marks()).toEqual(new Map([['case.dueSoon', N], ['case.overdue', N]]));
  }, 60_000);
});
