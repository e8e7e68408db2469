/**
 * The district map as an imperative object owning one maplibregl.Map. React (DistrictMap.tsx)
 * only hands it data; the viewport, hover, measuring, following and animation live here and
 * never in Redux, because they change at frame rate and nobody else needs them.
 *
 * Data flow: `setCases/setUnits/setCameras` diff against the last features sent and push only
 * the change (`GeoJSONSource.updateData`); `setPositions` queues fixes that ONE
 * requestAnimationFrame loop interpolates and pushes at most once per frame.
 *
 * Software GL (SwiftShader on GPU-less walls and VMs) pays for every repaint in CPU, so nothing
 * repaints while nothing visible changes: the loop sleeps when no unit glides and no pulse
 * runs; the pulse rings only the newest few urgent cases and breathes in short bursts (on
 * arrival, then briefly every half minute), resting as a steady ring in between; unit fixes are
 * batched and judged at the current zoom and view (unit-motion.ts, motion-policy.ts): less than a
 * pixel or out of view → held until it adds up or the view moves, a pixel or two → a slow batch
 * seconds apart, only units in view moving visibly per frame glide, and the animation slows down
 * when the map's frames take long; cases are re-judged only when their
 * object changed or the clock passed one of their deadlines; the heat map's and choropleth's
 * data are kept up only while shown.
 */
import { AttributionControl, Map as MaplibreMap, NavigationControl, type GeoJSONSource, type GeoJSONSourceDiff, type LayerSpecification, type MapGeoJSONFeature } from 'maplibre-gl';
import type { Feature, FeatureCollection, Point } from 'geojson';
import type { District } from '../../../shared/bridge/contract';
import type { Camera, Case, LngLat, Position, Unit } from '../../../shared/protocol/entities';
import { choroplethStates, changedStates, countFeatures, type ChoroplethMetric, type ChoroplethState } from './choropleth';
import { communityLabels, EMPTY_DISTRICT, readDistrict, subdistrictLabels, type MapDistrict } from './district-data';
import { CaseFeatureCache, caseOnMap, casesOnMap, cameraFeature, pulsingIds, unitFeature, type CameraProps, type CaseProps, type MapFeature, type Rejudge, type UnitProps } from './features';
import { FeatureStore } from './feature-store';
import { formatKm } from './geo';
import { HEADING_ICON_ID, HEADING_ICON_PIXEL_RATIO, headingIcon } from './heading-icon';
import { resolveTranslator, type MapLang, type MapTranslate } from './labels';
import { buildLayers } from './layers';
import { MeasureTool } from './measure';
import { UnitMotion } from './unit-motion';
import { CasePulse } from './pulse';
import { MapPointer } from './pointer';
import { buildPlaces, findPlaces, type Place } from './places';
import { applyLayerChanges } from './style-apply';
import { buildStyle, DEFAULT_GROUPS, SRC, type LayerGroup, type MapVariant, type SourceId } from './style';
import { CJK_CSS_FAMILIES, type MapTheme } from './theme';
import { bundledFontFaces } from '../../fonts/load';
import { BoxSelect } from './box-select';
import { configureMaplibreWorker } from './worker';
import { probeWebGL } from './webgl';

export interface MapCallbacks {
  onSelectCase?(id: string): void;
  onSelectUnit?(id: string): void;
  onSelectCamera?(id: string): void;
  /** Set → Shift+drag selects cases (maplibre's Shift+drag box zoom is then off). */
  onBoxSelect?(ids: string[]): void;
  onMeasure?(km: number | null): void;
  /** 'ready' after the first idle; 'lost'/'restored' around a WebGL context loss. */
  onStatus?(status: 'ready' | 'lost' | 'restored'): void;
  onVisibilityChange?(visible: Record<LayerGroup, boolean>): void;
}

export interface DistrictMapViewOptions {
  container: HTMLElement;
  theme: MapTheme;
  variant: MapVariant;
  lang?: MapLang;
  t?: MapTranslate;
  visible?: Partial<Record<LayerGroup, boolean>>;
  callbacks?: MapCallbacks;
  /** The clock overdue and "new urgent" are judged by; tests and replays pass their own. */
  now?: () => number;
  /** Fewer animation frames (software GL, where each costs CPU). Default: probed. */
  lowPower?: boolean;
}

/**
 * `window.__linkageMap`: the latest live view, for Playwright. With two maps on screen (console
 * and the case view's mini map) the newer one; when it goes, the older one again. A value the
 * app put there itself is left alone. Not declared as a global type, to clash with no one's.
 */
type TestHook = { __linkageMap?: unknown; __linkageMaps?: unknown };
const hook = (): TestHook | null => (typeof window === 'undefined' ? null : (window as unknown as TestHook));
const liveViews: DistrictMapView[] = [];

function publish(): void {
  const h = hook();
  if (h && (h.__linkageMap === undefined || h.__linkageMap instanceof DistrictMapView)) h.__linkageMap = liveViews.at(-1);
  // All of them, for a test that must address one by its variant (`.variantName`).
  if (h && (h.__linkageMaps === undefined || Array.isArray(h.__linkageMaps))) h.__linkageMaps = [...liveViews];
}

/** Overdue and "new urgent" change with time alone: re-judge the cases this often. */
const CLOCK_REFRESH_MS = 30_000;
/**
 * `idle` never fires while something animates, so animations wait for the first one; if fixes
 * arrive too fast for the map ever to settle, readiness falls back to the first fully loaded render.
 */
const READY_FALLBACK_MS = 8_000;
/** A context that is not restored within this long is given up: the map is rebuilt. */
const CONTEXT_RESTORE_TIMEOUT_MS = 15_000;

export class DistrictMapView {
  private map: MaplibreMap;
  private readonly container: HTMLElement;
  private readonly variant: MapVariant;
  private theme: MapTheme;
  private lang: MapLang;
  private t: MapTranslate;
  private tProp: MapTranslate | undefined;
  private callbacks: MapCallbacks;
  private now: () => number;
  private readonly liveNow: () => number;
  /** Replay: fixes are placed, not glided (the replay interpolates), and the clock is the replay's. */
  private replayAt: number | null = null;
  private visible: Record<LayerGroup, boolean>;
  private metric: ChoroplethMetric = 'open';
  /** The layers as the map has them (built ones; the pulse's per-frame values aside). */
  private applied: LayerSpecification[] = [];
  private errors = 0;
  /** Unit features handed to the units source so far (bench/map.ts reads it). */
  unitFeaturesPushed = 0;

  private district: MapDistrict = EMPTY_DISTRICT;
  private districtRaw: District | null = null;
  private places: Place[] = [];
  private operationArea: FeatureCollection = { type: 'FeatureCollection', features: [] };

  private casesRaw: readonly Case[] = [];
  private readonly caseStore = new FeatureStore<CaseProps, Point>();
  private readonly caseCache = new CaseFeatureCache();
  private caseFeatures: MapFeature<CaseProps>[] = [];
  /** The heat map's source is fed only while shown; true when it missed changes meanwhile. */
  private heatStale = false;
  private readonly units = new Map<string, Unit>();
  private unitsRaw: readonly Unit[] = [];
  private readonly unitStore = new FeatureStore<UnitProps, Point>();
  private camerasRaw: readonly Camera[] = [];
  private readonly cameraStore = new FeatureStore<CameraProps, Point>();
  private choropleth = new Map<string, ChoroplethState>();

  /** Which position fixes are drawn when (unit-motion.ts); the loop below animates them. */
  private readonly motion: UnitMotion;

  private selectedCaseId: string | null = null;
  private selectedUnitId: string | null = null;
  /** Clicks, hover and box selection (pointer.ts). */
  private readonly pointer: MapPointer;
  private followId: string | null = null;
  /** Once someone aimed the camera (focus, search, follow, a drag), the district no longer re-fits itself. */
  private aimed = false;
  private readonly measure = new MeasureTool();
  private boxSelect: BoxSelect | null = null;

  private styleReady = false;
  private ready = false;
  private destroyed = false;
  private frame: number | null = null;
  /** The breathing ring around the newest urgent cases (pulse.ts). */
  private readonly pulse: CasePulse;
  private readonly lowPower: boolean;
  private readonly clock: ReturnType<typeof setInterval>;
  private restoreTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly reduceMotion: boolean;

  constructor(opts: DistrictMapViewOptions) {
    configureMaplibreWorker();
    this.container = opts.container;
    this.variant = opts.variant;
    this.theme = opts.theme;
    this.lang = opts.lang ?? 'zh-CN';
    this.tProp = opts.t;
    this.t = resolveTranslator(this.lang, opts.t);
    this.callbacks = opts.callbacks ?? {};
    this.now = this.liveNow = opts.now ?? Date.now;
    this.visible = { ...DEFAULT_GROUPS[opts.variant], ...opts.visible };
    this.reduceMotion = typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
    const lowPower = opts.lowPower ?? probeWebGL().software;
    this.lowPower = lowPower;
    this.pointer = new MapPointer({
      map: () => this.map,
      styleReady: () => this.styleReady,
      visible: () => this.visible,
      callbacks: () => this.callbacks,
      measuring: () => this.measure.active,
      measureClick: (at) => {
        const km = this.measure.click(at);
        this.drawMeasure();
        this.callbacks.onMeasure?.(km);
      },
      setState: (source, id, state) => this.setState(source, id, state),
      casesSource: () => this.source(SRC.cases),
      casesShown: () => this.casesRaw.filter((c) => caseOnMap(c) || c.id === this.selectedCaseId),
    });
    this.map = this.createMap();
    this.motion = new UnitMotion(
      // The current map: a lost WebGL context may rebuild it.
      { map: () => this.map, canAnimate: () => this.ready && this.styleReady && this.replayAt === null, kick: () => this.kick() },
      lowPower,
    );
    this.pulse = new CasePulse({ map: () => this.map, styleReady: () => this.styleReady, kick: () => this.kick(), frameMs: (base) => this.motion.frameMs(base) }, this.variant, lowPower);
    this.clock = setInterval(() => this.refreshClock(), CLOCK_REFRESH_MS);
    liveViews.push(this);
    publish();
  }

  // ---- lifecycle -------------------------------------------------------------------------

  /** Throws when WebGL 2 cannot be had (maplibre's GPUInitializationError): the caller shows why. */
  private createMap(center?: LngLat, zoom?: number): MaplibreMap {
    const style = buildStyle({ theme: this.theme, variant: this.variant, lang: this.lang, visible: this.visible, choroplethMetric: this.metric, fontFaces: bundledFontFaces() });
    this.applied = style.layers;
    const map = new MaplibreMap({
      container: this.container,
      style,
      center: center ?? [121.38, 31.11], // Minhang, until the district's bounds arrive
      zoom: zoom ?? (this.variant === 'mini' ? 11 : 10),
      attributionControl: false,
      maplibreLogo: false,
      boxZoom: !this.callbacks.onBoxSelect,
      dragRotate: false,
      pitchWithRotate: false,
      touchPitch: false,
      maxPitch: 0,
      // Labels draw with the bundled font (the style's font-faces); this covers any text layer left on the default stack.
      localIdeographFontFamily: CJK_CSS_FAMILIES,
      locale: this.lang === 'zh-CN' ? { 'NavigationControl.ZoomIn': '放大', 'NavigationControl.ZoomOut': '缩小', 'AttributionControl.ToggleAttribution': '数据说明' } : {},
      // Label fades are frames too: none on walls and in software GL.
      fadeDuration: this.variant === 'wall' || this.lowPower ? 0 : 300,
      reduceMotion: this.reduceMotion || undefined,
    });
    if (this.variant === 'console') map.addControl(new NavigationControl({ showCompass: false }), 'top-right');
    map.setMissingStyleImageResolver((id) => {
      if (id === HEADING_ICON_ID) this.addImages(map);
    });
    map.on('load', this.onLoad);
    map.once('idle', this.onFirstIdle);
    map.on('click', this.pointer.onClick);
    map.on('mousemove', this.pointer.onMouseMove);
    map.on('mouseout', this.pointer.clearHover);
    map.on('dragstart', this.stopFollowOnUserMove);
    map.on('wheel', this.stopFollowOnUserMove);
    map.on('moveend', this.onMoveEnd);
    map.on('webglcontextlost', this.onContextLost);
    map.on('webglcontextrestored', this.onContextRestored);
    // A wall runs for weeks: a recurring error must not fill the log.
    map.on('error', (e) => {
      if (++this.errors <= 20) console.warn('[map]', e.error?.message ?? e);
    });
    this.boxSelect = new BoxSelect(map, this.pointer.onBox);
    this.boxSelect.enabled = !!this.callbacks.onBoxSelect;
    return map;
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    clearInterval(this.clock);
    if (this.restoreTimer) clearTimeout(this.restoreTimer);
    if (this.frame !== null) cancelAnimationFrame(this.frame);
    this.motion.destroy();
    this.boxSelect?.destroy();
    this.map.remove();
    delete this.container.dataset.mapReady;
    liveViews.splice(liveViews.indexOf(this), 1);
    publish();
  }

  private onLoad = (): void => {
    this.styleReady = true;
    this.addImages(this.map);
    this.syncLayers(); // theme, language or visibility may have changed while the style loaded
    // The view first, then the data: sources filled at one view and fitted to another tile
    // everything twice (50,000 cases: seconds more to the first idle in software GL, bench/map.ts).
    if (!this.aimed) this.fitDistrict(false);
    this.pushAll();
    setTimeout(() => {
      if (!this.ready && !this.destroyed) this.map.on('render', this.readyOnLoadedRender);
    }, READY_FALLBACK_MS);
  };

  private readyOnLoadedRender = (): void => {
    if (this.settled()) this.onFirstIdle();
  };

  /**
   * Style and the still sources drawn. The units source is left out: while units glide it
   * reloads every frame and would never count as loaded.
   */
  private settled(): boolean {
    const m = this.map;
    return !!m.isStyleLoaded() && [SRC.boundary, SRC.subdistricts, SRC.cases].every((id) => m.getSource(id) && m.isSourceLoaded(id));
  }

  private onFirstIdle = (): void => {
    this.map.off('render', this.readyOnLoadedRender);
    if (this.ready) return;
    this.ready = true;
    this.container.dataset.mapReady = 'true';
    this.callbacks.onStatus?.('ready');
    this.kick(); // animations were held back until now
  };

  private addImages(map: MaplibreMap): void {
    if (!map.hasImage(HEADING_ICON_ID)) map.addImage(HEADING_ICON_ID, headingIcon(), { sdf: true, pixelRatio: HEADING_ICON_PIXEL_RATIO });
  }

  // ---- WebGL context (walls run for weeks) ------------------------------------------------

  private onContextLost = (): void => {
    this.styleReady = false;
    this.container.dataset.mapReady = 'false';
    this.callbacks.onStatus?.('lost');
    if (this.restoreTimer) clearTimeout(this.restoreTimer);
    this.restoreTimer = setTimeout(() => this.rebuild(), CONTEXT_RESTORE_TIMEOUT_MS);
  };

  /**
   * maplibre 6 re-creates the style from a snapshot but drops feature-state, and the snapshot
   * may lag our latest diffs: re-add whatever is missing and push all data and state again.
   */
  private onContextRestored = (): void => {
    if (this.restoreTimer) clearTimeout(this.restoreTimer);
    this.restoreTimer = null;
    const run = () => {
      if (this.destroyed) return;
      this.ensureStyle();
      this.styleReady = true;
      this.pushAll();
      this.whenSettled(() => this.callbacks.onStatus?.('restored'));
    };
    if (this.map.isStyleLoaded()) run();
    else this.map.once('style.load', run);
  };

  /**
   * After a restore the animations are already running, so `idle` may never come: the first
   * render with everything loaded will do.
   */
  private whenSettled(then: () => void): void {
    const map = this.map;
    const check = () => {
      if (this.destroyed || map !== this.map || !this.settled()) return;
      map.off('render', check);
      map.off('idle', check);
      this.container.dataset.mapReady = 'true';
      then();
    };
    map.on('render', check);
    map.on('idle', check);
  }

  /** Last resort when the context never came back: a new map (and canvas) in the same container. */
  private rebuild(): void {
    if (this.destroyed) return;
    this.restoreTimer = null;
    const { lng, lat } = this.map.getCenter();
    const zoom = this.map.getZoom();
    this.boxSelect?.destroy();
    try {
      this.map.remove();
    } catch (e) {
      console.warn('[map] removing the lost map failed', e);
    }
    this.styleReady = false;
    this.pointer.reset();
    try {
      this.map = this.createMap([lng, lat], zoom);
      this.attribution = null;
      this.showAttribution();
      this.whenSettled(() => this.callbacks.onStatus?.('restored'));
    } catch (e) {
      // The GPU may come back (driver reset): keep trying, the banner stays up meanwhile.
      console.error('[map] could not rebuild the map after a lost WebGL context', e);
      this.restoreTimer = setTimeout(() => this.rebuild(), 4 * CONTEXT_RESTORE_TIMEOUT_MS);
    }
  }

  private ensureStyle(): void {
    const style = buildStyle({ theme: this.theme, variant: this.variant, lang: this.lang, visible: this.visible, choroplethMetric: this.metric });
    for (const [id, src] of Object.entries(style.sources)) if (!this.map.getSource(id)) this.map.addSource(id, src);
    let below: string | undefined;
    for (const layer of [...style.layers].reverse()) {
      if (!this.map.getLayer(layer.id)) this.map.addLayer(layer, below && this.map.getLayer(below) ? below : undefined);
      below = layer.id;
    }
    this.addImages(this.map);
  }

  /** Everything we hold, to every source, plus feature-state: after load, restore or rebuild. */
  private pushAll(): void {
    const d = this.district;
    this.setSource(SRC.boundary, { type: 'FeatureCollection', features: d.boundary ? [d.boundary as Feature] : [] });
    this.setSource(SRC.subdistricts, { type: 'FeatureCollection', features: d.subdistricts as Feature[] });
    this.setSource(SRC.communities, { type: 'FeatureCollection', features: d.communities as Feature[] });
    this.setSource(SRC.subdistrictLabels, subdistrictLabels(d));
    this.setSource(SRC.communityLabels, communityLabels(d));
    this.setSource(SRC.cases, this.caseStore.collection());
    if (this.visible.heat) this.setSource(SRC.casesHeat, this.caseStore.collection());
    this.heatStale = !this.visible.heat;
    this.setSource(SRC.units, this.unitStore.collection());
    this.setSource(SRC.cameras, this.cameraStore.collection());
    this.setSource(SRC.operation, this.operationArea);
    this.drawMeasure();
    this.choropleth = new Map();
    this.renderChoropleth();
    this.pulse.styleLoaded();
    if (this.selectedCaseId) this.setState(SRC.cases, this.selectedCaseId, { selected: true });
    if (this.selectedUnitId) this.setState(SRC.units, this.selectedUnitId, { selected: true });
    this.kick();
  }

  private source(id: SourceId): GeoJSONSource | undefined {
    return this.styleReady ? this.map.getSource<GeoJSONSource>(id) : undefined;
  }

  private setSource(id: SourceId, data: FeatureCollection): void {
    void this.source(id)?.setData(data);
  }

  private update(id: SourceId, diff: GeoJSONSourceDiff | null): void {
    if (!diff) return;
    if (id === SRC.units) this.unitFeaturesPushed += (diff.add?.length ?? 0) + (diff.update?.length ?? 0);
    void this.source(id)?.updateData(diff);
  }

  private setState(source: SourceId, id: string, state: Record<string, unknown>): void {
    if (this.styleReady && this.map.getSource(source)) this.map.setFeatureState({ source, id }, state);
  }

  // ---- data ------------------------------------------------------------------------------

  setDistrict(district: District | null): void {
    if (district === this.districtRaw) return;
    this.districtRaw = district;
    this.district = readDistrict(district);
    this.places = buildPlaces(this.district);
    this.showAttribution();
    // Also before the style has loaded (a camera needs none): its first tiles are then cut for this view.
    if (!this.aimed) this.fitDistrict(false);
    if (this.styleReady) this.pushAll();
  }

  private attribution: AttributionControl | null = null;

  /** ARCHITECTURE §6: the default regions are synthesized, and the map says so where they are drawn. */
  private showAttribution(): void {
    const text = (this.districtRaw?.subdistricts as { attribution?: unknown } | undefined)?.attribution;
    const synthesized = typeof text === 'string' && /synthesi[sz]ed/i.test(text);
    if (!synthesized || this.variant === 'mini') return;
    if (this.attribution && this.map.hasControl(this.attribution)) return;
    this.attribution = new AttributionControl({ compact: true, customAttribution: this.t('map.attribution.synthesized') });
    this.map.addControl(this.attribution, 'bottom-right');
  }

  setCases(cases: readonly Case[]): void {
    if (cases === this.casesRaw) return;
    this.casesRaw = cases;
    this.renderCases();
  }

  /** Re-derives the features of changed cases (and of those `rejudge` asks) and pushes the difference. */
  private renderCases(rejudge: Rejudge = 'changed'): void {
    const now = this.now();
    const shown = casesOnMap(this.casesRaw, this.selectedCaseId);
    const pulsing = pulsingIds(shown, now);
    const features = this.caseCache.build(shown, now, pulsing, rejudge);
    this.caseFeatures = features;
    const diff = this.caseStore.replace(features);
    this.update(SRC.cases, diff);
    if (!diff) {
      // nothing changed on the map
    } else if (this.visible.heat) this.update(SRC.casesHeat, structuredClone(diff)); // two sources must not share one diff object
    else this.heatStale = true;
    let newest = -Infinity;
    for (const c of shown) if (pulsing.has(c.id) && c.reportedAt > newest) newest = c.reportedAt;
    this.pulse.set(pulsing, newest, this.replayAt !== null);
    if (diff) this.renderChoropleth();
  }

  /** Feature-state of the subdistricts, while the choropleth is shown (else on showing it). */
  private renderChoropleth(): void {
    if (!this.visible.choropleth) return;
    const codes = this.district.subdistricts.map((f) => f.properties.code);
    const next = choroplethStates(codes, countFeatures(this.caseFeatures));
    for (const [code, state] of changedStates(this.choropleth, next)) this.setState(SRC.subdistricts, code, { ...state });
    if (this.styleReady) this.choropleth = next;
  }

  private refreshClock(): void {
    if (this.replayAt !== null) return; // the replay moves its own clock
    if (this.casesRaw.length) this.renderCases('due');
    this.pulse.remind();
  }

  /**
   * Replay (features/replay): the map's clock is the replay's moment (overdue and fresh judged
   * then) and fixes are placed, not glided, since the replay interpolates them itself. `null`
   * returns to live.
   */
  setReplayTime(at: number | null): void {
    if (at === this.replayAt) return;
    const back = at === null || this.replayAt === null || at < this.replayAt;
    this.replayAt = at;
    this.now = at === null ? this.liveNow : () => at;
    this.motion.clockChanged(back); // the fixes that follow may be older than those drawn
    if (this.casesRaw.length) this.renderCases(back ? 'all' : 'due');
  }

  setUnits(units: readonly Unit[]): void {
    if (units === this.unitsRaw) return;
    this.unitsRaw = units;
    this.units.clear();
    for (const u of units) this.units.set(u.id, u);
    // Fixes that came before their unit did: those units are placed with the next frame.
    const queued = this.motion.setUnits(new Set(this.units.keys()));
    this.update(SRC.units, this.unitStore.replace(units.map((u) => unitFeature(u, this.motion.pose(u.id)))));
    if (queued) this.kick();
  }

  setCameras(cameras: readonly Camera[]): void {
    if (cameras === this.camerasRaw) return;
    this.camerasRaw = cameras;
    this.update(SRC.cameras, this.cameraStore.replace(cameras.map(cameraFeature)));
  }

  /** Latest fixes by unit id. Only changed ones are queued; the frame loop applies them. */
  setPositions(positions: Readonly<Record<string, Position>>): void {
    if (this.motion.setPositions(positions)) this.kick();
  }

  /** An operation's area (polygon), or null to clear it. */
  setOperationArea(area: Feature | FeatureCollection | null): void {
    this.operationArea = !area ? { type: 'FeatureCollection', features: [] } : area.type === 'FeatureCollection' ? area : { type: 'FeatureCollection', features: [area] };
    this.setSource(SRC.operation, this.operationArea);
  }

  // ---- the one animation loop -------------------------------------------------------------

  /** Schedules a frame unless one is pending. */
  private kick(): void {
    if (this.frame === null && !this.destroyed) this.frame = requestAnimationFrame(this.onFrame);
  }

  private onFrame = (t: number): void => {
    this.frame = null;
    if (this.destroyed) return;
    const now = performance.now();
    const moved = this.motion.frame(now, !this.ready);
    if (moved.size) {
      const features = [...moved.keys()].flatMap((id) => {
        const u = this.units.get(id);
        return u ? [unitFeature(u, moved.get(id))] : [];
      });
      this.update(SRC.units, this.unitStore.upsert(features));
    }
    const followed = this.followId ? moved.get(this.followId) : undefined;
    // Not while a flight is under way (the fly to the unit when following starts).
    if (followed && !this.map.isMoving()) this.map.jumpTo({ center: followed.point });
    const pulsing = this.pulse.animate(t, this.visible.cases && this.styleReady && this.ready && !this.reduceMotion);
    // Nothing moving, nothing queued, no burst: no next frame, and the map rests.
    if (this.motion.wantsFrame(now) || pulsing) this.kick();
  };

  /** After a pan or zoom, fixes held as too small to see may be visible now (or in view). */
  private onMoveEnd = (): void => {
    if (this.motion.viewChanged()) this.kick();
  };

  // ---- selection, hover, clicks -----------------------------------------------------------

  setSelectedCase(id: string | null): void {
    if (id === this.selectedCaseId) return;
    if (this.selectedCaseId) this.setState(SRC.cases, this.selectedCaseId, { selected: false });
    this.selectedCaseId = id;
    this.renderCases(); // a closed case is drawn only while selected (the others keep their features)
    if (id) this.setState(SRC.cases, id, { selected: true });
  }

  setSelectedUnit(id: string | null): void {
    if (id === this.selectedUnitId) return;
    if (this.selectedUnitId) this.setState(SRC.units, this.selectedUnitId, { selected: false });
    this.selectedUnitId = id;
    if (id) this.setState(SRC.units, id, { selected: true });
  }

  setCallbacks(callbacks: MapCallbacks): void {
    this.callbacks = callbacks;
    const box = !!callbacks.onBoxSelect;
    if (this.boxSelect) this.boxSelect.enabled = box;
    if (box) this.map.boxZoom.disable();
    else this.map.boxZoom.enable();
  }

  // ---- tools -----------------------------------------------------------------------------

  startMeasure(): void {
    this.measure.start();
    this.map.getCanvas().style.cursor = 'crosshair';
    this.drawMeasure();
  }

  stopMeasure(): void {
    this.measure.stop();
    this.map.getCanvas().style.cursor = '';
    this.drawMeasure();
    this.callbacks.onMeasure?.(null);
  }

  get measuring(): boolean {
    return this.measure.active;
  }

  private drawMeasure(): void {
    this.setSource(SRC.measure, this.measure.features((km) => this.t('map.measure.km', { km: formatKm(km) })));
  }

  /** Subdistricts and communities by name (zh/en) or code; flies to the best match unless `fly` is false. */
  findPlace(query: string, fly = true): Place[] {
    const matches = findPlaces(this.places, query);
    if (fly && matches[0]) this.flyToPlace(matches[0]);
    return matches;
  }

  flyToPlace(place: Place): void {
    this.aimed = true;
    const [w, s, e, n] = place.bbox;
    this.map.fitBounds([[w, s], [e, n]], { padding: 40, maxZoom: place.kind === 'community' ? 15 : 13, animate: !this.reduceMotion });
  }

  flyTo(point: LngLat, zoom?: number): void {
    this.aimed = true;
    const target = zoom ?? Math.max(this.map.getZoom(), 14);
    // Before the style loads there is nothing to watch fly: jump.
    if (this.reduceMotion || !this.styleReady) this.map.jumpTo({ center: point, zoom: target });
    else this.map.flyTo({ center: point, zoom: target, essential: true });
  }

  /** The whole district in view. */
  fitDistrict(animate = true): void {
    const b = this.district.bbox;
    if (b) this.map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding: this.variant === 'mini' ? 8 : 30, animate: animate && !this.reduceMotion });
  }

  /** Keeps a unit centred as it moves; a drag or wheel by the user ends it. */
  followUnit(id: string | null): void {
    this.followId = id;
    if (!id) return;
    const pose = this.motion.pose(id);
    const point = pose?.point ?? this.units.get(id)?.home;
    if (point) this.flyTo(point);
    this.kick();
  }

  get followedUnit(): string | null {
    return this.followId;
  }

  private stopFollowOnUserMove = (e: { originalEvent?: unknown }): void => {
    if (!e.originalEvent) return;
    this.followId = null;
    this.aimed = true;
  };

  // ---- appearance ------------------------------------------------------------------------

  setLayerVisible(group: LayerGroup, on: boolean): void {
    if (this.visible[group] === on) return;
    this.visible = { ...this.visible, [group]: on };
    this.syncLayers();
    if (group === 'cases' && on) this.kick();
    if (group === 'heat' && on && this.heatStale) {
      this.setSource(SRC.casesHeat, this.caseStore.collection());
      this.heatStale = false;
    }
    if (group === 'choropleth' && on) this.renderChoropleth();
    this.callbacks.onVisibilityChange?.(this.visible);
  }

  layerVisibility(): Record<LayerGroup, boolean> {
    return { ...this.visible };
  }

  setTheme(theme: MapTheme): void {
    if (theme !== this.theme) this.restyle(() => (this.theme = theme));
  }

  /** A new `t` alone (an inline function from a parent) only re-labels; a new language restyles. */
  setLanguage(lang: MapLang, t?: MapTranslate): void {
    if (lang === this.lang && t === this.tProp) return;
    this.tProp = t;
    this.t = resolveTranslator(lang, t);
    this.drawMeasure();
    if (lang === this.lang) return;
    this.restyle(() => (this.lang = lang));
    if (this.attribution) {
      this.map.removeControl(this.attribution);
      this.attribution = null;
      this.showAttribution();
    }
  }

  setChoroplethMetric(metric: ChoroplethMetric): void {
    if (metric !== this.metric) this.restyle(() => (this.metric = metric));
  }

  private restyle(change: () => void): void {
    change();
    this.syncLayers();
    this.pulse.restyled();
    this.kick();
  }

  /** Brings the live layers to the current options; before the style has loaded, `onLoad` does it. */
  private syncLayers(): void {
    if (!this.styleReady) return;
    const want = buildLayers({ theme: this.theme, variant: this.variant, lang: this.lang, visible: this.visible, choroplethMetric: this.metric });
    applyLayerChanges(this.map, this.applied, want);
    this.applied = want;
  }

  // ---- for tests (window.__linkageMap) ----------------------------------------------------

  get variantName(): MapVariant {
    return this.variant;
  }

  /** The maplibre map itself, for Playwright: `queryRenderedFeatures`, `getLayoutProperty`… */
  get maplibre(): MaplibreMap {
    return this.map;
  }

  loaded(): boolean {
    return this.map.loaded();
  }

  /** True after the first `idle` (also marked as `data-map-ready="true"` on the container). */
  get isReady(): boolean {
    return this.ready;
  }

  /** Where a unit is drawn now (its glide's current point, else its home), or null when unknown. */
  unitPosition(id: string): LngLat | null {
    return this.motion.pose(id)?.point ?? this.units.get(id)?.home ?? null;
  }

  /** The cases pulsing now (the newest few fresh urgent ones) and whether a burst is running. */
  pulseState(): { ids: string[]; animating: boolean } {
    return this.pulse.state();
  }

  queryRenderedFeatures(...args: Parameters<MaplibreMap['queryRenderedFeatures']>): MapGeoJSONFeature[] {
    return this.map.queryRenderedFeatures(...args);
  }
}
