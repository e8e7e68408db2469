/**
 * React wrapper of DistrictMapView: creates it once per variant, hands it props as they change,
 * and shows why when there is no map (no WebGL, lost context). It keeps no map state of its own
 * beyond the legend's mirror of layer visibility.
 */
import 'maplibre-gl/dist/maplibre-gl.css';
import { useEffect, useLayoutEffect, useMemo, useRef, useState, type CSSProperties } from 'react';
import type { Feature, FeatureCollection } from 'geojson';
import type { District } from '../../../shared/bridge/contract';
import type { Camera, Case, LngLat, Position, Unit } from '../../../shared/protocol/entities';
import { DistrictMapView } from './DistrictMapView';
import { DEFAULT_GROUPS, type LayerGroup, type MapVariant } from './ids';
import { MAP_LABELS, resolveTranslator, type MapLang, type MapTranslate } from './labels';
import { MapLegend } from './MapLegend';
import { PALETTES, type MapTheme } from './theme';
import { probeWebGL, type WebGLProbe } from './webgl';

export interface DistrictMapProps {
  district: District | null;
  cases: Case[];
  units: Unit[];
  cameras: Camera[];
  positions: Record<string, Position>;
  selectedCaseId: string | null;
  onSelectCase(id: string): void;
  onSelectUnit(id: string): void;
  onSelectCamera(id: string): void;
  /** Given → Shift+drag selects the cases in the box. */
  onBoxSelect?(ids: string[]): void;
  onMeasure?(km: number | null): void;
  theme: MapTheme;
  variant: MapVariant;
  /** Fly here when it changes. */
  focus?: LngLat | null;
  lang?: MapLang;
  /** The app's i18next `t`; the map's own zh-CN/en strings fill any key it lacks. */
  t?: MapTranslate;
  selectedUnitId?: string | null;
  followUnitId?: string | null;
  operationArea?: Feature | FeatureCollection | null;
  /** A replay's moment (features/replay): the map judges overdue and fresh then, and places units without gliding. Null: live. */
  replayAt?: number | null;
  /** Default: on for console and wall, off for mini. */
  showLegend?: boolean;
  /** The imperative view (findPlace, startMeasure, followUnit…), or null when it goes away. */
  onView?(view: DistrictMapView | null): void;
  className?: string;
  style?: CSSProperties;
}

export function DistrictMap(props: DistrictMapProps) {
  const { variant, theme, lang = 'zh-CN' } = props;
  const containerRef = useRef<HTMLDivElement>(null);
  const [view, setView] = useState<DistrictMapView | null>(null);
  const latest = useRef(props);
  const [gl] = useState<WebGLProbe>(() => probeWebGL());
  const support = gl.support;
  const [failed, setFailed] = useState(false);
  const [contextLost, setContextLost] = useState(false);
  const [visible, setVisible] = useState<Record<LayerGroup, boolean>>(DEFAULT_GROUPS[variant]);
  const t = useMemo(() => resolveTranslator(lang, props.t), [lang, props.t]);

  useLayoutEffect(() => {
    latest.current = props;
  });

  // One view per variant (cluster radius and sizes are baked into its sources).
  useEffect(() => {
    if (support !== 'webgl2' || !containerRef.current) return;
    const p = latest.current;
    let view: DistrictMapView;
    try {
      view = new DistrictMapView({
        container: containerRef.current,
        theme: p.theme,
        variant,
        lang: p.lang ?? 'zh-CN',
        t: p.t,
        lowPower: gl.software,
        callbacks: callbacksFor(latest),
      });
    } catch (e) {
      console.error('[map] could not create the map', e);
      setFailed(true);
      return;
    }
    setView(view);
    setVisible(view.layerVisibility());
    view.setDistrict(p.district);
    view.setCases(p.cases);
    view.setUnits(p.units);
    view.setCameras(p.cameras);
    view.setPositions(p.positions);
    view.setSelectedCase(p.selectedCaseId);
    view.setSelectedUnit(p.selectedUnitId ?? null);
    view.setOperationArea(p.operationArea ?? null);
    view.setReplayTime(p.replayAt ?? null);
    if (p.followUnitId) view.followUnit(p.followUnitId);
    p.onView?.(view);
    return () => {
      latest.current.onView?.(null);
      setView(null);
      view.destroy();
    };
  }, [support, variant]);

  // Later changes; the first values went in with the view's creation (these calls are no-ops then).
  useEffect(() => view?.setDistrict(props.district), [view, props.district]);
  useEffect(() => view?.setCases(props.cases), [view, props.cases]);
  useEffect(() => view?.setUnits(props.units), [view, props.units]);
  useEffect(() => view?.setCameras(props.cameras), [view, props.cameras]);
  useEffect(() => view?.setPositions(props.positions), [view, props.positions]);
  useEffect(() => view?.setSelectedCase(props.selectedCaseId), [view, props.selectedCaseId]);
  useEffect(() => view?.setSelectedUnit(props.selectedUnitId ?? null), [view, props.selectedUnitId]);
  useEffect(() => view?.setOperationArea(props.operationArea ?? null), [view, props.operationArea]);
  // Before the data of the same moment: the cases that follow are judged at the replay's time.
  useLayoutEffect(() => view?.setReplayTime(props.replayAt ?? null), [view, props.replayAt]);
  useEffect(() => view?.setTheme(theme), [view, theme]);
  useEffect(() => view?.setLanguage(lang, props.t), [view, lang, props.t]);
  useEffect(() => view?.followUnit(props.followUnitId ?? null), [view, props.followUnitId]);
  // Box selection is switched on by the presence of the callback.
  const hasBox = !!props.onBoxSelect;
  useEffect(() => view?.setCallbacks(callbacksFor(latest)), [view, hasBox]);
  const [fx, fy] = props.focus ?? [];
  useEffect(() => {
    if (view && fx !== undefined && fy !== undefined) view.flyTo([fx, fy]);
  }, [view, fx, fy]);

  function callbacksFor(ref: typeof latest) {
    return {
      onSelectCase: (id: string) => ref.current.onSelectCase(id),
      onSelectUnit: (id: string) => ref.current.onSelectUnit(id),
      onSelectCamera: (id: string) => ref.current.onSelectCamera(id),
      onBoxSelect: ref.current.onBoxSelect ? (ids: string[]) => ref.current.onBoxSelect?.(ids) : undefined,
      onMeasure: (km: number | null) => ref.current.onMeasure?.(km),
      onStatus: (s: 'ready' | 'lost' | 'restored') => setContextLost(s === 'lost'),
      onVisibilityChange: setVisible,
    };
  }

  const palette = PALETTES[theme];
  const rootStyle: CSSProperties = { position: 'relative', width: '100%', height: '100%', minHeight: variant === 'mini' ? 160 : 240, background: palette.background, ...props.style };

  if (support !== 'webgl2' || failed) {
    return (
      <div className={props.className} style={rootStyle}>
        <NoWebGL theme={theme} webgl1={support === 'webgl1-only'} />
      </div>
    );
  }
  const legend = props.showLegend ?? variant !== 'mini';
  return (
    <div className={props.className} style={rootStyle}>
      <div ref={containerRef} data-testid="district-map" data-variant={variant} style={{ position: 'absolute', inset: 0, ...(variant === 'mini' ? MINI_EDGE_FADE : {}) }} />
      {legend && view ? <MapLegend visible={visible} onToggle={(g, on) => view.setLayerVisible(g, on)} theme={theme} t={t} defaultCollapsed={variant === 'console'} /> : null}
      {contextLost ? (
        <div data-testid="map-context-lost" role="status" style={{ position: 'absolute', top: 8, left: '50%', transform: 'translateX(-50%)', zIndex: 3, padding: '4px 12px', background: palette.halo, color: palette.label, border: `1px solid ${palette.overdue}` }}>
          {t('map.contextLost')}
        </div>
      ) : null}
    </div>
  );
}

/**
 * The mini map's edges fade into its background: maplibre draws a label whose anchor is in view
 * even when its text runs past the edge (no style property omits it), and in a map this small
 * that cut-off text was common; faded it reads as "more beyond", not as a clipping bug.
 */
const EDGE = 14;
const fade = (dir: string) => `linear-gradient(${dir}, transparent, #000 ${EDGE}px, #000 calc(100% - ${EDGE}px), transparent)`;
export const MINI_EDGE_FADE: CSSProperties = { maskImage: `${fade('to right')}, ${fade('to bottom')}`, maskComposite: 'intersect' };

/** Both languages at once: whoever reads it may be the technician, not the duty officer. */
function NoWebGL({ theme, webgl1 }: { theme: MapTheme; webgl1: boolean }) {
  const p = PALETTES[theme];
  const zh = MAP_LABELS['zh-CN'];
  const en = MAP_LABELS.en;
  return (
    <div
      data-testid="map-no-webgl"
      role="alert"
      style={{ position: 'absolute', inset: 0, display: 'flex', flexDirection: 'column', alignItems: 'center', justifyContent: 'center', gap: 6, padding: 16, textAlign: 'center', color: p.label, font: '14px/1.6 var(--font)' }}
    >
      <strong style={{ fontSize: 16, color: p.urgency.urgent }}>
        {zh['map.noWebgl.title']} — {zh['map.noWebgl.hint']}
      </strong>
      {webgl1 ? <span>{zh['map.noWebgl.webgl1']}</span> : null}
      <span style={{ color: p.labelMinor }}>
        {en['map.noWebgl.title']} — {en['map.noWebgl.hint']}
        {webgl1 ? ` ${en['map.noWebgl.webgl1']}` : ''}
      </span>
    </div>
  );
}
