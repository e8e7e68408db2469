/**
 * The wall's panels. Read-only by design: no buttons, nothing to click. Every panel says when
 * what it shows is not live (a tag in its header, the figures greyed and hatched).
 */
import { createContext, useContext, useEffect, useMemo, useState, useSyncExternalStore, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { LEVEL_NUMERALS } from '../../../shared/domain/operations';
import type { Case, LngLat, Operation } from '../../../shared/protocol/entities';
import { useAppSelector } from '../../app/hooks';
import { formatDateTime, formatNumber, formatPercent, formatSpan, formatTime } from '../../i18n/format';
import { Chart, type ChartOption } from '../../ui/Chart';
import { selectCaseEntities, selectNow } from '../cases/selectors';
import { caseClock, timelinessAt } from '../cases/timeliness';
import { localName, selectDepartments, selectSubdistricts } from '../district/selectors';
import { useNames } from '../district/useNames';
import { camerasAdapter } from '../field/slices';
import { chooseCameras } from './cameras';
import { CameraTile } from './CameraTile';
import type { FeedState, WallAlert, WallFeed } from './feed';
import { KPI_ITEMS, type KpiItem, type PanelKind, type WallPanel } from './layouts';
import { CENTER_BUCKET, selectWallStats } from './stats';

export interface WallContextValue {
  feed: WallFeed;
  /** The alert holding the wall now, if any. */
  alert: (WallAlert & { until: number; streakStart: number }) | null;
  /** What camera tiles follow: the alert, else the last one for a while. */
  followed: WallAlert | null;
  stale: boolean;
}
export const WallContext = createContext<WallContextValue | null>(null);
export const useWall = (): WallContextValue => useContext(WallContext)!;
export const useFeed = (): FeedState => {
  const { feed } = useWall();
  return useSyncExternalStore(feed.subscribe, feed.getState);
};

/** The viewport's height, for chart text that scales with the screen like the CSS (vh). */
function useVh(): number {
  const [h, setH] = useState(() => window.innerHeight);
  useEffect(() => {
    const on = () => setH(window.innerHeight);
    window.addEventListener('resize', on);
    return () => window.removeEventListener('resize', on);
  }, []);
  return h / 100;
}

const C = { text: '#e8eef5', muted: '#9fb0c2', line: '#2a3644', accent: '#4dabf7', urgent: '#ff6b6b', high: '#ffa94d', ok: '#69db7c', due: '#ffd43b' };
const SOURCE_COLORS = ['#4dabf7', '#69db7c', '#ffd43b', '#ff8787', '#b197fc', '#63e6be', '#ffa94d', '#e599f7'];
export const LEVEL_COLOR: Record<number, string> = { 1: '#ff4d4f', 2: '#ff922b', 3: '#fcc419', 4: '#4dabf7' };

export function PanelFrame({ kind, title, stale, children, extra, testId = 'wall-panel' }: { kind: string; title: string; stale: boolean; children: ReactNode; extra?: ReactNode; testId?: string }) {
  const { t } = useTranslation();
  return (
    <section className={`wall-panel k-${kind}${stale ? ' is-stale' : ''}`} data-testid={testId} data-kind={kind} data-stale={stale}>
      <header>
        <h2>{title}</h2>
        {extra}
        {stale && <span className="wall-stale-tag" data-testid="wall-stale-tag">{t('wall.stale.tag')}</span>}
      </header>
      <div className="wall-panel-body">{children}</div>
    </section>
  );
}

function Kpis({ panel }: { panel: WallPanel }) {
  const { t, i18n } = useTranslation();
  const s = useAppSelector(selectWallStats);
  const items = (panel.options.items as KpiItem[] | undefined) ?? [...KPI_ITEMS];
  const value = (k: KpiItem): string => {
    if (k === 'onTime') return s.onTime === null ? t('kpi.na') : formatPercent(s.onTime, i18n.language);
    return formatNumber(s[k], i18n.language);
  };
  return (
    <div className="wall-kpis" style={{ gridTemplateColumns: `repeat(${items.length}, 1fr)` }}>
      {items.map((k) => (
        <div key={k} className={`wall-kpi k-${k}${k === 'overdue' && s.overdue > 0 ? ' bad' : ''}`} data-testid={`wall-kpi-${k}`} data-value={k === 'onTime' ? (s.onTime ?? '') : s[k]}>
          <b>{value(k)}</b>
          <span>{t(`wall.kpi.${k}`)}</span>
        </div>
      ))}
    </div>
  );
}

function barOption(names: string[], values: number[], vh: number, color: string, horizontal: boolean): ChartOption {
  const fs = Math.round(1.7 * vh);
  const cat = { type: 'category', data: names, axisLabel: { color: C.text, fontSize: fs, interval: horizontal ? 0 : 2 }, axisLine: { lineStyle: { color: C.line } }, axisTick: { show: false }, inverse: horizontal };
  // Horizontal bars carry their values as labels: no value axis to squint at.
  const val = { type: 'value', minInterval: 1, axisLabel: { show: !horizontal, color: C.muted, fontSize: Math.round(fs * 0.8) }, splitLine: { show: !horizontal, lineStyle: { color: C.line } } };
  return {
    animationDurationUpdate: 400,
    grid: { left: horizontal ? 8 : 4, right: horizontal ? 12 * vh : 8, top: vh, bottom: vh, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
    xAxis: horizontal ? val : cat,
    yAxis: horizontal ? cat : val,
    series: [{
      type: 'bar', data: values, barMaxWidth: 5 * vh, itemStyle: { color, borderRadius: 3 },
      label: { show: horizontal, position: 'right', color: C.text, fontSize: fs, fontWeight: 'bold' },
    }],
  };
}

function Empty({ children }: { children: ReactNode }) {
  return <div className="wall-empty">{children}</div>;
}

function OverdueDepartments({ panel, active }: { panel: WallPanel; active: boolean }) {
  const { t, i18n } = useTranslation();
  const s = useAppSelector(selectWallStats);
  const depts = useAppSelector(selectDepartments);
  const vh = useVh();
  const top = (panel.options.top as number | undefined) ?? 8;
  const rows = s.overdueByDepartment.slice(0, top);
  const option = useMemo(() => barOption(
    rows.map(([code]) => (code === CENTER_BUCKET ? t('wall.chart.center') : localName(depts.get(code), code, i18n.language))),
    rows.map(([, n]) => n), vh, C.urgent, true,
  ), [rows.map((r) => r.join()).join('|'), depts, i18n.language, vh]);
  if (!rows.length) return <Empty>{t('wall.chart.none')}</Empty>;
  return <Chart merge className="wall-chart" option={option} active={active} testId="wall-chart-overdue-departments" />;
}

function OverdueSubdistricts({ active }: { active: boolean }) {
  const { t, i18n } = useTranslation();
  const s = useAppSelector(selectWallStats);
  const subs = useAppSelector(selectSubdistricts);
  const vh = useVh();
  const key = s.overdueBySubdistrict.map((r) => r.join()).join('|');
  const option = useMemo(() => {
    const counts = new Map(s.overdueBySubdistrict);
    const rows = [...subs.values()].map((r) => [localName(r, r.code, i18n.language), counts.get(r.code) ?? 0] as const)
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    return barOption(rows.map((r) => r[0]), rows.map((r) => r[1]), vh, C.high, true);
  }, [key, subs, i18n.language, vh]);
  if (!subs.size) return <Empty>{t('wall.chart.none')}</Empty>;
  return <Chart merge className="wall-chart" option={option} active={active} testId="wall-chart-overdue-subdistricts" />;
}

function Sources({ active }: { active: boolean }) {
  const { t, i18n } = useTranslation();
  const s = useAppSelector(selectWallStats);
  const vh = useVh();
  const key = s.sources.map((r) => r.join()).join('|');
  const option = useMemo((): ChartOption => {
    // Bars, not a pie: names and shares stay legible from across the room.
    const rows = [...s.sources].sort((a, b) => b[1] - a[1]);
    const total = rows.reduce((n, [, v]) => n + v, 0) || 1;
    const base = barOption(rows.map(([src]) => t(`source.${src}`)), rows.map(([, n]) => n), vh, C.accent, true);
    const series = (base.series as Array<Record<string, unknown>>)[0]!;
    return {
      ...base,
      series: [{
        ...series,
        data: rows.map(([, n], i) => ({ value: n, itemStyle: { color: SOURCE_COLORS[i % SOURCE_COLORS.length] } })),
        label: { ...(series.label as object), formatter: (p: { value: number }) => `${p.value} · ${formatPercent(p.value / total, i18n.language)}` },
      }],
    };
  }, [key, vh, t, i18n.language]);
  if (!s.sources.length) return <Empty>{t('wall.chart.noReports')}</Empty>;
  return <Chart merge className="wall-chart" option={option} active={active} testId="wall-chart-sources" />;
}

function Hourly({ active }: { active: boolean }) {
  const s = useAppSelector(selectWallStats);
  const vh = useVh();
  const key = s.hourly.join();
  const option = useMemo(() => barOption(s.hourly.map((_, h) => String(h).padStart(2, '0')), s.hourly, vh, C.accent, false), [key, vh]);
  return <Chart merge className="wall-chart" option={option} active={active} testId="wall-chart-hourly" />;
}

function Ticker({ panel }: { panel: WallPanel }) {
  const { t } = useTranslation();
  const { ticker } = useFeed();
  const names = useNames();
  const max = (panel.options.max as number | undefined) ?? 12;
  if (!ticker.length) return <Empty>{t('wall.ticker.empty')}</Empty>;
  return (
    <ol className="wall-ticker" data-testid="wall-ticker">
      {ticker.slice(0, max).map((x) => (
        <li key={x.key} data-testid="wall-ticker-item" data-case-id={x.caseId} className={`u-${x.urgency}`}>
          <time>{formatTime(x.at, names.lang).slice(0, 5)}</time>
          <span className={`wall-chip st-${x.kind === 'overdue' ? 'overdue' : x.status}`}>{x.kind === 'overdue' ? t('wall.ticker.overdue') : t(`status.${x.status}`)}</span>
          {x.urgency !== 'normal' && <span className={`wall-chip u-${x.urgency}`}>{t(`urgency.${x.urgency}`)}</span>}
          <span className="wall-ticker-text">{names.category(x.categoryCode)} · {names.subdistrict(x.subdistrictCode)} · {x.address}</span>
        </li>
      ))}
    </ol>
  );
}

function OperationLine({ op }: { op: Operation }) {
  const { t } = useTranslation();
  const names = useNames();
  const required = op.tasks.filter((x) => x.status !== 'cancelled');
  const done = required.filter((x) => x.status === 'done').length;
  return (
    <div className={`wall-op lv-${op.level}${op.status === 'active' ? '' : ' is-over'}`} style={{ borderLeftColor: LEVEL_COLOR[op.level] }} data-testid="wall-operation" data-operation-id={op.id}>
      <div className="wall-op-title">
        <span className="wall-level" style={{ background: LEVEL_COLOR[op.level] }}>{t('wall.operations.level', { level: LEVEL_NUMERALS[op.level] })}</span>
        <b>{t(`wall.hazard.${op.hazard}`, { defaultValue: op.hazard })}</b>
        {op.status !== 'active' && <span className="muted">{t('wall.operations.stoodDown')}</span>}
      </div>
      <div className="wall-op-meta">
        <span>{op.subdistrictCodes.map((code) => names.subdistrict(code)).join('、')}</span>
        <span>{t('wall.operations.tasks', { done, total: required.length })}</span>
        <span>{t('wall.operations.since', { time: formatDateTime(op.activatedAt, names.lang) })}</span>
      </div>
    </div>
  );
}

function Operations({ panel }: { panel: WallPanel }) {
  const { t } = useTranslation();
  const { operations } = useFeed();
  const max = (panel.options.max as number | undefined) ?? 4;
  const active = operations.filter((o) => o.status === 'active');
  if (!active.length) return <Empty>{t('wall.operations.none')}</Empty>;
  return <div className="wall-ops">{active.slice(0, max).map((op) => <OperationLine key={op.id} op={op} />)}</div>;
}

/** Where a followed alert is: the case's point, or the operation's first case's. */
export function useAlertPlace(a: WallAlert | null): { point: LngLat | null; label: string | null; caseItem: Case | null; op: Operation | null } {
  const cases = useAppSelector(selectCaseEntities);
  const { operations } = useFeed();
  if (!a) return { point: null, label: null, caseItem: null, op: null };
  if (a.kind === 'case') {
    const c = cases[a.id] ?? null;
    return { point: c?.point ?? null, label: a.id, caseItem: c, op: null };
  }
  const op = operations.find((o) => o.id === a.id) ?? null;
  const first = op?.caseIds.map((id) => cases[id]).find((c): c is Case => !!c) ?? null;
  return { point: first?.point ?? ringCenter(op), label: a.id, caseItem: first, op };
}

function ringCenter(op: Operation | null): LngLat | null {
  const ring = op?.area?.coordinates[0];
  if (!ring?.length) return null;
  let x = 0, y = 0;
  for (const p of ring) { x += p[0]; y += p[1]; }
  return [x / ring.length, y / ring.length];
}

const selectCameras = camerasAdapter.getSelectors((s: { cameras: ReturnType<typeof camerasAdapter.getInitialState> }) => s.cameras).selectAll;

function Cameras({ panel, active }: { panel: WallPanel; active: boolean }) {
  const { t } = useTranslation();
  const { followed, stale } = useWall();
  const cameras = useAppSelector(selectCameras);
  const size = (panel.options.size as number | undefined) ?? 2;
  const follow = (panel.options.follow as boolean | undefined) ?? true;
  const place = useAlertPlace(follow ? followed : null);
  const pinned = (panel.options.ids as string[] | undefined) ?? [];
  const [px, py] = place.point ?? [];
  const tiles = useMemo(() => chooseCameras(cameras, size * size, px !== undefined && py !== undefined ? [px, py] : null, pinned),
    [cameras, size, px, py, pinned.join()]);
  if (!tiles.length) return <Empty>{t('wall.cameras.none')}</Empty>;
  const dist = (m: number | null) => (m === null ? null : m < 1000 ? t('wall.cameras.distance', { m: Math.round(m) }) : t('wall.cameras.distanceKm', { km: (m / 1000).toFixed(1) }));
  return (
    <div className="wall-cams" style={{ gridTemplateColumns: `repeat(${size}, 1fr)`, gridTemplateRows: `repeat(${size}, 1fr)` }} data-testid="wall-cameras" data-following={place.label ?? ''}>
      {tiles.map((x) => <CameraTile key={x.camera.id} camera={x.camera} distance={dist(x.distanceM)} stale={stale} play={active} />)}
    </div>
  );
}

export function camerasExtra(followed: WallAlert | null, t: (k: string, o?: Record<string, unknown>) => string): ReactNode {
  return followed ? <span className="wall-following">{t('wall.cameras.following', { what: followed.id })}</span> : null;
}

function Clock({ panel }: { panel: WallPanel }) {
  const { t, i18n } = useTranslation();
  const now = useAppSelector(selectNow);
  const roster = (panel.options.roster as string[] | undefined) ?? [];
  const hour = Number(new Intl.DateTimeFormat('en', { timeZone: 'Asia/Shanghai', hour: 'numeric', hourCycle: 'h23' }).format(now));
  const date = new Intl.DateTimeFormat(i18n.language, { timeZone: 'Asia/Shanghai', year: 'numeric', month: 'long', day: 'numeric', weekday: 'long' }).format(now);
  return (
    <div className="wall-clock">
      <div className="wall-clock-time" data-testid="wall-clock">{formatTime(now, i18n.language)}</div>
      <div className="wall-clock-date">{date} · {hour >= 8 && hour < 20 ? t('wall.clock.dayShift') : t('wall.clock.nightShift')}</div>
      <div className="wall-roster">
        <h3>{t('wall.clock.roster')}</h3>
        {roster.length ? <ul>{roster.map((r, i) => <li key={i}>{r}</li>)}</ul> : <p className="muted">{t('wall.clock.noRoster')}</p>}
      </div>
    </div>
  );
}

function AlertCard() {
  const { t } = useTranslation();
  const { alert, followed } = useWall();
  const place = useAlertPlace(followed);
  const names = useNames();
  const now = useAppSelector(selectNow);
  if (!followed) return <Empty>{t('wall.alert.none')}</Empty>;
  const c = place.caseItem;
  const op = place.op;
  const clock = c ? caseClock(c) : null;
  const state = c ? timelinessAt(c, now) : 'none';
  return (
    <div className="wall-alert" data-testid="wall-alert" data-kind={followed.kind} data-id={followed.id}>
      <div className="wall-alert-kind">
        {followed.kind === 'case' ? t('wall.alert.urgentCase') : t('wall.alert.operation')}
        {!alert && <span className="muted"> · {t('wall.alert.recent')}</span>}
        {alert && <span className="muted wall-alert-returns">{t('wall.alert.returns', { seconds: Math.max(0, Math.ceil((alert.until - now) / 1000)) })}</span>}
      </div>
      {op && (
        <div className="wall-alert-op">
          <OperationLine op={op} />
        </div>
      )}
      {c && (
        <>
          <h3 className="wall-alert-title">
            <span className={`wall-chip u-${c.urgency}`}>{t(`urgency.${c.urgency}`)}</span>
            {names.category(c.categoryCode)}
          </h3>
          <div className="wall-alert-place">{names.subdistrict(c.subdistrictCode)} · {c.address}</div>
          <div className="wall-alert-meta">
            <span>{c.id}</span>
            <span>{t(`source.${c.source}`)}</span>
            <span>{t('wall.alert.reportedAt', { time: formatTime(c.reportedAt, names.lang) })}</span>
            <span className={`wall-chip st-${c.status}`}>{t(`status.${c.status}`)}</span>
            {clock?.due != null && (
              <span className={`countdown t-${state}`}>
                {t(`stage.${clock.stage}`)} {(clock.due - now >= 0 ? t('countdown.left', { time: formatSpan(clock.due - now, (count) => t('countdown.days', { count })) }) : t('countdown.over', { time: formatSpan(clock.due - now, (count) => t('countdown.days', { count })) }))}
              </span>
            )}
          </div>
          <p className="wall-alert-desc">{c.description}</p>
        </>
      )}
    </div>
  );
}

export const PANEL_TITLE: Record<PanelKind, string> = {
  map: 'wall.panel.map', ticker: 'wall.panel.ticker', kpis: 'wall.panel.kpis', 'overdue-departments': 'wall.panel.overdue-departments',
  'overdue-subdistricts': 'wall.panel.overdue-subdistricts', sources: 'wall.panel.sources', hourly: 'wall.panel.hourly',
  operations: 'wall.panel.operations', cameras: 'wall.panel.cameras', clock: 'wall.panel.clock', alert: 'wall.panel.alert',
};

/** One panel of a layout; the map is drawn by the wall's single map layer, over this cell. */
export function Panel({ panel, active }: { panel: WallPanel; active: boolean }) {
  const { t } = useTranslation();
  const { stale, followed } = useWall();
  const kind = panel.kind as PanelKind;
  const style = { gridColumn: `${panel.col} / span ${panel.colSpan}`, gridRow: `${panel.row} / span ${panel.rowSpan}` };
  if (kind === 'map') return <div className="wall-map-cell" style={style} />;
  // The clock is the wall's own; everything else comes from the hub.
  const panelStale = stale && kind !== 'clock';
  let body: ReactNode;
  switch (kind) {
    case 'kpis': body = <Kpis panel={panel} />; break;
    case 'overdue-departments': body = <OverdueDepartments panel={panel} active={active} />; break;
    case 'overdue-subdistricts': body = <OverdueSubdistricts active={active} />; break;
    case 'sources': body = <Sources active={active} />; break;
    case 'hourly': body = <Hourly active={active} />; break;
    case 'ticker': body = <Ticker panel={panel} />; break;
    case 'operations': body = <Operations panel={panel} />; break;
    case 'cameras': body = <Cameras panel={panel} active={active} />; break;
    case 'clock': body = <Clock panel={panel} />; break;
    case 'alert': body = <AlertCard />; break;
    default: body = <Empty>{t('wall.panel.unknown')}</Empty>;
  }
  return (
    <div className="wall-cell" style={style}>
      <PanelFrame kind={kind} title={t(PANEL_TITLE[kind] ?? 'wall.panel.unknown')} stale={panelStale} extra={kind === 'cameras' ? camerasExtra(followed, t) : undefined}>
        {body}
      </PanelFrame>
    </div>
  );
}
