/**
 * Reads of the statistics: assessment figures per department or subdistrict, public-demand
 * counts with their trend and hot spots, repeated demands, and the cases behind any figure.
 * Whole local months and days come from the rollups; only the partial days at the ends of a
 * period are read from the facts, through the index on each instant (see README.md).
 */
import {
  COUNT_METRICS, METRIC_AT, STAGE_AT, STAGES, addTo, contributions, emptyTally, forEachContribution, factCounts, finishFigures, isOverdueNow,
  localHour, mergeTally, splitPeriod, type CaseFact, type CountMetric, type Figures, type ScoreWeights, type Stage, type Tally,
} from '../../shared/domain/assessment';
import { DomainError } from '../../shared/domain/errors';
import type { Db } from '../store/db';
import { INSTANT_COLUMN, SLIM_COLUMNS, addRollupRow, slimFact, toFact, type FactRow } from './rows';
import { RepeatColumnsBuilder, clusterRepeatColumns, type RepeatColumns, type RepeatGroup } from './repeats';
import type { Names } from './names';

/** Subdistricts a user sees; null = the whole district. */
export type Scope = readonly string[] | null;

export const ASSESSMENT_GROUPINGS = ['department', 'subdistrict'] as const;
export type AssessmentGrouping = (typeof ASSESSMENT_GROUPINGS)[number];
export const DEMAND_GROUPINGS = ['category', 'bigClass', 'subdistrict', 'community', 'source', 'hour'] as const;
export type DemandGrouping = (typeof DEMAND_GROUPINGS)[number];
export const DRILL_FIGURES = [...COUNT_METRICS, 'overdueNow', ...STAGES.map((s) => `stage.${s}` as const)] as const;
export type DrillFigure = (typeof DRILL_FIGURES)[number];

/** Demand dimensions with '*' rows (a subdistrict does not determine the key). */
const STARRED = new Set<string>(['department', 'category', 'bigClass', 'source', 'hour']);

export interface AssessmentGroup { key: string; name: string | null; figures: Figures }
export interface AssessmentResult {
  from: number; to: number; asOf: number; groupBy: AssessmentGrouping; weights: ScoreWeights;
  groups: AssessmentGroup[];
  /** The whole scope, counting each case once (a case sent to two departments is one case). */
  total: Figures;
}

export interface DemandGroup { key: string; name: string | null; bigClass?: { code: string; name: string } | null; count: number; previous: number; change: number; changeRate: number | null }
export interface Hotspot { community: string; name: string | null; subdistrict: string; count: number; previous: number; rise: number; riseRate: number | null }
export interface DemandResult {
  from: number; to: number; previousFrom: number; previousTo: number; groupBy: DemandGrouping;
  total: number; previousTotal: number; change: number; changeRate: number | null;
  groups: DemandGroup[];
  hotspots: Hotspot[];
}

export interface DrillItem { caseId: string; department: string | null; subdistrict: string; community: string; category: string; at: number; minutes?: number }
export interface DrillResult { figure: DrillFigure; groupBy: AssessmentGrouping | DemandGrouping; key: string | null; from: number; to: number; total: number; offset: number; items: DrillItem[] }

const rate = (now: number, before: number): number | null => (before > 0 ? (now - before) / before : null);

/**
 * Where `stats_repeat_point` puts the rows of a repeats scan: set by `repeatPoints` for the run
 * of its statement. One module-level slot is enough: a statement runs to its end synchronously,
 * and the function only stores (it runs no statement itself).
 */
let repeatSink: RepeatColumnsBuilder | null = null;

function collectRepeatPoint(rowid: unknown, category: unknown, lng: unknown, lat: unknown, at: unknown): number {
  if (!repeatSink) throw new Error('stats_repeat_point outside a repeats scan');
  return repeatSink.add(category as string, lng as number, lat as number, at as number, rowid as number);
}

export class StatsQueries {
  private readonly edgeStmt;
  private readonly rollupRange;
  private readonly demandRange;
  private readonly demandEdge;
  private readonly repeatScan;

  constructor(private readonly db: Db, private readonly names: Names, private readonly weights: ScoreWeights, private readonly clock: () => number) {
    // One statement over every instant's index (SQLite's multi-index OR), each row once.
    this.edgeStmt = db.prepare(`SELECT ${SLIM_COLUMNS.join(', ')} FROM case_facts WHERE ${Object.values(INSTANT_COLUMN).map((c) => `(${c} >= @a AND ${c} < @b)`).join(' OR ')}`).raw(true);
    this.rollupRange = db.prepare('SELECT * FROM stats_rollup WHERE dim = ? AND sub = ? AND grain = ? AND start >= ? AND start < ?');
    this.demandEdge = db.prepare(`SELECT reported_at, subdistrict, community, category, source FROM case_facts INDEXED BY case_facts_demand
      WHERE reported_at >= ? AND reported_at < ? AND dept = ''`).raw(true);
    this.demandRange = db.prepare('SELECT key, SUM(n) AS n FROM stats_demand WHERE dim = ? AND sub = ? AND grain = ? AND start >= ? AND start < ? GROUP BY key');
    // The repeats scan (see `repeatPoints`), all cases or those of some subdistricts.
    db.function('stats_repeat_point', { deterministic: false, directOnly: true }, collectRepeatPoint);
    const repeatScan = (scoped: boolean) => db.prepare(`SELECT stats_repeat_point(rowid, category, lng, lat, reported_at) FROM case_facts INDEXED BY case_facts_demand
      WHERE reported_at >= @from AND reported_at < @to AND dept = ''${scoped ? ' AND subdistrict IN (SELECT value FROM json_each(@scope))' : ''}
      ORDER BY reported_at, subdistrict, community, category, source, lng, lat, case_id`).pluck();
    this.repeatScan = { all: repeatScan(false), scoped: repeatScan(true) };
  }

  // ───────── assessment ─────────

  assessment(q: { from: number; to: number; groupBy: AssessmentGrouping; scope: Scope }): AssessmentResult {
    const now = this.clock();
    const edges = new Map<number, CaseFact[]>();
    const groups = this.tallies(q.groupBy, q.from, q.to, q.scope, edges);
    const overdue = this.overdueCounts(q.groupBy, now, q.scope);
    const total = emptyTally();
    if (q.scope === null) {
      // The district's own rows ('*'): each case once, whatever the grouping.
      mergeTally(total, this.tallies('subdistrict', q.from, q.to, q.scope, edges, true).get('*') ?? emptyTally());
    } else {
      const cases = q.groupBy === 'subdistrict' ? groups : this.tallies('subdistrict', q.from, q.to, q.scope, edges);
      for (const t of cases.values()) mergeTally(total, t);
    }
    const keys = [...new Set([...groups.keys(), ...overdue.keys()])].sort();
    const caseOverdue = q.groupBy === 'subdistrict' ? overdue : this.overdueCounts('subdistrict', now, q.scope);
    return {
      from: q.from, to: q.to, asOf: now, groupBy: q.groupBy, weights: this.weights,
      groups: keys.map((key) => ({ key, name: this.names.name(q.groupBy, key), figures: finishFigures(groups.get(key) ?? emptyTally(), this.weights, overdue.get(key) ?? 0) })),
      total: finishFigures(total, this.weights, [...caseOverdue.values()].reduce((a, b) => a + b, 0)),
    };
  }

  /** Tallies per key of an assessment dimension for [from, to). */
  /** `district`: only the whole district's rows, under the key '*' (scope must be null). */
  private tallies(dim: AssessmentGrouping, from: number, to: number, scope: Scope, edgeCache = new Map<number, CaseFact[]>(), district = false): Map<string, Tally> {
    const out = new Map<string, Tally>();
    const get = (k: string) => {
      let t = out.get(k);
      if (!t) out.set(k, (t = emptyTally()));
      return t;
    };
    const parts = splitPeriod(from, to);
    for (const sub of district ? ['*'] : this.subsFor('stats_rollup', dim, scope)) {
      const ranges: Array<['d' | 'm', number, number]> = parts.days.map(([a, b]) => ['d', a, b]);
      if (parts.months) ranges.push(['m', parts.months[0], parts.months[1]]);
      for (const [grain, a, b] of ranges) {
        for (const r of this.rollupRange.all(dim, sub, grain, a, b) as Array<Record<string, unknown> & { key: string }>) addRollupRow(get(r.key), r);
      }
    }
    for (const [a, b] of parts.edges) {
      let facts = edgeCache.get(a);
      if (!facts) edgeCache.set(a, (facts = this.edgeFacts(a, b)));
      for (const f of facts) {
        if ((dim === 'department') === (f.dept === '') || !inScope(scope, f.subdistrict)) continue;
        const t = get(district ? '*' : dim === 'department' ? f.dept : f.subdistrict);
        forEachContribution(f, (metric, stage, at, ms) => {
          if (at >= a && at < b) addTo(t, metric, stage, ms, 1);
        });
      }
    }
    return out;
  }

  private overdueCounts(dim: AssessmentGrouping, now: number, scope: Scope): Map<string, number> {
    const out = new Map<string, number>();
    const rows = this.db.prepare('SELECT dept, subdistrict, running_due FROM case_facts WHERE running_due < ?').all(now) as Array<Pick<FactRow, 'dept' | 'subdistrict' | 'running_due'>>;
    for (const r of rows) {
      if ((dim === 'department') === (r.dept === '') || !inScope(scope, r.subdistrict)) continue;
      const k = dim === 'department' ? r.dept : r.subdistrict;
      out.set(k, (out.get(k) ?? 0) + 1);
    }
    return out;
  }

  /** Facts with any figure instant in [a, b) (a partial day), each once. */
  private edgeFacts(a: number, b: number): CaseFact[] {
    return (this.edgeStmt.all({ a, b }) as unknown[][]).map(slimFact);
  }

  /** Which `sub` values of a rollup to read: '*' for the whole district where there is one. */
  private subsFor(table: 'stats_rollup' | 'stats_demand', dim: string, scope: Scope): readonly string[] {
    if (scope) return scope;
    if (STARRED.has(dim)) return ['*'];
    // The distinct subdistricts by seeking the primary key (dim, sub, …) once per value.
    return this.db.prepare(`WITH RECURSIVE s(sub) AS (SELECT MIN(sub) FROM ${table} WHERE dim = @dim
      UNION ALL SELECT (SELECT MIN(sub) FROM ${table} WHERE dim = @dim AND sub > s.sub) FROM s WHERE s.sub IS NOT NULL)
      SELECT sub FROM s WHERE sub IS NOT NULL AND sub <> '*'`).pluck().all({ dim }) as string[];
  }

  // ───────── public demands ─────────

  demands(q: { from: number; to: number; groupBy: DemandGrouping; scope: Scope; top?: number }): DemandResult {
    const len = q.to - q.from;
    const prevFrom = q.from - len;
    const cur = this.demandCounts(q.groupBy, q.from, q.to, q.scope);
    const prev = this.demandCounts(q.groupBy, prevFrom, q.from, q.scope);
    const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
    const totalNow = q.groupBy === 'subdistrict' ? sum(cur) : sum(this.demandCounts('subdistrict', q.from, q.to, q.scope));
    const totalBefore = q.groupBy === 'subdistrict' ? sum(prev) : sum(this.demandCounts('subdistrict', prevFrom, q.from, q.scope));
    const keys = [...new Set([...cur.keys(), ...prev.keys()])];
    const groups: DemandGroup[] = keys.map((key) => {
      const count = cur.get(key) ?? 0;
      const previous = prev.get(key) ?? 0;
      const g: DemandGroup = { key, name: this.names.name(q.groupBy, key), count, previous, change: count - previous, changeRate: rate(count, previous) };
      if (q.groupBy === 'category') g.bigClass = this.names.bigClassOf(key);
      return g;
    });
    // Hours read as a day's curve; every other grouping as a ranking.
    if (q.groupBy === 'hour') groups.sort((a, b) => Number(a.key) - Number(b.key));
    else groups.sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : 1));
    const comNow = q.groupBy === 'community' ? cur : this.demandCounts('community', q.from, q.to, q.scope);
    const comBefore = q.groupBy === 'community' ? prev : this.demandCounts('community', prevFrom, q.from, q.scope);
    const hotspots: Hotspot[] = [...comNow].map(([community, count]) => {
      const previous = comBefore.get(community) ?? 0;
      return { community, name: this.names.name('community', community), subdistrict: this.names.communityOf.get(community) ?? community.slice(0, 9), count, previous, rise: count - previous, riseRate: rate(count, previous) };
    }).filter((h) => h.rise > 0)
      .sort((a, b) => b.rise - a.rise || b.count - a.count || (a.community < b.community ? -1 : 1))
      .slice(0, q.top ?? 10);
    return {
      from: q.from, to: q.to, previousFrom: prevFrom, previousTo: q.from, groupBy: q.groupBy,
      total: totalNow, previousTotal: totalBefore, change: totalNow - totalBefore, changeRate: rate(totalNow, totalBefore), groups, hotspots,
    };
  }

  private demandCounts(dim: DemandGrouping, from: number, to: number, scope: Scope): Map<string, number> {
    const out = new Map<string, number>();
    const add = (k: string, n: number) => out.set(k, (out.get(k) ?? 0) + n);
    const parts = splitPeriod(from, to);
    for (const sub of this.subsFor('stats_demand', dim, scope)) {
      const ranges: Array<['d' | 'm', number, number]> = parts.days.map(([a, b]) => ['d', a, b]);
      if (parts.months) ranges.push(['m', parts.months[0], parts.months[1]]);
      for (const [grain, a, b] of ranges) for (const r of this.demandRange.all(dim, sub, grain, a, b) as Array<{ key: string; n: number }>) add(r.key, r.n);
    }
    for (const [a, b] of parts.edges) {
      for (const [reportedAt, subdistrict, community, category, source] of this.demandEdge.all(a, b) as Array<[number, string, string, string, string]>) {
        if (inScope(scope, subdistrict)) add(demandKey(dim, { reportedAt, subdistrict, community, category, source }), 1);
      }
    }
    for (const [k, n] of out) if (n === 0) out.delete(k);
    return out;
  }

  /** Demands reported from the same place (within `radius` m) in [from, to), grouped. */
  repeats(q: { from: number; to: number; scope: Scope; radius: number; min: number; sameCategory: boolean; limit: number }): { from: number; to: number; radius: number; groups: RepeatGroup[] } {
    const points = this.repeatPoints(q.from, q.to, q.scope);
    const byRowid = this.db.prepare('SELECT case_id, community FROM case_facts WHERE rowid = ?').raw(true);
    const groups: RepeatGroup[] = clusterRepeatColumns(points, { radiusM: q.radius, minCount: q.min, sameCategory: q.sameCategory, limit: q.limit }).map((c) => {
      const members = c.members.map((i) => byRowid.get(points.ref[i]!) as [string, string]);
      return { center: c.center, count: c.count, categories: c.categories, communities: [...new Set(members.map((m) => m[1]))], first: c.first, last: c.last, caseIds: members.map((m) => m[0]) };
    });
    return { from: q.from, to: q.to, radius: q.radius, groups };
  }

  /**
   * The cases reported in [from, to) (in scope) as columns, in the covering index's own order
   * (report time, then place and id): no sort, no table, the same order on every hub; ids and
   * communities are read later, only for the groups that are returned.
   *
   * SQLite hands each row to `stats_repeat_point`, which stores it in typed arrays. A quarter is
   * ~125,000 rows: taking them as row arrays (better-sqlite3 makes a JS array and strings per
   * row) and then point objects cost ~0.3 s and as much again in garbage collection; this ~0.1 s.
   */
  private repeatPoints(from: number, to: number, scope: Scope): RepeatColumns & { ref: Float64Array } {
    const sink = new RepeatColumnsBuilder();
    repeatSink = sink;
    let order: number[];
    try {
      order = (scope ? this.repeatScan.scoped.all({ from, to, scope: JSON.stringify(scope) }) : this.repeatScan.all.all({ from, to })) as number[];
    } finally {
      repeatSink = null;
    }
    // The function answers each row's index in the sink. The index gives the ORDER BY, so rows
    // come back as they are met; were SQLite ever to sort after calling it, `order` still puts
    // the columns in the statement's order.
    return sink.columns(order);
  }

  // ───────── drill-down ─────────

  drilldown(q: { figure: DrillFigure; groupBy: AssessmentGrouping | DemandGrouping; key: string | null; from: number; to: number; scope: Scope; limit: number; offset: number }): DrillResult {
    const demand = !(ASSESSMENT_GROUPINGS as readonly string[]).includes(q.groupBy);
    if (demand && q.figure !== 'received') throw new DomainError('invalid_input', `grouping by ${q.groupBy} has only the figure "received"`);
    const deptRows = q.groupBy === 'department';
    const matchKey = (f: CaseFact) => q.key === null || groupKey(q.groupBy, f) === q.key;
    const keep = (f: CaseFact) => (f.dept !== '') === deptRows && inScope(q.scope, f.subdistrict) && matchKey(f);
    const items: DrillItem[] = [];
    let total = 0;
    const take = (f: CaseFact, at: number, minutes?: number) => {
      if (total >= q.offset && items.length < q.limit) {
        const item: DrillItem = { caseId: f.caseId, department: f.dept || null, subdistrict: f.subdistrict, community: f.community, category: f.category, at };
        if (minutes !== undefined) item.minutes = minutes;
        items.push(item);
      }
      total++;
    };
    if (q.figure === 'overdueNow') {
      const now = this.clock();
      for (const r of this.db.prepare('SELECT * FROM case_facts WHERE running_due < ? ORDER BY running_due, case_id, dept').iterate(now) as IterableIterator<FactRow>) {
        const f = toFact(r);
        if (keep(f) && isOverdueNow(f, now)) take(f, f.runningDue!);
      }
      return { figure: q.figure, groupBy: q.groupBy, key: q.key, from: q.from, to: q.to, total, offset: q.offset, items };
    }
    const stage = q.figure.startsWith('stage.') ? (q.figure.slice(6) as Stage) : null;
    const field = stage ? STAGE_AT[stage] : METRIC_AT[q.figure as CountMetric];
    const col = INSTANT_COLUMN[field as keyof typeof INSTANT_COLUMN];
    const byDemandIndex = q.key !== null && (q.groupBy === 'community' || q.groupBy === 'category');
    const at = byDemandIndex ? 'reported_at' : col;
    const where = [`${at} >= @from`, `${at} < @to`, ...drillFilter(q)];
    // In index order (SQLite sorts only cases with the same instant), so the walk stops at a
    // full page; the case id breaks ties the same way on every hub, rebuilt or not.
    const sql = `SELECT * FROM case_facts WHERE ${where.join(' AND ')} ORDER BY ${at}, case_id, dept`;
    // The total is the figure's own count; the walk stops once the page is full.
    total = this.figureTotal(q, stage);
    let seen = 0;
    const params = { from: q.from, to: q.to, key: q.key, scope: JSON.stringify(q.scope ?? []) };
    for (const r of this.db.prepare(sql).iterate(params) as IterableIterator<FactRow>) {
      const f = toFact(r);
      if (!keep(f) || !factCounts(f, q.figure as CountMetric | `stage.${Stage}`, q.from, q.to)) continue;
      if (seen >= q.offset) {
        const at = f[field] as number;
        const item: DrillItem = { caseId: f.caseId, department: f.dept || null, subdistrict: f.subdistrict, community: f.community, category: f.category, at };
        if (stage) {
          const c = contributions(f).find((x) => 'stage' in x && x.stage === stage);
          if (c && 'ms' in c) item.minutes = Math.round(c.ms / 6_000) / 10;
        }
        items.push(item);
      }
      seen++;
      if (items.length >= q.limit) break;
    }
    return { figure: q.figure, groupBy: q.groupBy, key: q.key, from: q.from, to: q.to, total, offset: q.offset, items };
  }

  private figureTotal(q: { figure: DrillFigure; groupBy: AssessmentGrouping | DemandGrouping; key: string | null; from: number; to: number; scope: Scope }, stage: Stage | null): number {
    if (!(ASSESSMENT_GROUPINGS as readonly string[]).includes(q.groupBy)) {
      const counts = this.demandCounts(q.groupBy as DemandGrouping, q.from, q.to, q.scope);
      return q.key === null ? [...counts.values()].reduce((a, b) => a + b, 0) : counts.get(q.key) ?? 0;
    }
    const tallies = this.tallies(q.groupBy as AssessmentGrouping, q.from, q.to, q.scope);
    const pick = (t: Tally) => (stage ? t.stages[stage].n : t.counts[q.figure as CountMetric]);
    if (q.key !== null) return tallies.has(q.key) ? pick(tallies.get(q.key)!) : 0;
    let n = 0;
    for (const t of tallies.values()) n += pick(t);
    return n;
  }
}

/**
 * SQL conditions every fact behind a drilled figure meets: a superset, narrowed in SQL so the
 * walk converts few rows; `factCounts` (the definitions) still decides each one.
 */
const FIGURE_FILTER: Partial<Record<DrillFigure, string>> = {
  dispatchedOnTime: 'dispatch_on_time = 1', acceptedOnTime: 'accept_on_time = 1', resolvedOnTime: 'resolve_on_time = 1',
  returned: 'returned = 1', reopened: 'reopened = 1', extended: 'extended = 1', submitted: 'submitted = 1',
  dueClosed: 'closed_at IS NOT NULL', dueClosedOnTime: 'closed_at IS NOT NULL AND resolve_on_time = 1',
  'stage.dispatch': 'registered_at IS NOT NULL', 'stage.accept': 'dispatched_at IS NOT NULL',
  'stage.resolve': 'accepted_at IS NOT NULL', 'stage.close': 'resolved_at IS NOT NULL',
};

function drillFilter(q: { figure: DrillFigure; groupBy: AssessmentGrouping | DemandGrouping; key: string | null; scope: Scope }): string[] {
  const out: string[] = [];
  const f = FIGURE_FILTER[q.figure];
  if (f) out.push(f);
  out.push(q.groupBy === 'department' ? (q.key === null ? "dept <> ''" : 'dept = @key') : "dept = ''");
  if (q.key !== null) {
    if (q.groupBy === 'subdistrict' || q.groupBy === 'community' || q.groupBy === 'category' || q.groupBy === 'source') out.push(`${q.groupBy} = @key`);
    if (q.groupBy === 'bigClass') out.push('substr(category, 1, 2) = @key');
  }
  if (q.scope) out.push('subdistrict IN (SELECT value FROM json_each(@scope))');
  return out;
}

export function inScope(scope: Scope, subdistrict: string): boolean {
  return scope === null || scope.includes(subdistrict);
}

export function demandKey(dim: DemandGrouping, f: Pick<CaseFact, 'reportedAt' | 'subdistrict' | 'community' | 'category' | 'source'>): string {
  switch (dim) {
    case 'category': return f.category;
    case 'bigClass': return f.category.slice(0, 2);
    case 'subdistrict': return f.subdistrict;
    case 'community': return f.community;
    case 'source': return f.source;
    case 'hour': return String(localHour(f.reportedAt));
  }
}

function groupKey(dim: AssessmentGrouping | DemandGrouping, f: CaseFact): string {
  return dim === 'department' ? f.dept : demandKey(dim, f);
}
