/**
 * The video wall (ARCHITECTURE §1, §5; issue 7): a rotation of layouts of read-only panels, an alert
 * layout that an urgent case or an operation takes the wall to (then it returns), and a banner
 * the moment the data is not live. Every layout of the rotation stays mounted (hidden when not
 * on screen) so charts are created once and fed by setOption; the map is ONE map for the whole
 * wall, laid over the map cell of the layout on screen, so rotation never re-creates a WebGL map.
 */
import { lazy, Suspense, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Feature, FeatureCollection } from 'geojson';
import { isOpen } from '../../../shared/domain/lifecycle';
import type { LngLat } from '../../../shared/protocol/entities';
import { createSelector } from '@reduxjs/toolkit';
import { useAppSelector } from '../../app/hooks';
import type { RootState } from '../../app/store';
import { formatAgo, formatDateTime, formatTime } from '../../i18n/format';
import { selectAllCases, selectNow } from '../cases/selectors';
import { selectLinkView, type LinkView } from '../connection/selectors';
import { districtData } from '../district/geo';
import { camerasAdapter, unitsAdapter } from '../field/slices';
import type { DistrictMapView } from '../map';
import { ErrorBoundary } from '../shell/ErrorBoundary';
import type { WallFeed } from './feed';
import { ALERT_LAYOUT, resolveWall, scheduleOverrides, type WallConfig, type WallLayout } from './layouts';
import { Panel, PanelFrame, useAlertPlace, useFeed, useWall, WallContext, type WallContextValue } from './panels';
import { followed as followedOf, interrupt, startRotation, tick, type RotationState } from './rotation';
import './wall.css';

const DistrictMap = lazy(() => import('../map').then((m) => ({ default: m.DistrictMap })));

const selectOpenCases = createSelector([selectAllCases], (cases) => cases.filter((c) => isOpen(c.status)));
const selectUnits = unitsAdapter.getSelectors((s: RootState) => s.units).selectAll;
const selectCameras = camerasAdapter.getSelectors((s: RootState) => s.cameras).selectAll;

function useRotation(config: WallConfig, feed: WallFeed): RotationState {
  const schedule = useMemo(() => scheduleOverrides(window.location.search), []);
  const now = useAppSelector(selectNow);
  const [rot, setRot] = useState(() => startRotation(config, Date.now(), schedule));
  const cfg = useRef(config);
  cfg.current = config;
  useEffect(() => setRot((r) => tick(r, config, Date.now(), schedule)), [now, config, schedule]);
  useEffect(() => feed.onAlert((a) => setRot((r) => interrupt(r, a, cfg.current, Date.now(), schedule))), [feed, schedule]);
  return rot;
}

export function layoutTitle(l: WallLayout, t: (k: string, o?: Record<string, unknown>) => string): string {
  if (l.title) return l.title;
  return ['overview', 'cameras', 'alert'].includes(l.id) ? t(`wall.layout.${l.id}`) : t('wall.layout.other', { id: l.id });
}

function staleText(view: LinkView, asOf: number | null, now: number, lang: string, t: (k: string, o?: Record<string, unknown>) => string): string | null {
  const since = (ms: number) => t('wall.stale.since', { since: formatTime(ms, lang), ago: formatAgo(Math.max(0, now - ms), lang) });
  let what: string;
  switch (view.kind) {
    case 'online': return null;
    case 'link_down': what = `${t('wall.stale.linkDown')} ${since(view.since)}`; break;
    case 'offline': what = `${t('wall.stale.offline')} ${since(view.since)}`; break;
    case 'connecting': what = `${t('wall.stale.connecting')} ${since(view.since)}`; break;
    case 'catching_up': what = t('wall.stale.catchingUp', { done: view.done, total: view.total }); break;
    default: what = t('wall.stale.unknown');
  }
  const sameDay = asOf !== null && Math.abs(now - asOf) < 12 * 3_600_000;
  return `${what} · ${asOf ? t('wall.stale.asOf', { asOf: sameDay ? formatTime(asOf, lang) : formatDateTime(asOf, lang) }) : t('wall.stale.never')}`;
}

function Header({ layouts, index, alerting }: { layouts: WallLayout[]; index: number; alerting: boolean }) {
  const { t, i18n } = useTranslation();
  const now = useAppSelector(selectNow);
  const view = useAppSelector(selectLinkView);
  const current = layouts[index];
  return (
    <header className="wall-header">
      <h1>{t('app.title')}</h1>
      <div className={`wall-layout-name${alerting ? ' alerting' : ''}`} data-testid="wall-layout-name">{current ? layoutTitle(current, t) : ''}</div>
      <ol className="wall-dots" aria-hidden="true">
        {layouts.slice(0, -1).map((l, i) => <li key={l.id + i} className={i === index ? 'on' : ''} />)}
      </ol>
      <div className={`wall-link c-${view.kind}`} data-testid="wall-link" data-state={view.kind}>
        <span className="dot" />
        {view.kind === 'online' ? t('connection.online') : t('wall.stale.tag')}
      </div>
      <time className="wall-time">{formatTime(now, i18n.language)}</time>
    </header>
  );
}

function StaleBanner() {
  const { t, i18n } = useTranslation();
  const view = useAppSelector(selectLinkView);
  const asOf = useAppSelector((s) => s.connection.core?.lastOnlineAt ?? null);
  const now = useAppSelector(selectNow);
  const text = staleText(view, asOf, now, i18n.language, t);
  if (!text) return null;
  return <div className="wall-stale-banner" role="alert" data-testid="wall-stale-banner" data-state={view.kind}>{text}</div>;
}

function gridStyle(l: WallLayout) {
  return { gridTemplateColumns: `repeat(${l.columns}, minmax(0, 1fr))`, gridTemplateRows: `repeat(${l.rows}, minmax(0, 1fr))` };
}

function LayoutView({ layout, active }: { layout: WallLayout; active: boolean }) {
  return (
    <div className={`wall-layout${active ? '' : ' is-hidden'}`} style={gridStyle(layout)} aria-hidden={!active} inert={!active} data-layout-id={layout.id} data-active={active}>
      {layout.panels.map((p, i) => <Panel key={`${p.kind}-${i}`} panel={p} active={active} />)}
    </div>
  );
}

/** The wall's one map, over the map cell of the layout on screen (hidden, not destroyed, when it has none). */
function MapLayer({ layout, stale }: { layout: WallLayout; stale: boolean }) {
  const { t, i18n } = useTranslation();
  const { alert, followed } = useWall();
  const cell = layout.panels.find((p) => p.kind === 'map');
  const last = useRef({ layout, cell });
  if (cell) last.current = { layout, cell };
  const shown = last.current;
  const cases = useAppSelector(selectOpenCases);
  const units = useAppSelector(selectUnits);
  const cameras = useAppSelector(selectCameras);
  const positions = useAppSelector((s) => s.positions);
  const loaded = useAppSelector((s) => s.district.summary !== null);
  const { operations } = useFeed();
  const place = useAlertPlace(alert);
  const [view, setView] = useState<DistrictMapView | null>(null);
  const area = useMemo((): FeatureCollection | null => {
    const features: Feature[] = operations.filter((o) => o.status === 'active' && o.area)
      .map((o) => ({ type: 'Feature', properties: { id: o.id, level: o.level }, geometry: o.area! }));
    return features.length ? { type: 'FeatureCollection', features } : null;
  }, [operations]);
  const [fx, fy] = place.point ?? [];
  const alertKey = alert ? `${alert.kind}:${alert.id}` : '';
  useEffect(() => {
    if (!view) return;
    if (fx !== undefined && fy !== undefined) view.flyTo([fx, fy] as LngLat, 14);
    else if (!alertKey) view.fitDistrict();
  }, [view, alertKey, fx, fy]);
  return (
    <div className={`wall-maplayer${cell ? '' : ' is-hidden'}`} style={gridStyle(shown.layout)} aria-hidden={!cell}>
      {shown.cell && (
        <div className="wall-cell" style={{ gridColumn: `${shown.cell.col} / span ${shown.cell.colSpan}`, gridRow: `${shown.cell.row} / span ${shown.cell.rowSpan}` }}>
          <PanelFrame kind="map" title={t('wall.panel.map')} stale={stale}>
            <ErrorBoundary fallback={() => <div className="wall-empty">{t('map.unavailable')}</div>}>
              <Suspense fallback={<div className="wall-empty">{t('map.placeholder')}</div>}>
                <DistrictMap
                  district={loaded ? districtData() : null}
                  cases={cases}
                  units={units}
                  cameras={cameras}
                  positions={positions}
                  selectedCaseId={followed?.kind === 'case' ? followed.id : place.caseItem?.id ?? null}
                  onSelectCase={() => {}}
                  onSelectUnit={() => {}}
                  onSelectCamera={() => {}}
                  theme="night"
                  variant="wall"
                  operationArea={area}
                  lang={i18n.language === 'en' ? 'en' : 'zh-CN'}
                  onView={setView}
                  showLegend={false}
                />
              </Suspense>
            </ErrorBoundary>
          </PanelFrame>
        </div>
      )}
    </div>
  );
}

export function WallApp({ name, feed }: { name: string; feed: WallFeed }) {
  const { t } = useTranslation();
  const walls = useAppSelector((s) => s.settings.walls);
  const resolved = useMemo(() => resolveWall(walls, name), [walls, name]);
  const config = resolved.config;
  const rot = useRotation(config, feed);
  const now = useAppSelector(selectNow);
  const view = useAppSelector(selectLinkView);
  const loaded = useAppSelector((s) => s.cases.loaded);
  const user = useAppSelector((s) => s.session.user);
  const stale = view.kind !== 'online';
  const layouts = useMemo(() => [...config.layouts, config.alertLayout ?? ALERT_LAYOUT], [config]);
  const activeIndex = rot.alert ? layouts.length - 1 : rot.index % config.layouts.length;
  const active = layouts[activeIndex]!;
  const followed = followedOf(rot, now);
  const ctx = useMemo<WallContextValue>(() => ({ feed, alert: rot.alert, followed, stale }), [feed, rot.alert, followed, stale]);

  useEffect(() => {
    document.title = `${t('app.title')} · ${name}`;
  }, [t, name]);

  return (
    <WallContext.Provider value={ctx}>
      <div className={`wall theme-dark${stale ? ' stale' : ''}${rot.alert ? ' alerting' : ''}`} data-testid="wall" data-wall={name} data-layout={active.id} data-alert={rot.alert ? `${rot.alert.kind}:${rot.alert.id}` : ''} data-stale={stale}>
        <Header layouts={layouts} index={activeIndex} alerting={!!rot.alert} />
        <StaleBanner />
        {!loaded ? (
          <div className="wall-message">{t('wall.loading')}</div>
        ) : !user ? (
          <div className="wall-message">{t('wall.noUser')}</div>
        ) : (
          <main className="wall-stage">
            {layouts.map((l, i) => <LayoutView key={`${l.id}-${i}`} layout={l} active={i === activeIndex} />)}
            <MapLayer layout={active} stale={stale} />
          </main>
        )}
      </div>
    </WallContext.Provider>
  );
}
