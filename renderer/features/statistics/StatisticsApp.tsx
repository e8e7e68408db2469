/**
 * The statistics window (issue 9): period pickers (Beijing time), the district's KPIs beside
 * the period before, charts (departments, trend, hours, the district's choropleth), the
 * assessment per department and per subdistrict, the public demands by grouping, hot spots and
 * repeated demands. A figure drills down to its cases; a case opens in the console. Every table
 * exports as CSV and XLSX; the report view is the PDF (see Report.tsx).
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LinkageBridge } from '../../../shared/bridge/contract';
import type { DrilldownAnswer } from '../../../shared/bridge/statistics';
import { formatDateTime } from '../../i18n/format';
import { Chart } from '../../ui/Chart';
import type { DistrictSummary } from '../district/summary';
import { useNames } from '../district/useNames';
import { choropleth, DARK, departmentBars, hourLines, trendBars } from './charts';
import { districtCodes, registerDistrict } from './districtMap';
import { fileName, toCsv, toXlsx } from './export';
import { announceOpenCase } from './link';
import { DEMAND_VIEWS, loadStats, type StatsData } from './load';
import { periodDates, periodOf, PERIOD_KINDS, type Period, type PeriodKind } from './period';
import { Report } from './Report';
import {
  assessmentTable, demandTable, exportOf, formatCell, hotspotTable, KPI_FIGURES, kpiLabel, kpiTable, kpiValue, repeatsTable,
  type DrillRef, type Names, type StatTable,
} from './tables';

export interface StatisticsProps {
  bridge: LinkageBridge;
  district: DistrictSummary | null;
  geo: unknown;
  /** Open in the report view (the PDF), e.g. `/statistics?report`. */
  report?: boolean;
}

type Load = { state: 'idle' } | { state: 'loading'; done: number; of: number } | { state: 'error'; code: string; message: string } | { state: 'ready'; data: StatsData };

export function download(name: string, type: string, data: BlobPart): void {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** All the tables of a period, in the order the window and the report show them. */
export function buildTables(data: StatsData, names: Names, t: (k: string, v?: Record<string, unknown>) => string, lang: string): StatTable[] {
  const tables = [
    kpiTable(data.bySubdistrict.total, data.previous.total, t),
    assessmentTable('assessment-department', t('statistics.table.byDepartment'), data.byDepartment, names, t),
    assessmentTable('assessment-subdistrict', t('statistics.table.bySubdistrict'), data.bySubdistrict, names, t),
    ...DEMAND_VIEWS.map((g) => demandTable(`demands-${g}`, t(`statistics.table.demands.${g}`), data.demands[g], names, t)),
    hotspotTable(data.demands.category, names, t),
  ];
  if (data.repeats) tables.push(repeatsTable(data.repeats, names, t, (ms) => formatDateTime(ms, lang)));
  return tables;
}

export function StatisticsApp({ bridge, district, geo, report: startInReport = false }: StatisticsProps) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const names = useNames({ district, unknown: 'blank' });
  const [kind, setKind] = useState<PeriodKind>('today');
  const initial = periodDates(periodOf('today', Date.now())!);
  const [custom, setCustom] = useState(initial);
  const [period, setPeriod] = useState<Period>(() => periodOf('today', Date.now())!);
  const [load, setLoad] = useState<Load>({ state: 'idle' });
  const [drill, setDrill] = useState<{ ref: DrillRef; label: string; answer: DrilldownAnswer | null; error: string | null } | null>(null);
  const [report, setReport] = useState(startInReport);
  const [notice, setNotice] = useState<string | null>(null);
  const run = useRef(0);
  const hasMap = useMemo(() => registerDistrict(geo), [geo]);

  const refresh = useCallback((p: Period) => {
    const id = ++run.current;
    setLoad({ state: 'loading', done: 0, of: 1 });
    loadStats(bridge, p, (done, of) => { if (run.current === id) setLoad({ state: 'loading', done, of }); }).then(
      (data) => { if (run.current === id) setLoad({ state: 'ready', data }); },
      (e: unknown) => {
        if (run.current !== id) return;
        const err = e as { code?: string; message?: string };
        setLoad({ state: 'error', code: err.code ?? 'internal', message: err.message ?? String(e) });
      },
    );
  }, [bridge]);

  useEffect(() => refresh(period), [period, refresh]);
  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => setNotice(null), 6000);
    return () => clearTimeout(timer);
  }, [notice]);

  const choose = (k: PeriodKind) => {
    setKind(k);
    if (k !== 'custom') setPeriod(periodOf(k, Date.now())!);
  };
  const applyCustom = () => {
    const p = periodOf('custom', Date.now(), custom);
    if (p) setPeriod(p);
    else setNotice(t('statistics.badPeriod'));
  };

  const data = load.state === 'ready' ? load.data : null;
  const tables = useMemo(() => (data ? buildTables(data, names, t, lang) : []), [data, names, t, lang]);
  const stem = useMemo(() => {
    const d = periodDates(period);
    return `${t('statistics.fileStem')}_${d.from}_${d.to}`;
  }, [period, t]);

  const openDrill = useCallback((ref: DrillRef, label: string) => {
    if (!bridge.statistics) return;
    setDrill({ ref, label, answer: null, error: null });
    const q = {
      kind: 'drilldown' as const, figure: ref.figure, groupBy: ref.groupBy as never, ...(ref.key !== null ? { key: ref.key } : {}),
      ...(ref.figure === 'overdueNow' ? {} : { from: period.from, to: period.to }), limit: 500,
    };
    bridge.statistics(q).then(
      (answer) => setDrill((d) => (d && d.ref === ref ? { ...d, answer } : d)),
      (e: unknown) => setDrill((d) => (d && d.ref === ref ? { ...d, error: t(`errors.${(e as { code?: string }).code ?? 'internal'}`, { defaultValue: (e as Error).message }) } : d)),
    );
  }, [bridge, period, t]);

  const openCase = (caseId: string) => {
    setNotice(announceOpenCase(caseId) ? t('statistics.openedInConsole', { id: caseId }) : t('statistics.noConsole'));
  };

  const exportCsv = (table: StatTable) => download(fileName(`${stem}_${table.title}`, 'csv'), 'text/csv;charset=utf-8', toCsv(exportOf(table)));
  const exportXlsx = (list: StatTable[], title: string) => download(fileName(`${stem}_${title}`, 'xlsx'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', toXlsx(list.map(exportOf)) as Uint8Array<ArrayBuffer>);

  if (report) {
    return <Report load={load} period={period} tables={tables} names={names} hasMap={hasMap} onBack={() => setReport(false)} />;
  }

  const dates = periodDates(period);
  return (
    <div className="stats-app theme-dark" data-testid="statistics" data-state={load.state}>
      <header className="stats-top">
        <h1>{t('statistics.title')}</h1>
        <div className="stats-periods" role="group" aria-label={t('statistics.period')}>
          {PERIOD_KINDS.map((k) => (
            <button key={k} type="button" className={kind === k ? 'active' : ''} aria-pressed={kind === k} data-testid={`period-${k}`} onClick={() => choose(k)}>
              {t(`statistics.periodKind.${k}`)}
            </button>
          ))}
        </div>
        {kind === 'custom' && (
          <div className="stats-custom">
            <label>{t('statistics.from')} <input type="date" value={custom.from} data-testid="period-from" onChange={(e) => setCustom({ ...custom, from: e.target.value })} /></label>
            <label>{t('statistics.to')} <input type="date" value={custom.to} data-testid="period-to" onChange={(e) => setCustom({ ...custom, to: e.target.value })} /></label>
            <button type="button" data-testid="period-apply" onClick={applyCustom}>{t('statistics.apply')}</button>
          </div>
        )}
        <span className="stats-range" data-testid="period-range">{t('statistics.range', { from: dates.from, to: dates.to })}</span>
        <div className="spacer" />
        <button type="button" onClick={() => refresh(period)} data-testid="stats-refresh">{t('statistics.refresh')}</button>
        <button type="button" disabled={!data} onClick={() => exportXlsx(tables, t('statistics.allTables'))} data-testid="export-all-xlsx">{t('statistics.exportAll')}</button>
        <button type="button" onClick={() => setReport(true)} data-testid="open-report">{t('statistics.pdf')}</button>
      </header>
      {notice && <div className="stats-notice" role="status" data-testid="stats-notice" onClick={() => setNotice(null)}>{notice}</div>}
      {load.state === 'loading' && <Progress done={load.done} of={load.of} />}
      {load.state === 'error' && (
        <div className="stats-error" role="alert" data-testid="stats-error" data-code={load.code}>
          {load.code === 'offline' ? t('statistics.offline') : t('statistics.failed', { message: t(`errors.${load.code}`, { defaultValue: load.message }) })}
        </div>
      )}
      {data && (
        <main className="stats-body">
          <section className="stats-kpis" aria-label={t('statistics.table.kpi')}>
            {KPI_FIGURES.map(([k, kindOf]) => {
              const now = kpiValue(data.bySubdistrict.total, k);
              const before = kpiValue(data.previous.total, k);
              const drillable = kindOf === 'int' && (now ?? 0) > 0;
              const text = formatCell(kindOf === 'pct' ? 'pct' : kindOf === 'score' ? 'score' : 'int', now, lang);
              return (
                <div key={k} className="stats-kpi" data-testid={`kpi-${k}`} data-value={now ?? ''}>
                  <div className="label">{kpiLabel(k, t)}</div>
                  {drillable ? (
                    <button type="button" className="value link" onClick={() => openDrill({ figure: k as never, groupBy: 'subdistrict', key: null }, kpiLabel(k, t))}>{text}</button>
                  ) : <div className="value">{text}</div>}
                  <div className="prev">{t('statistics.previousShort', { value: formatCell(kindOf === 'pct' ? 'pct' : 'score', before, lang) })}</div>
                </div>
              );
            })}
          </section>
          <section className="stats-charts">
            <figure><figcaption>{t('statistics.chart.departments')}</figcaption>
              <Chart className="stats-chart" testId="chart-departments" option={departmentBars(data, names, t, DARK)} onClick={(p) => {
                const d = p.data as { key?: string; figure?: 'received' | 'closed' } | undefined;
                if (d?.key && d.figure) openDrill({ figure: d.figure, groupBy: 'department', key: d.key }, `${names.department(d.key)} · ${t(`statistics.count.${d.figure}`)}`);
              }} />
            </figure>
            <figure><figcaption>{t('statistics.chart.map')}</figcaption>
              {hasMap ? <Chart className="stats-chart" testId="chart-map" option={choropleth(data, names, t, DARK, true, districtCodes())} onClick={(p) => {
                if (p.name) openDrill({ figure: 'received', groupBy: 'subdistrict', key: p.name }, `${names.subdistrict(p.name)} · ${t('statistics.count.received')}`);
              }} /> : <div className="muted">{t('statistics.noMap')}</div>}
            </figure>
            <figure><figcaption>{t('statistics.chart.trend')}</figcaption><Chart className="stats-chart" testId="chart-trend" option={trendBars(data, t, DARK)} /></figure>
            <figure><figcaption>{t('statistics.chart.hours')}</figcaption><Chart className="stats-chart" testId="chart-hours" option={hourLines(data, t, DARK)} /></figure>
          </section>
          {tables.map((table) => (
            <TableView key={table.id} table={table} lang={lang} onDrill={openDrill} onCsv={() => exportCsv(table)} onXlsx={() => exportXlsx([table], table.title)} onCase={openCase} />
          ))}
          <p className="stats-foot">{t('statistics.asOf', { time: formatDateTime(data.byDepartment.asOf, lang) })} · {t('statistics.definitions')}</p>
        </main>
      )}
      {drill && <DrillPanel drill={drill} names={names} lang={lang} onClose={() => setDrill(null)} onCase={openCase} />}
    </div>
  );
}

export function Progress({ done, of }: { done: number; of: number }) {
  const { t } = useTranslation();
  return (
    <div className="stats-progress" role="progressbar" aria-valuemin={0} aria-valuemax={of} aria-valuenow={done} data-testid="stats-progress">
      <div className="bar" style={{ width: `${of ? Math.round((100 * done) / of) : 0}%` }} />
      <span>{t('statistics.loading', { done, of })}</span>
    </div>
  );
}

function TableView({ table, lang, onDrill, onCsv, onXlsx, onCase }: {
  table: StatTable; lang: string; onDrill: (ref: DrillRef, label: string) => void; onCsv: () => void; onXlsx: () => void; onCase: (id: string) => void;
}) {
  const { t } = useTranslation();
  const caseCol = table.columns.findIndex((c) => c.key === 'cases');
  return (
    <section className="stats-table" data-testid={`table-${table.id}`}>
      <header>
        <h2>{table.title}</h2>
        <div className="spacer" />
        <button type="button" onClick={onCsv} data-testid={`csv-${table.id}`}>CSV</button>
        <button type="button" onClick={onXlsx} data-testid={`xlsx-${table.id}`}>XLSX</button>
      </header>
      {table.rows.length === 0 ? <p className="muted">{t('statistics.empty')}</p> : (
        <div className="scroll">
          <table>
            <thead><tr>{table.columns.map((c) => <th key={c.key} className={c.kind === 'text' ? '' : 'num'}>{c.label}</th>)}</tr></thead>
            <tbody>
              {table.rows.map((r, i) => (
                <tr key={i} className={r.total ? 'total' : ''}>
                  {r.cells.map((v, j) => {
                    const col = table.columns[j]!;
                    const ref = r.drills?.[j];
                    const text = formatCell(col.kind, v, lang);
                    if (j === caseCol && typeof v === 'string') {
                      return <td key={j}>{v.split(' ').filter(Boolean).map((id) => <button key={id} type="button" className="link case-link" onClick={() => onCase(id)}>{id}</button>)}</td>;
                    }
                    return (
                      <td key={j} className={col.kind === 'text' ? '' : 'num'} data-col={col.key}>
                        {ref && typeof v === 'number' && v > 0
                          ? <button type="button" className="link" data-testid="drill" onClick={() => onDrill(ref, `${String(r.cells[0])} · ${col.label}`)}>{text}</button>
                          : text}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function DrillPanel({ drill, names, lang, onClose, onCase }: {
  drill: { label: string; answer: DrilldownAnswer | null; error: string | null }; names: Names; lang: string; onClose: () => void; onCase: (id: string) => void;
}) {
  const { t } = useTranslation();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => { if (e.key === 'Escape') onClose(); };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  const a = drill.answer;
  return (
    <aside className="stats-drill" role="dialog" aria-label={t('statistics.drillTitle', { figure: drill.label })} data-testid="drill-panel" data-total={a?.total ?? ''}>
      <header>
        <h2>{t('statistics.drillTitle', { figure: drill.label })}</h2>
        <button type="button" onClick={onClose} data-testid="drill-close" aria-label={t('statistics.close')}>×</button>
      </header>
      {drill.error ? <p className="stats-error" role="alert">{drill.error}</p> : !a ? <p className="muted">{t('statistics.loadingShort')}</p> : (
        <>
          <p className="muted">{t('statistics.drillCount', { count: a.total, shown: a.items.length })}</p>
          <table>
            <thead><tr>
              <th>{t('statistics.col.case')}</th><th>{t('statistics.col.time')}</th><th>{t('statistics.col.category')}</th>
              <th>{t('statistics.col.subdistrict')}</th><th>{t('statistics.col.department')}</th><th className="num">{t('statistics.col.minutes')}</th>
            </tr></thead>
            <tbody>
              {a.items.map((it) => (
                <tr key={`${it.caseId}:${it.department ?? ''}`} data-testid="drill-case" data-case-id={it.caseId}>
                  <td><button type="button" className="link" onClick={() => onCase(it.caseId)} title={t('statistics.openCase')}>{it.caseId}</button></td>
                  <td>{formatDateTime(it.at, lang)}</td>
                  <td>{names.category(it.category) || it.category}</td>
                  <td>{names.subdistrict(it.subdistrict) || it.subdistrict}</td>
                  <td>{it.department ? names.department(it.department) || it.department : '—'}</td>
                  <td className="num">{it.minutes === undefined ? '—' : it.minutes.toLocaleString(lang, { maximumFractionDigits: 1 })}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </aside>
  );
}
