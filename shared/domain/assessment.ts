/**
 * Performance assessment (绩效评价, ARCHITECTURE §3.1) as pure definitions:
 * what each figure counts, when it counts, and how rates and the composite score follow. The
 * hub computes the figures from its store with exactly these functions, so every console, the
 * wall and a supervisor's report see the same numbers.
 *
 * The pipeline:
 *  1. `foldCaseEvent` turns a case's events, in log order, into **facts**: one row for the case
 *     (`dept = ''`) and one row per department the case was ever dispatched to. A fact holds when
 *     each stage happened and whether it met the deadline in force at that moment (the deadline
 *     is on the case state each event carries: working-hours deadlines were computed from the
 *     calendar when they were set, so holidays and make-up days are already in them).
 *  2. `contributions` says which figures a fact adds to, and at which instant. A figure belongs
 *     to the period [from, to) that contains that instant.
 *  3. A `Tally` sums contributions; `finishFigures` turns a tally into counts, rates, stage times
 *     and the score.
 *
 * Period rules (all instants are epoch ms; "as of now" flags use the case's current facts):
 *  - Event counts belong to the period of their event: received (reportedAt), registered,
 *    dispatched (first dispatch of the case, or first dispatch to the department), accepted,
 *    resolved (the current, not-yet-rejected resolution), closed.
 *  - Dispatch cohort, at the dispatch instant: returned (退回), reopened after verification
 *    (返工), extended (延期: suspended with an extension), submitted (resolved at least once).
 *    Rates over the cohort are therefore always within 0..1.
 *  - Due cohort (应结案), at the handling deadline in force now (after extensions): due,
 *    dueClosed (closed by now), dueClosedOnTime (closed, and its final resolution was in time).
 *  - Stage times belong to the period in which the stage ended.
 *  - overdueNow is not a period figure: open cases whose running deadline has passed.
 */
import { z } from 'zod';
import type { Case } from '../protocol';
import { dayStart, localDay, localMonth, monthStart } from './district-time';

// ───────────────────────────── time ─────────────────────────────

// The district's clock (Beijing time) is shared/domain/district-time.ts; re-exported here for the
// hub's statistics, which read it beside the facts.
export { DISTRICT_OFFSET_MS as LOCAL_OFFSET_MS, dayStart, localDay, localHour, localMonth, monthStart } from './district-time';

/**
 * [from, to) as whole local months, whole local days outside them, and the partial days at the
 * ends: the hub answers the first two from its daily and monthly rollups and only the partial
 * days from the facts themselves.
 */
export interface PeriodParts {
  months: [number, number] | null;
  days: Array<[number, number]>;
  edges: Array<[number, number]>;
}

export function splitPeriod(from: number, to: number): PeriodParts {
  const out: PeriodParts = { months: null, days: [], edges: [] };
  if (!(to > from)) return out;
  let d0 = localDay(from);
  if (dayStart(d0) < from) d0 += 1;
  const d1 = localDay(to);
  if (d0 >= d1) {
    out.edges.push([from, to]);
    return out;
  }
  if (from < dayStart(d0)) out.edges.push([from, dayStart(d0)]);
  if (dayStart(d1) < to) out.edges.push([dayStart(d1), to]);
  let m0 = localMonth(dayStart(d0));
  if (monthStart(m0) < dayStart(d0)) m0 += 1;
  const m1 = localMonth(dayStart(d1));
  if (m0 < m1) {
    const a = localDay(monthStart(m0));
    const b = localDay(monthStart(m1));
    out.months = [m0, m1];
    if (d0 < a) out.days.push([d0, a]);
    if (b < d1) out.days.push([b, d1]);
  } else {
    out.days.push([d0, d1]);
  }
  return out;
}

// ───────────────────────────── facts ─────────────────────────────

/** Bump when the definitions below change: the hub then rebuilds its facts from the log. */
export const FACTS_VERSION = 1;

export interface CaseFact {
  caseId: string;
  /** '' for the case itself; otherwise a department the case was dispatched to. */
  dept: string;
  /** Department rows: the department owns the case now. Case rows: always true. */
  owner: boolean;
  subdistrict: string;
  community: string;
  category: string;
  source: string;
  urgency: string;
  lng: number;
  lat: number;
  status: string;
  reportedAt: number;
  registeredAt: number | null;
  /** First dispatch of the case (case row) or first dispatch to this department. */
  dispatchedAt: number | null;
  /** First acceptance after that dispatch. */
  acceptedAt: number | null;
  /** The current resolution; null again when verification sent the case back. */
  resolvedAt: number | null;
  closedAt: number | null;
  dispatchOnTime: boolean | null;
  acceptOnTime: boolean | null;
  resolveOnTime: boolean | null;
  returned: boolean;
  reopened: boolean;
  extended: boolean;
  submitted: boolean;
  /** The case's deadlines now (for the record; on-time flags use the ones at each event). */
  dispatchDue: number | null;
  handlingDue: number | null;
  /** The handling deadline this row is due to close by (null: not due, e.g. returned). */
  dueAt: number | null;
  /** The deadline running now for this row (null: none, finished, paused or no longer owner). */
  runningDue: number | null;
  updatedAt: number;
  seq: number;
}

/** What the fold needs of an event: the case state after it, as the hub's log carries it. */
export interface CaseEventInput {
  seq: number;
  at: number;
  type: string;
  state: Case;
  detail?: Record<string, unknown>;
}

const DISPATCH_STAGE = new Set(['reported', 'registered', 'returned']);
const HANDLING_STAGE = new Set(['dispatched', 'accepted', 'reopened']);

/** The deadline running in a status (deadlines.ts RUNNING_STAGE); departments only run handling. */
export function runningDeadline(status: string, dispatchDue: number | null, handlingDue: number | null, forDepartment: boolean): number | null {
  if (HANDLING_STAGE.has(status)) return handlingDue;
  if (!forDepartment && DISPATCH_STAGE.has(status)) return dispatchDue;
  return null;
}

/** On time: the stage's event happened no later than the deadline then in force (none: on time). */
const inTime = (at: number, due: number | null | undefined): boolean => due == null || at <= due;

function fromState(s: Case, dept: string, at: number, seq: number): CaseFact {
  return {
    caseId: s.id, dept, owner: true,
    subdistrict: s.subdistrictCode, community: s.communityCode, category: s.categoryCode, source: s.source, urgency: s.urgency,
    lng: s.point[0], lat: s.point[1], status: s.status,
    reportedAt: s.reportedAt, registeredAt: s.registeredAt, dispatchedAt: null, acceptedAt: null, resolvedAt: null, closedAt: null,
    dispatchOnTime: null, acceptOnTime: null, resolveOnTime: null,
    returned: false, reopened: false, extended: false, submitted: false,
    dispatchDue: s.dispatchDue, handlingDue: s.handlingDue, dueAt: null, runningDue: null, updatedAt: at, seq,
  };
}

/**
 * Facts of a case whose early events are no longer in the log (compacted): its current state
 * is all there is. Stage times are taken from the state; whether each stage met its deadline is
 * judged against the deadlines the case has now; returns and reworks before are unknown.
 */
export function factsFromSnapshot(s: Case, seq: number): CaseFact[] {
  const row = fromState(s, '', s.updatedAt, seq);
  Object.assign(row, {
    dispatchedAt: s.dispatchedAt, acceptedAt: s.acceptedAt, resolvedAt: s.resolvedAt, closedAt: s.closedAt,
    dispatchOnTime: s.dispatchedAt === null ? null : inTime(s.dispatchedAt, s.dispatchDue),
    acceptOnTime: s.acceptedAt === null ? null : inTime(s.acceptedAt, s.handlingDue),
    resolveOnTime: s.resolvedAt === null ? null : inTime(s.resolvedAt, s.handlingDue),
    submitted: s.resolvedAt !== null || s.closedAt !== null,
    extended: s.status === 'suspended',
    dueAt: s.handlingDue, runningDue: runningDeadline(s.status, s.dispatchDue, s.handlingDue, false),
  });
  const rows = [row];
  for (const d of s.owners) rows.push({ ...row, dept: d, runningDue: runningDeadline(s.status, s.dispatchDue, s.handlingDue, true) });
  return rows;
}

/**
 * One event of a case applied to its facts. `rows` are the case's facts before the event (the
 * case row and its department rows, in any order); returns them after it, as new objects.
 */
export function foldCaseEvent(rows: readonly CaseFact[], e: CaseEventInput): CaseFact[] {
  const s = e.state;
  const at = e.at;
  let caseRow = rows.find((r) => r.dept === '');
  const depts = new Map(rows.filter((r) => r.dept !== '').map((r) => [r.dept, { ...r }]));
  caseRow = caseRow ? { ...caseRow } : fromState(s, '', at, e.seq);

  const common = { subdistrict: s.subdistrictCode, community: s.communityCode, category: s.categoryCode, source: s.source, urgency: s.urgency, lng: s.point[0], lat: s.point[1], dispatchDue: s.dispatchDue, handlingDue: s.handlingDue, updatedAt: at, seq: e.seq };
  Object.assign(caseRow, common, { status: s.status, reportedAt: s.reportedAt, dueAt: s.handlingDue, runningDue: runningDeadline(s.status, s.dispatchDue, s.handlingDue, false) });
  const owning = [...depts.values()].filter((r) => r.owner);

  switch (e.type) {
    case 'case.registered':
      if (caseRow.registeredAt === null) caseRow.registeredAt = at;
      break;
    case 'case.dispatched': {
      if (caseRow.dispatchedAt === null) {
        caseRow.dispatchedAt = at;
        caseRow.dispatchOnTime = inTime(at, s.dispatchDue);
      }
      for (const d of s.owners) {
        const r = depts.get(d);
        if (r) r.owner = true;
        else depts.set(d, { ...caseRow, dept: d, owner: true, dispatchedAt: at, dispatchOnTime: inTime(at, s.dispatchDue), acceptedAt: null, acceptOnTime: null, resolvedAt: null, resolveOnTime: null, closedAt: null, returned: false, reopened: false, extended: false, submitted: false });
      }
      break;
    }
    case 'case.accepted':
      for (const r of [caseRow, ...owning]) {
        if (r.acceptedAt === null) {
          r.acceptedAt = at;
          r.acceptOnTime = inTime(at, s.handlingDue);
        }
      }
      break;
    case 'case.returned': {
      caseRow.returned = true;
      const by = typeof e.detail?.department === 'string' ? depts.get(e.detail.department) : undefined;
      for (const r of by?.owner ? [by] : owning) r.returned = true;
      break;
    }
    case 'case.resolved':
      for (const r of [caseRow, ...owning]) {
        r.resolvedAt = at;
        r.resolveOnTime = inTime(at, s.handlingDue);
        r.submitted = true;
      }
      break;
    case 'case.reopened':
      for (const r of [caseRow, ...owning]) {
        r.reopened = true;
        r.resolvedAt = null;
        r.resolveOnTime = null;
      }
      break;
    case 'case.closed':
      for (const r of [caseRow, ...owning]) r.closedAt = at;
      break;
    case 'case.suspended':
      for (const r of [caseRow, ...owning]) r.extended = true;
      break;
    default:
      break;
  }

  // Departments that own the case follow its status and deadline; one that lost it keeps the
  // facts of its time with it and is no longer due or running.
  const owners = new Set(s.owners);
  for (const r of depts.values()) {
    if (!r.owner) continue;
    if (!owners.has(r.dept)) {
      Object.assign(r, { owner: false, dueAt: null, runningDue: null, updatedAt: at, seq: e.seq, status: s.status });
      continue;
    }
    Object.assign(r, common, { status: s.status, reportedAt: s.reportedAt, registeredAt: caseRow.registeredAt, dueAt: s.handlingDue, runningDue: runningDeadline(s.status, s.dispatchDue, s.handlingDue, true) });
  }
  return [caseRow, ...depts.values()];
}

// ───────────────────────────── figures ─────────────────────────────

export const COUNT_METRICS = [
  'received', 'registered', 'dispatched', 'dispatchedOnTime', 'accepted', 'acceptedOnTime', 'resolved', 'resolvedOnTime', 'closed',
  'returned', 'reopened', 'extended', 'submitted', 'due', 'dueClosed', 'dueClosedOnTime',
] as const;
export type CountMetric = (typeof COUNT_METRICS)[number];

/** report→register, register→dispatch, dispatch→accept, accept→resolve, resolve→close. */
export const STAGES = ['register', 'dispatch', 'accept', 'resolve', 'close'] as const;
export type Stage = (typeof STAGES)[number];

/** The fact field whose instant places each count in a period. */
export const METRIC_AT: Readonly<Record<CountMetric, keyof CaseFact>> = {
  received: 'reportedAt', registered: 'registeredAt', dispatched: 'dispatchedAt', dispatchedOnTime: 'dispatchedAt',
  accepted: 'acceptedAt', acceptedOnTime: 'acceptedAt', resolved: 'resolvedAt', resolvedOnTime: 'resolvedAt', closed: 'closedAt',
  returned: 'dispatchedAt', reopened: 'dispatchedAt', extended: 'dispatchedAt', submitted: 'dispatchedAt',
  due: 'dueAt', dueClosed: 'dueAt', dueClosedOnTime: 'dueAt',
};
/** Stages end at these instants. */
export const STAGE_AT: Readonly<Record<Stage, keyof CaseFact>> = {
  register: 'registeredAt', dispatch: 'dispatchedAt', accept: 'acceptedAt', resolve: 'resolvedAt', close: 'closedAt',
};

export type Contribution = { metric: CountMetric; at: number } | { stage: Stage; at: number; ms: number };

/**
 * The figures a fact adds to, each at its instant, in the order of the instants (report,
 * registration, dispatch, acceptance, resolution, closure, due): callers group by instant.
 * `fn(metric, stage, at, ms)`: a count (`stage` null) or a stage time (`metric` null) — plain
 * values, no object per contribution, because a rebuild runs this for millions of facts.
 */
export function forEachContribution(f: CaseFact, fn: (metric: CountMetric | null, stage: Stage | null, at: number, ms: number) => void): void {
  const { reportedAt: rep, registeredAt: reg, dispatchedAt: dis, acceptedAt: acc, resolvedAt: res, closedAt: clo, dueAt: due } = f;
  fn('received', null, rep, 0);
  if (reg !== null) {
    fn('registered', null, reg, 0);
    fn(null, 'register', reg, Math.max(0, reg - rep));
  }
  if (dis !== null) {
    fn('dispatched', null, dis, 0);
    if (f.dispatchOnTime === true) fn('dispatchedOnTime', null, dis, 0);
    if (f.returned) fn('returned', null, dis, 0);
    if (f.reopened) fn('reopened', null, dis, 0);
    if (f.extended) fn('extended', null, dis, 0);
    if (f.submitted) fn('submitted', null, dis, 0);
    if (reg !== null) fn(null, 'dispatch', dis, Math.max(0, dis - reg));
  }
  if (acc !== null) {
    fn('accepted', null, acc, 0);
    if (f.acceptOnTime === true) fn('acceptedOnTime', null, acc, 0);
    if (dis !== null) fn(null, 'accept', acc, Math.max(0, acc - dis));
  }
  if (res !== null) {
    fn('resolved', null, res, 0);
    if (f.resolveOnTime === true) fn('resolvedOnTime', null, res, 0);
    if (acc !== null) fn(null, 'resolve', res, Math.max(0, res - acc));
  }
  if (clo !== null) {
    fn('closed', null, clo, 0);
    if (res !== null) fn(null, 'close', clo, Math.max(0, clo - res));
  }
  if (due !== null) {
    fn('due', null, due, 0);
    if (clo !== null) fn('dueClosed', null, due, 0);
    if (clo !== null && f.resolveOnTime === true) fn('dueClosedOnTime', null, due, 0);
  }
}

export function contributions(f: CaseFact): Contribution[] {
  const out: Contribution[] = [];
  forEachContribution(f, (metric, stage, at, ms) => out.push(metric ? { metric, at } : { stage: stage!, at, ms }));
  return out;
}

/** Is this fact behind `figure` in [from, to)? (drill-down uses the very same definitions). */
export function factCounts(f: CaseFact, figure: CountMetric | `stage.${Stage}`, from: number, to: number): boolean {
  return contributions(f).some((c) => ('metric' in c ? c.metric : `stage.${c.stage}`) === figure && c.at >= from && c.at < to);
}

// ── stage-time histogram: p90 from counts, so it sums over days and months like the counts ──

/**
 * The bucket a stage time falls in, as its upper edge in whole minutes: 1-minute steps up to
 * 2 h, 5 min up to 24 h, 30 min up to 7 days, 6 h beyond. The p90 is reported as the edge of its
 * bucket, so it is exact to that resolution (at most 4% of the value) over any period.
 */
export function bucketMinutes(ms: number): number {
  const m = Math.ceil(Math.max(0, ms) / 60_000);
  if (m <= 120) return m;
  if (m <= 1440) return Math.ceil(m / 5) * 5;
  if (m <= 10_080) return Math.ceil(m / 30) * 30;
  return Math.ceil(m / 360) * 360;
}

export interface StageTally { n: number; sumMs: number; hist: Map<number, number> }
export interface Tally { counts: Record<CountMetric, number>; stages: Record<Stage, StageTally> }

export function emptyTally(): Tally {
  return {
    counts: Object.fromEntries(COUNT_METRICS.map((m) => [m, 0])) as Record<CountMetric, number>,
    stages: Object.fromEntries(STAGES.map((s) => [s, { n: 0, sumMs: 0, hist: new Map<number, number>() }])) as Record<Stage, StageTally>,
  };
}

/** Adds one contribution (sign −1 takes it away: the hub keeps its rollups by differences). */
export function addContribution(t: Tally, c: Contribution, sign: 1 | -1 = 1): void {
  if ('metric' in c) addTo(t, c.metric, null, 0, sign);
  else addTo(t, null, c.stage, c.ms, sign);
}

/** The same as addContribution, from forEachContribution's plain values. */
export function addTo(t: Tally, metric: CountMetric | null, stage: Stage | null, ms: number, sign: 1 | -1): void {
  if (metric) {
    t.counts[metric] += sign;
    return;
  }
  const st = t.stages[stage!];
  st.n += sign;
  st.sumMs += sign * ms;
  const b = bucketMinutes(ms);
  const v = (st.hist.get(b) ?? 0) + sign;
  if (v === 0) st.hist.delete(b);
  else st.hist.set(b, v);
}

export function mergeTally(into: Tally, t: Tally): void {
  for (const m of COUNT_METRICS) into.counts[m] += t.counts[m];
  for (const s of STAGES) {
    const a = into.stages[s];
    const b = t.stages[s];
    a.n += b.n;
    a.sumMs += b.sumMs;
    for (const [k, v] of b.hist) {
      const sum = (a.hist.get(k) ?? 0) + v;
      if (sum === 0) a.hist.delete(k);
      else a.hist.set(k, sum);
    }
  }
}

/** Adds the fact's figures that fall in [from, to). */
export function tallyFact(t: Tally, f: CaseFact, from: number, to: number): void {
  for (const c of contributions(f)) if (c.at >= from && c.at < to) addContribution(t, c);
}

/** Nearest-rank 90th percentile of a histogram (bucket edge, minutes); null when empty. */
export function p90Minutes(hist: ReadonlyMap<number, number>): number | null {
  let n = 0;
  for (const v of hist.values()) n += v;
  if (n <= 0) return null;
  const rank = Math.ceil(0.9 * n);
  let seen = 0;
  for (const edge of [...hist.keys()].sort((a, b) => a - b)) {
    seen += hist.get(edge)!;
    if (seen >= rank) return edge;
  }
  return null;
}

// ── rates and score ──

export const RATES = ['dispatchOnTime', 'acceptOnTime', 'resolveOnTime', 'return', 'rework', 'extension', 'closure', 'onTimeClosure'] as const;
export type Rate = (typeof RATES)[number];

/** Numerator and denominator of each rate; a rate with nothing in its denominator is null. */
export const RATE_OF: Readonly<Record<Rate, [CountMetric, CountMetric]>> = {
  dispatchOnTime: ['dispatchedOnTime', 'dispatched'],
  acceptOnTime: ['acceptedOnTime', 'accepted'],
  resolveOnTime: ['resolvedOnTime', 'resolved'],
  return: ['returned', 'dispatched'], // 退回率
  rework: ['reopened', 'submitted'], // 返工率: reworked of those sent for verification
  extension: ['extended', 'dispatched'], // 延期率
  closure: ['dueClosed', 'due'], // 结案率 = closed / due to close
  onTimeClosure: ['dueClosedOnTime', 'due'], // 按期结案率
};

/**
 * Score weights (points). Terms: a rate counts as is, a `no…` term as 1 − the rate. Default,
 * 100 points: on-time closure 60 — the figure assessments weight most (ARCHITECTURE §3.1 quotes
 * "the on-time closure rate weighted 60 points"); closure 20 — finishing at all matters but
 * on-time closure already contains it; 1 − return rate 10 and 1 − rework rate 10 — a department
 * that refuses its own cases or closes them badly loses what it gained. Extension and the stage
 * on-time rates weigh 0 by default: extensions are approved by the center, and the stages are
 * inside on-time closure. A deployment sets its own (hub/stats/README.md).
 */
export const ScoreWeightsSchema = z.strictObject({
  onTimeClosure: z.number().min(0).max(1000).default(0),
  closure: z.number().min(0).max(1000).default(0),
  noReturn: z.number().min(0).max(1000).default(0),
  noRework: z.number().min(0).max(1000).default(0),
  noExtension: z.number().min(0).max(1000).default(0),
  dispatchOnTime: z.number().min(0).max(1000).default(0),
  acceptOnTime: z.number().min(0).max(1000).default(0),
  resolveOnTime: z.number().min(0).max(1000).default(0),
}).refine((w) => Object.values(w).some((v) => v > 0), 'at least one weight must be above 0');
export type ScoreWeights = z.output<typeof ScoreWeightsSchema>;
export const DEFAULT_WEIGHTS: ScoreWeights = {
  onTimeClosure: 60, closure: 20, noReturn: 10, noRework: 10, noExtension: 0, dispatchOnTime: 0, acceptOnTime: 0, resolveOnTime: 0,
};

const SCORE_TERMS: Readonly<Record<keyof ScoreWeights, { rate: Rate; inverse: boolean }>> = {
  onTimeClosure: { rate: 'onTimeClosure', inverse: false }, closure: { rate: 'closure', inverse: false },
  noReturn: { rate: 'return', inverse: true }, noRework: { rate: 'rework', inverse: true }, noExtension: { rate: 'extension', inverse: true },
  dispatchOnTime: { rate: 'dispatchOnTime', inverse: false }, acceptOnTime: { rate: 'acceptOnTime', inverse: false }, resolveOnTime: { rate: 'resolveOnTime', inverse: false },
};

/**
 * 0–100: Σ weight × term over the terms whose rate applies, scaled by 100 / Σ those weights — a
 * unit with nothing due is scored on what it did (its returns and reworks), not given zero.
 * Null when no weighted term applies.
 */
export function compositeScore(rates: Readonly<Record<Rate, number | null>>, w: ScoreWeights): number | null {
  let sum = 0;
  let weight = 0;
  for (const [k, term] of Object.entries(SCORE_TERMS) as Array<[keyof ScoreWeights, { rate: Rate; inverse: boolean }]>) {
    const r = rates[term.rate];
    if (w[k] <= 0 || r === null) continue;
    sum += w[k] * (term.inverse ? 1 - r : r);
    weight += w[k];
  }
  return weight > 0 ? (100 * sum) / weight : null;
}

export interface StageFigure {
  n: number;
  /** Mean in minutes, to 0.1 min. */
  meanMinutes: number | null;
  /** 90th percentile in minutes, at the histogram's resolution (bucketMinutes). */
  p90Minutes: number | null;
}

export interface Figures {
  counts: Record<CountMetric, number> & { overdueNow: number };
  rates: Record<Rate, number | null>;
  stages: Record<Stage, StageFigure>;
  score: number | null;
}

export function finishFigures(t: Tally, weights: ScoreWeights, overdueNow: number): Figures {
  const rates = Object.fromEntries(RATES.map((r) => {
    const [num, den] = RATE_OF[r];
    return [r, t.counts[den] > 0 ? t.counts[num] / t.counts[den] : null];
  })) as Record<Rate, number | null>;
  const stages = Object.fromEntries(STAGES.map((s) => {
    const st = t.stages[s];
    return [s, { n: st.n, meanMinutes: st.n > 0 ? Math.round(st.sumMs / st.n / 6_000) / 10 : null, p90Minutes: p90Minutes(st.hist) }];
  })) as Record<Stage, StageFigure>;
  return { counts: { ...t.counts, overdueNow }, rates, stages, score: compositeScore(rates, weights) };
}

/** Overdue now: the row's running deadline has passed (a deadline met exactly is not overdue). */
export const isOverdueNow = (f: Pick<CaseFact, 'runningDue'>, now: number): boolean => f.runningDue !== null && f.runningDue < now;

/**
 * The reference computation: figures per group straight from facts. The hub gets the same
 * numbers from rollups; tests compare the two.
 */
export function assess(facts: readonly CaseFact[], opts: { from: number; to: number; now: number; groupBy: 'department' | 'subdistrict'; weights?: ScoreWeights }): Map<string, Figures> {
  const tallies = new Map<string, { t: Tally; overdue: number }>();
  for (const f of facts) {
    if ((opts.groupBy === 'department') === (f.dept === '')) continue;
    const key = opts.groupBy === 'department' ? f.dept : f.subdistrict;
    let g = tallies.get(key);
    if (!g) tallies.set(key, (g = { t: emptyTally(), overdue: 0 }));
    tallyFact(g.t, f, opts.from, opts.to);
    if (isOverdueNow(f, opts.now)) g.overdue++;
  }
  return new Map([...tallies].map(([k, g]) => [k, finishFigures(g.t, opts.weights ?? DEFAULT_WEIGHTS, g.overdue)]));
}

// ─────────────────────── live figures from case states ───────────────────────

/**
 * 按期结案率 of a period from the cases as they are now, for the live panels (wall KPIs, the
 * console's top bar): the assessment's due cohort — cases whose handling deadline in force falls
 * in [from, to) — and of them those closed with their final resolution in time. The same
 * definition as the hub's `onTimeClosure` (test/integration/wall-consistency.test.ts checks the
 * two agree); `rate` is null while nothing is due in the period.
 */
export function onTimeClosureOfCases(cases: Iterable<Case>, from: number, to: number): { due: number; closedOnTime: number; rate: number | null } {
  let due = 0;
  let closedOnTime = 0;
  for (const c of cases) {
    if (c.handlingDue === null || c.handlingDue < from || c.handlingDue >= to) continue;
    due++;
    if (c.closedAt !== null && (c.resolvedAt ?? c.closedAt) <= c.handlingDue) closedOnTime++;
  }
  return { due, closedOnTime, rate: due ? closedOnTime / due : null };
}
