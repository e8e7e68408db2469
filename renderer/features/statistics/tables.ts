/**
 * The statistics window's tables, built from the hub's answers: what the window shows is what
 * the exports write (CSV, XLSX, the PDF report). Each count cell knows the drill-down behind
 * it. Rates are percentages to 0.1, stage times minutes. Pure.
 */
import type {
  AssessmentAnswer, DemandsAnswer, DrillFigure, Figures, RepeatsAnswer,
} from '../../../shared/bridge/statistics';
import type { Names as DistrictNames } from '../district/names';
import type { Cell, ExportTable } from './export';

export type ColumnKind = 'text' | 'int' | 'pct' | 'min' | 'score' | 'time';
export interface Column { key: string; label: string; kind: ColumnKind }
export interface DrillRef { figure: DrillFigure; groupBy: string; key: string | null }
export interface StatRow { cells: Cell[]; drills?: Array<DrillRef | null>; total?: boolean }
export interface StatTable { id: string; title: string; columns: Column[]; rows: StatRow[] }

/** The names the tables use (district/useNames.ts): '' for a code the district does not know, so a row falls back on the hub's name. */
export type Names = Pick<DistrictNames, 'department' | 'subdistrict' | 'community' | 'category' | 'bigClass' | 'source'>;
export type T = (key: string, values?: Record<string, unknown>) => string;

export const pct = (r: number | null | undefined): number | null => (r === null || r === undefined ? null : Math.round(r * 1000) / 10);
const round1 = (x: number | null | undefined): number | null => (x === null || x === undefined ? null : Math.round(x * 10) / 10);

/** The counts of the assessment tables, in order; each drills down to its cases. */
export const ASSESSMENT_COUNTS = ['received', 'registered', 'dispatched', 'dispatchedOnTime', 'acceptedOnTime', 'resolvedOnTime', 'closed'] as const;
export const ASSESSMENT_STAGES = ['register', 'dispatch', 'accept', 'resolve', 'close'] as const;

export function assessmentTable(id: string, title: string, a: AssessmentAnswer, names: Names, t: T): StatTable {
  const by = a.groupBy;
  const columns: Column[] = [
    { key: 'name', label: t(by === 'department' ? 'statistics.col.department' : 'statistics.col.subdistrict'), kind: 'text' },
    ...ASSESSMENT_COUNTS.map((c): Column => ({ key: c, label: t(`statistics.count.${c}`), kind: 'int' })),
    { key: 'return', label: t('statistics.rate.return'), kind: 'pct' },
    { key: 'rework', label: t('statistics.rate.rework'), kind: 'pct' },
    { key: 'overdueNow', label: t('statistics.count.overdueNow'), kind: 'int' },
    ...ASSESSMENT_STAGES.flatMap((s): Column[] => [
      { key: `stage.${s}.mean`, label: t('statistics.stageMean', { stage: t(`statistics.stage.${s}`) }), kind: 'min' },
      { key: `stage.${s}.p90`, label: t('statistics.stageP90', { stage: t(`statistics.stage.${s}`) }), kind: 'min' },
    ]),
    { key: 'score', label: t('statistics.score'), kind: 'score' },
  ];
  const row = (name: string, key: string | null, f: Figures, total = false): StatRow => {
    const cells: Cell[] = [name];
    const drills: Array<DrillRef | null> = [null];
    for (const c of ASSESSMENT_COUNTS) {
      cells.push(f.counts[c] ?? null);
      drills.push({ figure: c, groupBy: by, key });
    }
    cells.push(pct(f.rates.return), pct(f.rates.rework), f.counts.overdueNow ?? null);
    drills.push({ figure: 'returned', groupBy: by, key }, { figure: 'reopened', groupBy: by, key }, { figure: 'overdueNow', groupBy: by, key });
    for (const s of ASSESSMENT_STAGES) {
      const st = f.stages?.[s];
      cells.push(round1(st?.meanMinutes), st?.p90Minutes ?? null);
      drills.push({ figure: `stage.${s}`, groupBy: by, key }, null);
    }
    cells.push(round1(f.score));
    drills.push(null);
    return { cells, drills, total };
  };
  const nameOf = (g: { key: string; name: string | null }) => (by === 'department' ? names.department(g.key) : names.subdistrict(g.key)) || g.name || g.key;
  const rows = [...a.groups]
    .sort((x, y) => (y.figures.counts.received ?? 0) - (x.figures.counts.received ?? 0) || (x.key < y.key ? -1 : 1))
    .map((g) => row(nameOf(g), g.key, g.figures));
  rows.push(row(t('statistics.total'), null, a.total, true));
  return { id, title, columns, rows };
}

/** The district's figures now and in the period before (the KPI cards and the trend chart). */
export const KPI_FIGURES = [
  ['received', 'int'], ['registered', 'int'], ['dispatched', 'int'], ['closed', 'int'], ['overdueNow', 'int'],
  ['dispatchOnTime', 'pct'], ['onTimeClosure', 'pct'], ['closure', 'pct'], ['return', 'pct'], ['rework', 'pct'], ['score', 'score'],
] as const;
export type KpiFigure = (typeof KPI_FIGURES)[number][0];

export function kpiValue(f: Figures, k: KpiFigure): number | null {
  if (k === 'score') return round1(f.score);
  if (k in f.rates) return pct(f.rates[k as keyof Figures['rates']]);
  return f.counts[k as keyof Figures['counts']] ?? null;
}

export function kpiLabel(k: KpiFigure, t: T): string {
  if (k === 'score') return t('statistics.score');
  const kind = KPI_FIGURES.find(([f]) => f === k)![1];
  return kind === 'pct' ? t(`statistics.rate.${k}`) : t(`statistics.count.${k}`);
}

export function kpiTable(current: Figures, previous: Figures | null, t: T): StatTable {
  return {
    id: 'kpi', title: t('statistics.table.kpi'),
    columns: [
      { key: 'figure', label: t('statistics.col.figure'), kind: 'text' },
      { key: 'current', label: t('statistics.col.current'), kind: 'text' },
      { key: 'previous', label: t('statistics.col.previous'), kind: 'text' },
      { key: 'change', label: t('statistics.col.change'), kind: 'text' },
    ].map((c) => ({ ...c, kind: c.key === 'figure' ? 'text' : 'score' }) as Column),
    rows: KPI_FIGURES.map(([k]) => {
      const now = kpiValue(current, k);
      const before = previous ? kpiValue(previous, k) : null;
      const change = now !== null && before !== null ? round1(now - before) : null;
      const isCount = k !== 'score' && KPI_FIGURES.find(([f]) => f === k)![1] === 'int';
      return {
        cells: [isCount || k === 'score' ? kpiLabel(k, t) : `${kpiLabel(k, t)} (%)`, now, before, change],
        drills: [null, isCount ? { figure: k as DrillFigure, groupBy: 'subdistrict', key: null } : null, null, null],
      };
    }),
  };
}

export function demandTable(id: string, title: string, d: DemandsAnswer, names: Names, t: T): StatTable {
  const g = d.groupBy;
  const nameOf = (key: string, name: string | null): string => {
    switch (g) {
      case 'category': return names.category(key) || name || key;
      case 'bigClass': return names.bigClass(key) || name || key;
      case 'subdistrict': return names.subdistrict(key) || name || key;
      case 'community': return names.community(key) || name || key;
      case 'source': return names.source(key) || key;
      case 'hour': return `${key.padStart(2, '0')}:00`;
    }
  };
  const columns: Column[] = [
    { key: 'name', label: t(`statistics.col.${g}`), kind: 'text' },
    ...(g === 'category' ? [{ key: 'bigClass', label: t('statistics.col.bigClass'), kind: 'text' } as Column] : []),
    { key: 'count', label: t('statistics.col.count'), kind: 'int' },
    { key: 'previous', label: t('statistics.col.previous'), kind: 'int' },
    { key: 'change', label: t('statistics.col.change'), kind: 'int' },
    { key: 'changeRate', label: t('statistics.col.changeRate'), kind: 'pct' },
  ];
  const groups = g === 'hour' ? [...d.groups].sort((a, b) => Number(a.key) - Number(b.key)) : d.groups;
  const rows: StatRow[] = groups.map((x) => {
    const drill: DrillRef = { figure: 'received', groupBy: g, key: x.key };
    const cells: Cell[] = [nameOf(x.key, x.name)];
    const drills: Array<DrillRef | null> = [null];
    if (g === 'category') {
      cells.push(x.bigClass ? names.bigClass(x.bigClass.code) || x.bigClass.name : null);
      drills.push(null);
    }
    cells.push(x.count, x.previous, x.change, pct(x.changeRate));
    drills.push(drill, null, null, null);
    return { cells, drills };
  });
  const totalCells: Cell[] = [t('statistics.total'), ...(g === 'category' ? [null] : []), d.total, d.previousTotal, d.change, pct(d.changeRate)];
  rows.push({ cells: totalCells, drills: totalCells.map((_, i) => (i === (g === 'category' ? 2 : 1) ? { figure: 'received', groupBy: 'subdistrict', key: null } : null)), total: true });
  return { id, title, columns, rows };
}

export function hotspotTable(d: DemandsAnswer, names: Names, t: T): StatTable {
  return {
    id: 'hotspots', title: t('statistics.table.hotspots'),
    columns: [
      { key: 'community', label: t('statistics.col.community'), kind: 'text' },
      { key: 'subdistrict', label: t('statistics.col.subdistrict'), kind: 'text' },
      { key: 'count', label: t('statistics.col.count'), kind: 'int' },
      { key: 'previous', label: t('statistics.col.previous'), kind: 'int' },
      { key: 'rise', label: t('statistics.col.rise'), kind: 'int' },
      { key: 'riseRate', label: t('statistics.col.changeRate'), kind: 'pct' },
    ],
    rows: d.hotspots.map((h) => ({
      cells: [names.community(h.community) || h.name || h.community, names.subdistrict(h.subdistrict) || h.subdistrict, h.count, h.previous, h.rise, pct(h.riseRate)],
      drills: [null, null, { figure: 'received', groupBy: 'community', key: h.community }, null, null, null],
    })),
  };
}

export function repeatsTable(r: RepeatsAnswer, names: Names, t: T, time: (ms: number) => string): StatTable {
  return {
    id: 'repeats', title: t('statistics.table.repeats'),
    columns: [
      { key: 'count', label: t('statistics.col.count'), kind: 'int' },
      { key: 'categories', label: t('statistics.col.category'), kind: 'text' },
      { key: 'communities', label: t('statistics.col.community'), kind: 'text' },
      { key: 'first', label: t('statistics.col.first'), kind: 'time' },
      { key: 'last', label: t('statistics.col.last'), kind: 'time' },
      { key: 'place', label: t('statistics.col.place'), kind: 'text' },
      { key: 'cases', label: t('statistics.col.cases'), kind: 'text' },
    ],
    rows: r.groups.map((g) => ({
      cells: [
        g.count, g.categories.map((c) => names.category(c) || c).join('、'), g.communities.map((c) => names.community(c) || c).join('、'),
        time(g.first), time(g.last), `${g.center[0].toFixed(5)}, ${g.center[1].toFixed(5)}`, g.caseIds.join(' '),
      ],
    })),
  };
}

/** What the exports write: the header and the cells as shown (numbers stay numbers). */
export function exportOf(table: StatTable): ExportTable {
  return { title: table.title, header: table.columns.map((c) => (c.kind === 'pct' ? `${c.label} (%)` : c.kind === 'min' ? `${c.label} (min)` : c.label)), rows: table.rows.map((r) => r.cells) };
}

/** A cell as the window shows it. */
export function formatCell(kind: ColumnKind, v: Cell, lang: string): string {
  if (v === null) return '—';
  if (typeof v === 'string') return v;
  switch (kind) {
    case 'pct': return `${v.toFixed(1)}%`;
    case 'min': return v.toLocaleString(lang, { maximumFractionDigits: 1 });
    case 'score': return v.toLocaleString(lang, { maximumFractionDigits: 1 });
    default: return v.toLocaleString(lang);
  }
}
