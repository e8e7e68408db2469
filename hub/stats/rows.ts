/** SQL row shapes of the statistics tables (migration 0003) and their conversions. */
import { COUNT_METRICS, STAGES, type CaseFact, type CountMetric, type Stage, type Tally } from '../../shared/domain/assessment';

export interface FactRow {
  case_id: string; dept: string; owner: number;
  subdistrict: string; community: string; category: string; source: string; urgency: string; lng: number; lat: number; status: string;
  reported_at: number; registered_at: number | null; dispatched_at: number | null; accepted_at: number | null; resolved_at: number | null; closed_at: number | null;
  dispatch_on_time: number | null; accept_on_time: number | null; resolve_on_time: number | null;
  returned: number; reopened: number; extended: number; submitted: number;
  dispatch_due: number | null; handling_due: number | null; due_at: number | null; running_due: number | null;
  updated_at: number; seq: number;
}

export const FACT_COLUMNS = [
  'case_id', 'dept', 'owner', 'subdistrict', 'community', 'category', 'source', 'urgency', 'lng', 'lat', 'status',
  'reported_at', 'registered_at', 'dispatched_at', 'accepted_at', 'resolved_at', 'closed_at',
  'dispatch_on_time', 'accept_on_time', 'resolve_on_time', 'returned', 'reopened', 'extended', 'submitted',
  'dispatch_due', 'handling_due', 'due_at', 'running_due', 'updated_at', 'seq',
] as const satisfies ReadonlyArray<keyof FactRow>;

/** The fact field → its column (for the instants the indexes are on). */
export const INSTANT_COLUMN: Readonly<Record<'reportedAt' | 'registeredAt' | 'dispatchedAt' | 'acceptedAt' | 'resolvedAt' | 'closedAt' | 'dueAt', keyof FactRow>> = {
  reportedAt: 'reported_at', registeredAt: 'registered_at', dispatchedAt: 'dispatched_at', acceptedAt: 'accepted_at',
  resolvedAt: 'resolved_at', closedAt: 'closed_at', dueAt: 'due_at',
};

const flag = (b: boolean | null): number | null => (b === null ? null : b ? 1 : 0);
const bool = (n: number | null): boolean | null => (n === null ? null : n !== 0);

export function toRow(f: CaseFact): FactRow {
  return {
    case_id: f.caseId, dept: f.dept, owner: f.owner ? 1 : 0,
    subdistrict: f.subdistrict, community: f.community, category: f.category, source: f.source, urgency: f.urgency, lng: f.lng, lat: f.lat, status: f.status,
    reported_at: f.reportedAt, registered_at: f.registeredAt, dispatched_at: f.dispatchedAt, accepted_at: f.acceptedAt, resolved_at: f.resolvedAt, closed_at: f.closedAt,
    dispatch_on_time: flag(f.dispatchOnTime), accept_on_time: flag(f.acceptOnTime), resolve_on_time: flag(f.resolveOnTime),
    returned: f.returned ? 1 : 0, reopened: f.reopened ? 1 : 0, extended: f.extended ? 1 : 0, submitted: f.submitted ? 1 : 0,
    dispatch_due: f.dispatchDue, handling_due: f.handlingDue, due_at: f.dueAt, running_due: f.runningDue, updated_at: f.updatedAt, seq: f.seq,
  };
}

/** A fact's column values in FACT_COLUMNS order (positional binding: twice as fast as named). */
export function rowValues(f: CaseFact): unknown[] {
  const r = toRow(f);
  return FACT_COLUMNS.map((c) => r[c]);
}

export function toFact(r: FactRow): CaseFact {
  return {
    caseId: r.case_id, dept: r.dept, owner: r.owner !== 0,
    subdistrict: r.subdistrict, community: r.community, category: r.category, source: r.source, urgency: r.urgency, lng: r.lng, lat: r.lat, status: r.status,
    reportedAt: r.reported_at, registeredAt: r.registered_at, dispatchedAt: r.dispatched_at, acceptedAt: r.accepted_at, resolvedAt: r.resolved_at, closedAt: r.closed_at,
    dispatchOnTime: bool(r.dispatch_on_time), acceptOnTime: bool(r.accept_on_time), resolveOnTime: bool(r.resolve_on_time),
    returned: r.returned !== 0, reopened: r.reopened !== 0, extended: r.extended !== 0, submitted: r.submitted !== 0,
    dispatchDue: r.dispatch_due, handlingDue: r.handling_due, dueAt: r.due_at, runningDue: r.running_due, updatedAt: r.updated_at, seq: r.seq,
  };
}

/** The columns the figures and the rollup keys read (rebuilds read only these). */
export const SLIM_COLUMNS = [
  'dept', 'subdistrict', 'community', 'category', 'source', 'reported_at', 'registered_at', 'dispatched_at', 'accepted_at', 'resolved_at',
  'closed_at', 'dispatch_on_time', 'accept_on_time', 'resolve_on_time', 'returned', 'reopened', 'extended', 'submitted', 'due_at',
] as const satisfies ReadonlyArray<keyof FactRow>;

/** A fact from a raw SLIM_COLUMNS row; the fields no figure reads are left empty. */
export function slimFact(a: readonly unknown[]): CaseFact {
  const n = (i: number) => a[i] as number | null;
  const b = (i: number) => (a[i] === null ? null : a[i] !== 0);
  return {
    caseId: '', dept: a[0] as string, owner: false, subdistrict: a[1] as string, community: a[2] as string, category: a[3] as string, source: a[4] as string,
    urgency: '', lng: 0, lat: 0, status: '',
    reportedAt: a[5] as number, registeredAt: n(6), dispatchedAt: n(7), acceptedAt: n(8), resolvedAt: n(9), closedAt: n(10),
    dispatchOnTime: b(11), acceptOnTime: b(12), resolveOnTime: b(13),
    returned: a[14] !== 0, reopened: a[15] !== 0, extended: a[16] !== 0, submitted: a[17] !== 0,
    dispatchDue: null, handlingDue: null, dueAt: n(18), runningDue: null, updatedAt: 0, seq: 0,
  };
}

export const snake = (s: string): string => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
export const COUNT_COLUMN: Readonly<Record<CountMetric, string>> = Object.fromEntries(COUNT_METRICS.map((m) => [m, snake(m)])) as Record<CountMetric, string>;
/** Every numeric column of stats_rollup, in order: the counts, then n and ms per stage. */
export const ROLLUP_NUMBERS: readonly string[] = [...COUNT_METRICS.map((m) => COUNT_COLUMN[m]), ...STAGES.flatMap((s) => [`${s}_n`, `${s}_ms`])];

/** A tally as the numbers of a rollup row (same order as ROLLUP_NUMBERS). */
export function tallyNumbers(t: Tally): number[] {
  return [...COUNT_METRICS.map((m) => t.counts[m]), ...STAGES.flatMap((s) => [t.stages[s].n, t.stages[s].sumMs])];
}

/** Stage histograms as stored: per stage, [edge, count, edge, count, …] by edge (parses and merges fast). */
export type HistJson = Partial<Record<Stage, number[]>>;

export function histJson(t: Tally): HistJson {
  const out: HistJson = {};
  for (const s of STAGES) {
    if (t.stages[s].hist.size === 0) continue;
    const h = t.stages[s].hist;
    const edges = [...h.keys()].sort((a, b) => a - b);
    const flat = new Array<number>(edges.length * 2);
    for (let i = 0; i < edges.length; i++) {
      flat[2 * i] = edges[i]!;
      flat[2 * i + 1] = h.get(edges[i]!)!;
    }
    out[s] = flat;
  }
  return out;
}

/** Adds a rollup row (numbers and histogram) into a tally. */
export function addRollupRow(t: Tally, r: Record<string, unknown>): void {
  for (const m of COUNT_METRICS) t.counts[m] += r[COUNT_COLUMN[m]] as number;
  for (const s of STAGES) {
    t.stages[s].n += r[`${s}_n`] as number;
    t.stages[s].sumMs += r[`${s}_ms`] as number;
  }
  addHist(t, r.hist as string);
}

export function addHist(t: Tally, json: string): void {
  if (json === '{}') return;
  const h = JSON.parse(json) as HistJson;
  for (const s of STAGES) {
    const e = h[s];
    if (!e) continue;
    const into = t.stages[s].hist;
    for (let i = 0; i < e.length; i += 2) {
      const v = (into.get(e[i]!) ?? 0) + e[i + 1]!;
      if (v === 0) into.delete(e[i]!);
      else into.set(e[i]!, v);
    }
  }
}

