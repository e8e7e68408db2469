/**
 * The PDF report of a period: cover, KPIs, charts, every table, styled for paper (@media print
 * in statistics.css). Progress is shown while the figures load and the charts draw; once all is
 * drawn the page is marked `data-ready` and exported (features/pdf: in Electron printToPDF and a
 * save dialog, in a browser the print dialog's "save as PDF"). The UI test makes the file with
 * Playwright's page.pdf() of this view in headless Chromium — the same printing Electron's
 * webContents.printToPDF does. Under automation (navigator.webdriver) nothing opens by itself.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../i18n/format';
import { Chart } from '../../ui/Chart';
import { usePdfExport } from '../pdf/usePdfExport';
import { choropleth, departmentBars, hourLines, PRINT, trendBars } from './charts';
import { districtCodes } from './districtMap';
import type { StatsData } from './load';
import { periodDates, type Period } from './period';
import { Progress } from './StatisticsApp';
import { formatCell, KPI_FIGURES, kpiLabel, kpiValue, type Names, type StatTable } from './tables';

type Load = { state: 'idle' } | { state: 'loading'; done: number; of: number } | { state: 'error'; code: string; message: string } | { state: 'ready'; data: StatsData };

export function Report({ load, period, tables, names, hasMap, onBack }: {
  load: Load; period: Period; tables: StatTable[]; names: Names; hasMap: boolean; onBack: () => void;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const data = load.state === 'ready' ? load.data : null;
  const charts = hasMap ? 4 : 3;
  const drawn = useRef(new Set<string>());
  const [drawnCount, setDrawnCount] = useState(0);
  const printed = useRef(false);
  const pdf = usePdfExport();
  const runPdf = pdf.run;
  const onDrawn = (id: string) => () => {
    if (drawn.current.has(id)) return;
    drawn.current.add(id);
    setDrawnCount(drawn.current.size);
  };
  const ready = !!data && drawnCount >= charts;
  useEffect(() => {
    if (!ready || printed.current) return;
    printed.current = true;
    document.title = `${t('statistics.reportTitle')} ${periodDates(period).from} – ${periodDates(period).to}`;
    if (!navigator.webdriver) setTimeout(() => void runPdf(document.title), 200);
  }, [ready, period, t, runPdf]);

  const options = useMemo(() => data && {
    departments: departmentBars(data, names, t, PRINT, false), trend: trendBars(data, t, PRINT, false),
    hours: hourLines(data, t, PRINT, false), map: choropleth(data, names, t, PRINT, false, districtCodes()),
  }, [data, names, t]);
  const dates = periodDates(period);

  return (
    <div className="stats-report" data-testid="report" data-ready={ready ? 'true' : 'false'}>
      <div className="report-toolbar no-print">
        <button type="button" onClick={onBack} data-testid="report-back">{t('statistics.back')}</button>
        <button type="button" disabled={!ready || pdf.busy} onClick={() => void pdf.run(document.title)} data-testid="report-print">{t('statistics.print')}</button>
        {pdf.status}
        {!ready && load.state === 'loading' && <Progress done={load.done} of={load.of} />}
        {!ready && data && <Progress done={load.state === 'ready' ? drawnCount : 0} of={charts} />}
        {load.state === 'error' && <span className="stats-error" role="alert">{load.code === 'offline' ? t('statistics.offline') : load.message}</span>}
      </div>
      <section className="report-cover">
        <p className="org">{t('app.title')}</p>
        <h1>{t('statistics.reportTitle')}</h1>
        <p className="period" data-testid="report-period">{t('statistics.range', { from: dates.from, to: dates.to })}</p>
        {data && <p className="meta">{t('statistics.asOf', { time: formatDateTime(data.byDepartment.asOf, lang) })}</p>}
      </section>
      {data && options && (
        <>
          <section className="report-kpis">
            <h2>{t('statistics.table.kpi')}</h2>
            <div className="grid">
              {KPI_FIGURES.map(([k, kind]) => (
                <div key={k} className="kpi" data-testid={`report-kpi-${k}`}>
                  <div className="label">{kpiLabel(k, t)}</div>
                  <div className="value">{formatCell(kind === 'pct' ? 'pct' : kind === 'score' ? 'score' : 'int', kpiValue(data.bySubdistrict.total, k), lang)}</div>
                  <div className="prev">{t('statistics.previousShort', { value: formatCell(kind === 'pct' ? 'pct' : 'score', kpiValue(data.previous.total, k), lang) })}</div>
                </div>
              ))}
            </div>
          </section>
          <section className="report-charts">
            <figure><figcaption>{t('statistics.chart.departments')}</figcaption><Chart renderer="svg" className="report-chart" testId="report-chart-departments" option={options.departments} onRendered={onDrawn('departments')} /></figure>
            {hasMap && <figure><figcaption>{t('statistics.chart.map')}</figcaption><Chart renderer="svg" className="report-chart" testId="report-chart-map" option={options.map} onRendered={onDrawn('map')} /></figure>}
            <figure><figcaption>{t('statistics.chart.trend')}</figcaption><Chart renderer="svg" className="report-chart" testId="report-chart-trend" option={options.trend} onRendered={onDrawn('trend')} /></figure>
            <figure><figcaption>{t('statistics.chart.hours')}</figcaption><Chart renderer="svg" className="report-chart" testId="report-chart-hours" option={options.hours} onRendered={onDrawn('hours')} /></figure>
          </section>
          {tables.map((table) => (
            <section key={table.id} className="report-table">
              <h2>{table.title}</h2>
              {table.rows.length === 0 ? <p>{t('statistics.empty')}</p> : (
                <table>
                  <thead><tr>{table.columns.map((c) => <th key={c.key}>{c.label}</th>)}</tr></thead>
                  <tbody>
                    {table.rows.map((r, i) => (
                      <tr key={i} className={r.total ? 'total' : ''}>{r.cells.map((v, j) => <td key={j} className={table.columns[j]!.kind === 'text' ? '' : 'num'}>{formatCell(table.columns[j]!.kind, v, lang)}</td>)}</tr>
                    ))}
                  </tbody>
                </table>
              )}
            </section>
          ))}
          <p className="report-foot">{t('statistics.definitions')}</p>
        </>
      )}
    </div>
  );
}
