/**
 * Statistics over a large history: 1,000,000 cases of facts (two years, 14 subdistricts, the
 * whole catalog, departments from the catalog's owners, returns, reworks, extensions, late
 * stages), inserted directly in one transaction, rollups rebuilt from them, then the queries
 * timed over several periods and groupings. Budget: every answer under 500 ms.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HubCore } from '../hub/core';
import { loadRules } from '../hub/rules';
import { readResource } from '../hub/resources';
import { StatsStore } from '../hub/stats/store';
import { StatsQueries, type Scope } from '../hub/stats/query';
import { loadNames } from '../hub/stats/names';
import { FACT_COLUMNS, rowValues } from '../hub/stats/rows';
import { DEFAULT_WEIGHTS, runningDeadline, type CaseFact } from '../shared/domain/assessment';
import { parseCatalog } from '../shared/domain/catalog';
import type { Case, HubEvent } from '../shared/protocol';
import { mulberry32 } from '../hub/simulator/random';
import { withBudget, type Figure } from './figures';

const CASES = Number(process.env.BENCH_STATS_CASES ?? 1_000_000);
const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const bj = (s: string) => Date.parse(`${s}+08:00`);
const START = bj('2025-01-01T00:00:00');
const END = bj('2027-01-01T00:00:00');
const NOW = END;
const SOURCES = ['hotline', 'hotline', 'hotline', 'patrol', 'patrol', 'video', 'police', 'officer'] as const;
/** Reports by hour of day (a believable day: quiet nights, busy mornings). */
const HOURLY = [1, 1, 1, 1, 1, 2, 4, 7, 10, 11, 11, 10, 8, 9, 10, 10, 9, 8, 6, 5, 4, 3, 2, 1];

/** Deterministic (the simulator's mulberry32), so every run builds the same history. */
const rng = mulberry32;

function generate(core: HubCore): { rows: number; ms: number } {
  const r = rng(12345);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)]!;
  const names = loadNames();
  const catalog = parseCatalog(readResource('catalog/categories.json'));
  const byCommunity = new Map<string, string[]>();
  for (const [c, s] of names.communityOf) byCommunity.set(s, [...(byCommunity.get(s) ?? []), c]);
  const subs = names.subdistricts;
  const hourWeights = HOURLY.flatMap((w, h) => Array<number>(w).fill(h));
  const categories = catalog.categories;
  const departments = [...new Set(categories.map((c) => c.owner))];
  const insert = core.db.prepare(`INSERT INTO case_facts (${FACT_COLUMNS.join(', ')}) VALUES (${FACT_COLUMNS.map(() => '?').join(', ')})`);
  const put = (f: CaseFact) => insert.run(rowValues(f));
  const t0 = performance.now();
  let rows = 0;
  // A bulk load: the secondary indexes are built once at the end (a sort) instead of row by row.
  const indexes = core.db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'case_facts' AND sql IS NOT NULL AND name <> 'case_facts_case'`).all() as Array<{ name: string; sql: string }>;
  core.db.transaction(() => {
    for (const i of indexes) core.db.exec(`DROP INDEX ${i.name}`);
    for (let i = 0; i < CASES; i++) {
      const sub = pick(subs);
      const cat = pick(categories);
      // In time order, as a hub's facts are written: days fill one after the other.
      const day = Math.floor((i / CASES) * ((END - START) / DAY));
      const reportedAt = START + day * DAY + pick(hourWeights) * HOUR + Math.floor(r() * HOUR);
      const base: CaseFact = {
        caseId: `B${String(i).padStart(8, '0')}`, dept: '', owner: true, subdistrict: sub, community: pick(byCommunity.get(sub) ?? [`${sub}001`]),
        category: cat.code, source: pick(SOURCES), urgency: 'normal', lng: 121.3 + r() * 0.2, lat: 31.0 + r() * 0.2, status: 'reported',
        reportedAt, registeredAt: null, dispatchedAt: null, acceptedAt: null, resolvedAt: null, closedAt: null,
        dispatchOnTime: null, acceptOnTime: null, resolveOnTime: null, returned: false, reopened: false, extended: false, submitted: false,
        dispatchDue: reportedAt + 30 * MIN, handlingDue: null, dueAt: null, runningDue: null, updatedAt: reportedAt, seq: i + 1,
      };
      const fate = r();
      if (fate < 0.03) { // rejected or merged at registration
        put({ ...base, status: 'rejected' });
        rows++;
        continue;
      }
      const recent = reportedAt > NOW - 3 * DAY;
      const registeredAt = reportedAt + Math.floor(r() * 20 * MIN);
      const dispatchedAt = registeredAt + Math.floor(r() * 30 * MIN);
      const handlingHours = pick([2, 4, 4, 8, 40, 120]);
      let handlingDue = dispatchedAt + handlingHours * HOUR * (handlingHours >= 8 ? 3 : 1.5);
      const returned = r() < 0.05;
      const firstDept = pick(departments);
      const lastDept = returned ? pick(departments) : firstDept;
      const redispatchAt = dispatchedAt + Math.floor(r() * 2 * HOUR);
      const lastDispatch = returned ? redispatchAt : dispatchedAt;
      if (returned) handlingDue = lastDispatch + handlingHours * HOUR * 1.5;
      const extended = r() < 0.02;
      if (extended) handlingDue += 8 * HOUR;
      const acceptedAt = lastDispatch + Math.floor(r() * 90 * MIN);
      const resolvedAt = acceptedAt + Math.floor(r() * (handlingDue - acceptedAt) * 1.25);
      const reopened = r() < 0.03;
      const closedAt = resolvedAt + Math.floor(r() * 6 * HOUR);
      const open = recent && r() < 0.5;
      const c: CaseFact = {
        ...base, status: open ? 'accepted' : 'closed', registeredAt, dispatchedAt, acceptedAt, resolvedAt: open ? null : resolvedAt, closedAt: open ? null : closedAt,
        dispatchOnTime: dispatchedAt <= base.dispatchDue!, acceptOnTime: acceptedAt <= handlingDue, resolveOnTime: open ? null : resolvedAt <= handlingDue,
        returned, reopened: !open && reopened, extended, submitted: !open, handlingDue, dueAt: handlingDue, updatedAt: open ? acceptedAt : closedAt,
      };
      c.runningDue = runningDeadline(c.status, c.dispatchDue, c.handlingDue, false);
      put(c);
      rows++;
      const owning = { ...c, runningDue: runningDeadline(c.status, c.dispatchDue, c.handlingDue, true) };
      if (returned && lastDept !== firstDept) {
        // The department that returned it keeps the return; the next one does the work.
        put({ ...c, dept: firstDept, owner: false, acceptedAt: null, acceptOnTime: null, resolvedAt: null, resolveOnTime: null, closedAt: null, reopened: false, extended: false, submitted: false, dueAt: null, runningDue: null, status: 'returned' });
        put({ ...owning, dept: lastDept, returned: false, dispatchedAt: lastDispatch, dispatchOnTime: lastDispatch <= redispatchAt + 30 * MIN });
        rows += 2;
      } else {
        put({ ...owning, dept: firstDept });
        rows++;
      }
    }
    for (const i of indexes) core.db.exec(i.sql);
  })();
  return { rows, ms: performance.now() - t0 };
}

/** Case events through the live path (fold, facts, rollups by difference), in bursts of 50. */
function incremental(store: StatsStore): number {
  const seat: [number, number] = [121.3717, 31.1117];
  const events: HubEvent[] = [];
  let seq = store.factsSeq;
  const t = NOW - 2 * DAY;
  for (let i = 0; i < 500; i++) {
    const id = `I${i}`;
    let c: Case = {
      id, version: 1, status: 'reported', previousStatus: null, source: 'hotline', externalRef: null, categoryCode: '06010', urgency: 'normal', point: seat,
      address: '', subdistrictCode: '310112101', communityCode: '310112101001', reporter: null, description: '', attachments: [], owners: [],
      reportedAt: t, registeredAt: null, dispatchedAt: null, acceptedAt: null, resolvedAt: null, closedAt: null, dispatchDue: t + 30 * MIN,
      handlingDue: null, dueSoonAt: null, overdueAt: null, mergedInto: null, updatedAt: t,
    };
    const steps: Array<[string, Partial<Case>]> = [
      ['case.reported', {}], ['case.registered', { status: 'registered', registeredAt: t + MIN }],
      ['case.dispatched', { status: 'dispatched', dispatchedAt: t + 2 * MIN, owners: ['greening'], handlingDue: t + 4 * HOUR }],
      ['case.accepted', { status: 'accepted', acceptedAt: t + 3 * MIN }], ['case.resolved', { status: 'resolved', resolvedAt: t + HOUR }],
      ['case.closed', { status: 'closed', closedAt: t + 2 * HOUR }],
    ];
    steps.forEach(([type, patch], k) => {
      c = { ...c, ...patch };
      events.push({ seq: 0, at: t + k * MIN, type, entity: 'case', id, data: { state: c, by: null, commandId: null, detail: {} } });
    });
  }
  // Interleave the cases, as a real log does.
  const order = events.map((e, i) => ({ e, k: (i % 6) * 1000 + Math.floor(i / 6) })).sort((a, b) => a.k - b.k).map((x) => ({ ...x.e, seq: ++seq }));
  const t0 = performance.now();
  for (let i = 0; i < order.length; i += 50) store.applyEvents(order.slice(i, i + 50));
  return order.length / ((performance.now() - t0) / 1000);
}

/**
 * BENCH_STATS_DB=<dir>: keep the generated store there and reuse it on the next run (for work
 * on the queries; the insert and rebuild figures are then not measured).
 */
export async function benchStats(): Promise<Figure[]> {
  const keep = process.env.BENCH_STATS_DB;
  const dir = keep ?? fs.mkdtempSync(path.join(os.tmpdir(), 'bench-stats-'));
  const reuse = !!keep && fs.existsSync(path.join(dir, 'hub.sqlite'));
  fs.mkdirSync(dir, { recursive: true });
  const core = new HubCore(path.join(dir, 'hub.sqlite'), loadRules(), { sessionTtlMs: HOUR, maxFailedLogins: 5, lockoutMs: MIN }, () => NOW);
  const store = new StatsStore(core);
  store.start();
  const figures: Figure[] = [];
  let t0 = performance.now();
  if (!reuse) {
    const gen = generate(core);
    figures.push({ name: 'stats.facts.insert', value: Math.round(gen.rows / (gen.ms / 1000)), unit: 'rows/s' });
    t0 = performance.now();
    store.rebuildRollups();
    figures.push({ name: 'stats.rollups.rebuild', value: (performance.now() - t0) / 1000, unit: 's' });
    core.db.exec('ANALYZE');
  }
  const q = new StatsQueries(core.db, loadNames(), DEFAULT_WEIGHTS, () => NOW);

  const periods: Array<[string, number, number]> = [
    ['day', bj('2026-11-18T00:00:00'), bj('2026-11-19T00:00:00')],
    ['week', bj('2026-11-16T00:00:00'), bj('2026-11-23T00:00:00')],
    ['month', bj('2026-10-01T00:00:00'), bj('2026-11-01T00:00:00')],
    ['quarter', bj('2026-07-01T00:00:00'), bj('2026-10-01T00:00:00')],
    ['year', bj('2026-01-01T00:00:00'), bj('2027-01-01T00:00:00')],
    ['all', START, END],
    ['odd', bj('2025-03-03T10:17:00'), bj('2026-11-19T15:42:00')], // partial days at both ends, 20 months
  ];
  const scope: Scope = ['310112102'];
  const queries: Array<[string, (from: number, to: number) => unknown]> = [
    ['assessment.department', (from, to) => q.assessment({ from, to, groupBy: 'department', scope: null })],
    ['assessment.subdistrict', (from, to) => q.assessment({ from, to, groupBy: 'subdistrict', scope: null })],
    ['assessment.department.scoped', (from, to) => q.assessment({ from, to, groupBy: 'department', scope })],
    ['demands.category', (from, to) => q.demands({ from, to, groupBy: 'category', scope: null })],
    ['demands.community', (from, to) => q.demands({ from, to, groupBy: 'community', scope: null })],
    ['demands.hour', (from, to) => q.demands({ from, to, groupBy: 'hour', scope: null })],
    ['demands.source.scoped', (from, to) => q.demands({ from, to, groupBy: 'source', scope })],
    ['drilldown.closedOnTime', (from, to) => q.drilldown({ figure: 'dueClosedOnTime', groupBy: 'department', key: 'greening', from, to, scope: null, limit: 500, offset: 0 })],
    ['drilldown.community', (from, to) => q.drilldown({ figure: 'received', groupBy: 'community', key: '310112102001', from, to, scope: null, limit: 500, offset: 0 })],
  ];
  const time = (fn: () => unknown) => {
    const runs: number[] = [];
    for (let i = 0; i < 3; i++) {
      const s = performance.now();
      fn();
      runs.push(performance.now() - s);
    }
    return runs;
  };
  let worst = { name: '', ms: 0 };
  for (const [qname, fn] of queries) {
    for (const [pname, from, to] of periods) {
      const runs = time(() => fn(from, to));
      const name = `stats.${qname}.${pname}`;
      figures.push({ name, value: [...runs].sort((a, b) => a - b)[1]!, unit: 'ms' });
      const max = Math.max(...runs);
      if (max > worst.ms) worst = { name, ms: max };
    }
  }
  // The slowest single answer of all the runs above (its own figure names the query).
  figures.push(withBudget({ name: 'stats.query.worst', value: worst.ms, unit: 'ms' }, { max: 500 }));
  console.error(`stats: slowest answer ${worst.name} ${worst.ms.toFixed(1)} ms`);
  // Repeats cluster every case of the period (periods up to 93 days): not rollups, own figures,
  // held to the same budget (the slowest single answer of them, like stats.query.worst).
  let worstRepeat = { name: '', ms: 0 };
  const repeatRuns: Array<[string, { scope: Scope; radius: number; sameCategory: boolean }]> = [
    ['', { scope: null, radius: 100, sameCategory: true }],
    ['.anyClass', { scope: null, radius: 100, sameCategory: false }],
    ['.1km', { scope: null, radius: 1000, sameCategory: true }],
    ['.scoped', { scope, radius: 100, sameCategory: true }],
  ];
  for (const [variant, opts] of repeatRuns) {
    for (const [pname, from, to] of periods.filter(([p]) => ['day', 'week', 'month', 'quarter'].includes(p))) {
      // The variants only over the longest period (the most cases).
      if (variant && pname !== 'quarter') continue;
      const runs = time(() => q.repeats({ from, to, min: 2, limit: 100, ...opts }));
      const name = `stats.repeats${variant}.${pname}`;
      figures.push({ name, value: [...runs].sort((a, b) => a - b)[1]!, unit: 'ms' });
      const max = Math.max(...runs);
      if (max > worstRepeat.ms) worstRepeat = { name, ms: max };
    }
  }
  figures.push(withBudget({ name: 'stats.repeats.worst', value: worstRepeat.ms, unit: 'ms' }, { max: 500 }));
  console.error(`stats: slowest repeats answer ${worstRepeat.name} ${worstRepeat.ms.toFixed(1)} ms`);

  if (!reuse) {
    figures.push({ name: 'stats.incremental', value: Math.round(incremental(store)), unit: 'events/s' });
    t0 = performance.now();
    q.assessment({ from: bj('2026-01-01T00:00:00'), to: END, groupBy: 'department', scope: null });
    figures.push({ name: 'stats.assessment.department.year.after-live', value: performance.now() - t0, unit: 'ms' });
  }
  store.stop();
  core.close();
  if (!keep) fs.rmSync(dir, { recursive: true, force: true });
  return figures;
}
