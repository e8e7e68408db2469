/**
 * A generated recent past (issue 15) on real SQLite in a temp dir: a short history at a reduced
 * volume gives a gap-free log on historical times, cases in every status the closed loop
 * reaches, deadline marks at their moments, a storm operation stood down, the same store for
 * the same seed, a marker that stops a second generation, an interrupted generation redone
 * cleanly, and the live simulator going on from it without errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ensureHistory, STORE_FILE, type HistoryOptions, type HistoryResult } from '../../hub/simulator/history';
import { startHub } from '../../hub/server';
import { verifyChain } from '../../hub/audit/chain';
import type { Case, Operation } from '../../shared/protocol';

const DAY = 86_400_000;
/** Monday 20 July 2026, 12:00 Beijing time: the history ends here. */
const END = Date.parse('2026-07-20T12:00:00+08:00');
const OPTS: HistoryOptions = { days: 3, seed: 7, end: END, casesPerDay: 400 };

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'linkage-history-'));
const dirOf = (name: string) => {
  const d = path.join(root, name);
  fs.mkdirSync(d, { recursive: true });
  return d;
};

/** What a store holds, as one string: equal strings mean the same district. */
function digest(file: string): string {
  const db = new Database(file, { readonly: true });
  try {
    const cases = db.prepare('SELECT id, status, version, updated_at FROM cases ORDER BY id').raw().all();
    const events = db.prepare('SELECT seq, at, type, id FROM events ORDER BY seq').raw().all();
    return JSON.stringify({ cases, events });
  } finally {
    db.close();
  }
}

let clean: HistoryResult;
let cleanDir: string;

beforeAll(() => {
  cleanDir = dirOf('clean');
  clean = ensureHistory(cleanDir, OPTS)!;
});

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

describe('generated history', () => {
  it('writes a whole store with its marker, and nothing beside it', () => {
    expect(clean).not.toBeNull();
    expect(clean.errors).toBe(0);
    expect(clean.refusals).toBe(0);
    expect(clean.from).toBe(END - 3 * DAY);
    expect(fs.readdirSync(cleanDir)).toEqual([STORE_FILE]);
    const db = new Database(path.join(cleanDir, STORE_FILE), { readonly: true });
    const marker = JSON.parse(db.prepare(`SELECT value FROM meta WHERE key = 'history'`).pluck().get() as string) as HistoryResult;
    expect(marker.cases).toBe(clean.cases);
    expect(marker.events).toBe(clean.events);
    expect(verifyChain(db).ok).toBe(true);
    db.close();
  });

  it('has a gap-free log on historical times, in order', () => {
    const db = new Database(path.join(cleanDir, STORE_FILE), { readonly: true });
    const rows = db.prepare('SELECT seq, at FROM events ORDER BY seq').raw().all() as Array<[number, number]>;
    db.close();
    expect(rows.length).toBe(clean.events);
    rows.forEach(([seq], i) => expect(seq).toBe(i + 1));
    for (let i = 1; i < rows.length; i++) if (rows[i]![1] < rows[i - 1]![1]) throw new Error(`event ${rows[i]![0]} is earlier than the one before`);
    expect(rows[0]![1]).toBe(clean.from);
    expect(rows[rows.length - 1]![1]).toBeLessThanOrEqual(END);
    // Every day of the span has its reports.
    const days = new Set(rows.map(([, at]) => Math.floor((at - clean.from) / DAY)));
    for (const d of [0, 1, 2]) expect(days.has(d), `day ${d}`).toBe(true);
  });

  it('takes most cases to their end, with overdue, returned, suspended, rejected and merged ones', () => {
    const db = new Database(path.join(cleanDir, STORE_FILE), { readonly: true });
    const cases = (db.prepare('SELECT state FROM cases').pluck().all() as string[]).map((s) => JSON.parse(s) as Case);
    const types = new Map((db.prepare('SELECT type, COUNT(*) AS n FROM events GROUP BY type').all() as { type: string; n: number }[]).map((r) => [r.type, r.n]));
    db.close();
    expect(cases.length).toBe(clean.cases);
    expect(cases.length).toBeGreaterThan(3 * 400 * 0.8);
    // Reported on the first day: most are closed by the end (office departments take days).
    const older = cases.filter((c) => c.reportedAt < END - 2 * DAY);
    expect(older.filter((c) => c.status === 'closed').length / older.length).toBeGreaterThan(0.75);
    expect(cases.filter((c) => c.status === 'closed').length / cases.length).toBeGreaterThan(0.5);
    expect(cases.filter((c) => c.overdueAt !== null).length).toBeGreaterThan(0);
    expect(cases.filter((c) => c.status === 'rejected' && c.mergedInto === null).length).toBeGreaterThan(0);
    expect(cases.filter((c) => c.mergedInto !== null).length).toBeGreaterThan(0);
    for (const t of ['case.returned', 'case.suspended', 'case.resumed', 'case.reopened', 'case.dueSoon', 'case.overdue', 'unit.statusChanged']) {
      expect(types.get(t) ?? 0, t).toBeGreaterThan(0);
    }
  });

  it('marks deadlines when they fell due, on the simulated clock', () => {
    const db = new Database(path.join(cleanDir, STORE_FILE), { readonly: true });
    // The case's last change before the mark: a case reopened after its deadline is overdue from then.
    const before = db.prepare(`SELECT MAX(at) FROM events WHERE id = ? AND seq < ? AND type NOT IN ('case.dueSoon', 'case.overdue')`).pluck();
    const marks = (db.prepare(`SELECT seq, id, at, data FROM events WHERE type = 'case.overdue'`).all() as { seq: number; id: string; at: number; data: string }[])
      .map((r) => ({ at: r.at, due: (JSON.parse(r.data) as { detail: { due: number } }).detail.due, changed: before.get(r.id, r.seq) as number }));
    db.close();
    expect(marks.length).toBeGreaterThan(10);
    // The deadline pass runs every 5 simulated minutes: a mark follows its deadline (or the
    // change that made it run again) within one pass, never before it.
    for (const m of marks) {
      expect(m.at).toBeGreaterThan(m.due);
      expect(m.at - Math.max(m.due, m.changed)).toBeLessThanOrEqual(5 * 60_000);
    }
    // Most marks are a deadline passing, not a late change.
    expect(marks.filter((m) => m.changed < m.due).length / marks.length).toBeGreaterThan(0.5);
  });

  it('runs a storm operation through escalation and task reports to its stand-down', () => {
    expect(clean.operations).toEqual({ activated: 1, stoodDown: 1 });
    const db = new Database(path.join(cleanDir, STORE_FILE), { readonly: true });
    const ops = (db.prepare('SELECT state FROM operations').pluck().all() as string[]).map((s) => JSON.parse(s) as Operation);
    const op = ops[0]!;
    // What its departments resolved, the center verified as it stood down: nothing of the storm waits for ever.
    const waiting = op ? db.prepare(`SELECT COUNT(*) FROM cases WHERE status = 'resolved' AND id IN (SELECT value FROM json_each(?))`).pluck().get(JSON.stringify(op.caseIds)) : null;
    db.close();
    expect(ops).toHaveLength(1);
    expect(waiting).toBe(0);
    expect(op.planId).toBe('typhoon-flood');
    expect(op.status).toBe('stood_down');
    expect(op.summary).toMatch(/响应终止/);
    expect(op.caseIds.length).toBeGreaterThanOrEqual(15);
    const kinds = op.log.map((l) => l.kind);
    for (const k of ['activated', 'escalated', 'task_acknowledged', 'task_done', 'deescalated', 'stood_down']) expect(kinds, k).toContain(k);
    expect(op.tasks.filter((t) => t.required && t.status !== 'done' && t.status !== 'cancelled')).toEqual([]);
    expect(op.stoodDownAt!).toBeLessThan(END);
  });

  it('is the same district for the same seed, and an interrupted generation is redone cleanly', () => {
    const dir = dirOf('interrupted');
    expect(() => ensureHistory(dir, {
      ...OPTS, onProgress: (p) => {
        if (p.fraction > 0.5) throw new Error('killed half-way');
      },
    })).toThrow('killed half-way');
    // Half a month is never the store: only the side file is left.
    expect(fs.existsSync(path.join(dir, STORE_FILE))).toBe(false);
    expect(fs.readdirSync(dir).some((f) => f.startsWith(`${STORE_FILE}.generating`))).toBe(true);
    const redone = ensureHistory(dir, OPTS);
    expect(redone).not.toBeNull();
    expect(fs.readdirSync(dir)).toEqual([STORE_FILE]);
    expect(redone!.cases).toBe(clean.cases);
    expect(digest(path.join(dir, STORE_FILE))).toBe(digest(path.join(cleanDir, STORE_FILE)));
  });

  it('is reused by later starts, gets its accounts, and the live simulator carries on without errors', async () => {
    const hub = await startHub({
      dataDir: cleanDir, port: 0, log: () => {}, defaultAccounts: true, credentialsFile: null, timerIntervalMs: 250,
      history: { days: 3, seed: 7 }, simulator: { speed: 3600, seed: 7, scenario: 'day' },
    });
    try {
      expect(hub.history).toBeNull();
      expect(hub.credentials?.accounts.map((a) => a.username)).toContain('officer');
      // The store's past is untouched by the second start (the simulator adds after it).
      const open = hub.core.db.prepare(`SELECT COUNT(*) FROM cases WHERE status NOT IN ('closed', 'rejected')`).pluck().get() as number;
      expect(open).toBeGreaterThan(0);
      const deadline = Date.now() + 30_000;
      // Adopted cases move when their time comes on the simulated clock: wait for both kinds.
      const moved = (c: Record<string, number>) => (c['case.accept'] ?? 0) + (c['case.resolve'] ?? 0) + (c['case.verify'] ?? 0);
      const waiting = () => {
        const c = hub.simulatorStats()?.commands ?? {};
        return (c['case.report'] ?? 0) < 5 || moved(c) === 0;
      };
      while (waiting() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const s = hub.simulatorStats()!;
      expect(s.commands['case.report']).toBeGreaterThanOrEqual(5);
      // It adopted the history's open cases: some of them moved on.
      expect(moved(s.commands)).toBeGreaterThan(0);
      expect(s.errors).toBe(0);
      // The past is as generated: everything after it is the live run's.
      expect(hub.core.db.prepare('SELECT COUNT(*) FROM events WHERE at <= ?').pluck().get(END)).toBe(clean.events);
      expect(hub.core.db.prepare('SELECT MIN(seq) FROM events WHERE at > ?').pluck().get(END)).toBe(clean.events + 1);
    } finally {
      await hub.close();
    }
  });
});
