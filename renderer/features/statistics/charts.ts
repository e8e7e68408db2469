/** The statistics charts' options, from the loaded data (pure: no DOM). */
import type { ChartOption } from '../../ui/chart-option';
import { GLYPHS } from '../../fonts/families';
import type { StatsData } from './load';
import { KPI_FIGURES, kpiLabel, kpiValue, type Names, type T } from './tables';

/** The name the district's subdistricts are registered under as an ECharts map (districtMap.ts). */
export const DISTRICT_MAP = 'district';

export interface Palette { text: string; axis: string; grid: string; series: string[]; mapLow: string; mapHigh: string; bg: string }
export const DARK: Palette = { text: '#cbd5e1', axis: '#64748b', grid: '#1e293b', series: ['#38bdf8', '#f59e0b', '#34d399', '#f87171'], mapLow: '#1e3a5f', mapHigh: '#f97316', bg: 'transparent' };
export const PRINT: Palette = { text: '#111827', axis: '#6b7280', grid: '#e5e7eb', series: ['#1d4ed8', '#d97706', '#059669', '#dc2626'], mapLow: '#dbeafe', mapHigh: '#c2410c', bg: '#ffffff' };

const axis = (p: Palette) => ({ axisLine: { lineStyle: { color: p.axis } }, axisLabel: { color: p.text }, splitLine: { lineStyle: { color: p.grid } } });

/** Received and closed per department, most received first (top 12). */
export function departmentBars(d: StatsData, names: Names, t: T, p: Palette, animate = true): ChartOption {
  const groups = [...d.byDepartment.groups].sort((a, b) => (b.figures.counts.received ?? 0) - (a.figures.counts.received ?? 0)).slice(0, 12);
  return {
    animation: animate, backgroundColor: p.bg, color: p.series,
    tooltip: { trigger: 'axis' }, legend: { textStyle: { color: p.text }, top: 0 },
    grid: { left: 40, right: 12, top: 30, bottom: 70 },
    xAxis: { type: 'category', data: groups.map((g) => names.department(g.key) || g.name || g.key), ...axis(p), axisLabel: { color: p.text, rotate: 35, interval: 0, fontSize: 11 } },
    yAxis: { type: 'value', minInterval: 1, ...axis(p) },
    series: [
      { name: t('statistics.count.received'), type: 'bar', barMaxWidth: 48, data: groups.map((g) => ({ value: g.figures.counts.received ?? 0, key: g.key, figure: 'received' })) },
      { name: t('statistics.count.closed'), type: 'bar', barMaxWidth: 48, data: groups.map((g) => ({ value: g.figures.counts.closed ?? 0, key: g.key, figure: 'closed' })) },
    ],
  };
}

/** The district's KPIs in this period beside the period before (counts and rates apart). */
export function trendBars(d: StatsData, t: T, p: Palette, animate = true): ChartOption {
  const counts = KPI_FIGURES.filter(([, k]) => k === 'int').map(([f]) => f);
  const rates = KPI_FIGURES.filter(([, k]) => k !== 'int').map(([f]) => f);
  const series = (data: StatsData['byDepartment'], name: string, list: readonly string[], axisIndex: number) => ({
    name, type: 'bar', barMaxWidth: 32, xAxisIndex: axisIndex, yAxisIndex: axisIndex,
    data: list.map((f) => kpiValue(data.total, f as never) ?? 0),
  });
  return {
    animation: animate, backgroundColor: p.bg, color: p.series,
    tooltip: { trigger: 'axis' }, legend: { textStyle: { color: p.text }, top: 0 },
    grid: [{ left: 40, right: '55%', top: 30, bottom: 50 }, { left: '52%', right: 12, top: 30, bottom: 50 }],
    xAxis: [
      { type: 'category', gridIndex: 0, data: counts.map((f) => kpiLabel(f as never, t)), ...axis(p), axisLabel: { color: p.text, interval: 0, rotate: 30, fontSize: 11 } },
      { type: 'category', gridIndex: 1, data: rates.map((f) => kpiLabel(f as never, t)), ...axis(p), axisLabel: { color: p.text, interval: 0, rotate: 30, fontSize: 11 } },
    ],
    yAxis: [{ type: 'value', gridIndex: 0, minInterval: 1, ...axis(p) }, { type: 'value', gridIndex: 1, max: 100, ...axis(p) }],
    series: [
      series(d.bySubdistrict, t('statistics.thisPeriod'), counts, 0), series(d.previous, t('statistics.previousPeriod'), counts, 0),
      series(d.bySubdistrict, t('statistics.thisPeriod'), rates, 1), series(d.previous, t('statistics.previousPeriod'), rates, 1),
    ],
  };
}

/** Reports per hour of day, this period and the one before. */
export function hourLines(d: StatsData, t: T, p: Palette, animate = true): ChartOption {
  const now = new Array<number>(24).fill(0);
  const before = new Array<number>(24).fill(0);
  for (const g of d.demands.hour.groups) {
    const h = Number(g.key);
    if (h >= 0 && h < 24) {
      now[h] = g.count;
      before[h] = g.previous;
    }
  }
  return {
    animation: animate, backgroundColor: p.bg, color: p.series,
    tooltip: { trigger: 'axis' }, legend: { textStyle: { color: p.text }, top: 0 },
    grid: { left: 40, right: 12, top: 30, bottom: 30 },
    xAxis: { type: 'category', data: now.map((_, h) => `${String(h).padStart(2, '0')}`), ...axis(p) },
    yAxis: { type: 'value', minInterval: 1, ...axis(p) },
    series: [
      { name: t('statistics.thisPeriod'), type: 'line', data: now, areaStyle: { opacity: 0.15 } },
      { name: t('statistics.previousPeriod'), type: 'line', data: before, lineStyle: { type: 'dashed' } },
    ],
  };
}

/** Cases received per subdistrict on the district's map. */
export function choropleth(d: StatsData, names: Names, t: T, p: Palette, animate = true, regionCodes: readonly string[] = []): ChartOption {
  const data = d.demands.subdistrict.groups.map((g) => ({ name: g.key, value: g.count }));
  const short = (code: string) => names.subdistrict(code).replace(/(街道|镇|Subdistrict|Town)$/, '');
  const max = Math.max(1, ...data.map((x) => x.value));
  return {
    animation: animate, backgroundColor: p.bg,
    // The labels come from a formatter: name their text, so its font slices load before drawing.
    [GLYPHS]: regionCodes.map(short).join(''),
    tooltip: { trigger: 'item', formatter: (x: { name: string; value?: number }) => `${names.subdistrict(x.name) || x.name}: ${Number.isFinite(x.value) ? x.value : 0}` },
    visualMap: { min: 0, max, left: 8, bottom: 8, calculable: true, text: [String(max), '0'], textStyle: { color: p.text }, inRange: { color: [p.mapLow, p.mapHigh] } },
    series: [{
      name: t('statistics.count.received'), type: 'map', map: DISTRICT_MAP, nameProperty: 'code', roam: false, layoutCenter: ['55%', '50%'], layoutSize: '96%',
      label: { show: true, color: p.text, fontSize: 10, formatter: (x: { name: string }) => short(x.name) },
      itemStyle: { borderColor: p.axis, areaColor: p.mapLow }, emphasis: { label: { color: p.text } },
      data,
    }],
  };
}
