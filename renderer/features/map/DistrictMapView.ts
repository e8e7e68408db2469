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
 * arrival, then briefly every half minute), resting as a steady ring in between; a fix that
 * moves its unit less than a pixel at the current zoom is held until it adds up (or the view
 * zooms); only units in view and far enough to see glide; cases are re-judged only when their
 * object changed or the clock passed one of their deadlines; the heat map's and choropleth's
 * data are kept up only while shown.
 */
import { AttributionControl, Map as MaplibreMap, NavigationControl, type GeoJSONSource, type GeoJSONSourceDiff, type LayerSpecification, type MapGeoJSONFeature, type MapMouseEvent } from 'maplibre-gl';
import type { Feature, FeatureCollection, Point } from 'geojson';
import type { District } from '../../../shared/bridge/contract';
import type { Camera, Case, LngLat, Position, Unit } from '../../../shared/protocol/entities';
import { choroplethStates, changedStates, countFeatures, type ChoroplethMetric, type ChoroplethState } from './choropleth';
import { communityLabels, EMPTY_DISTRICT, readDistrict, subdistrictLabels, type MapDistrict } from './district-data';
import { CaseFeatureCache, caseOnMap, casesOnMap, cameraFeature, pulsingIds, unitFeature, type CameraProps, type CaseProps, type MapFeature, type Rejudge, type UnitProps } from './features';
import { FeatureStore } from './feature-store';
import { formatKm, inScreenBox } from './geo';
import { HEADING_ICON_ID, HEADING_ICON_PIXEL_RATIO, headingIcon } from './heading-icon';
import { resolveTranslator, type MapLang, type MapTranslate } from './labels';
import { buildLayers, PULSE_REST } from './layers';
import { MeasureTool } from './measure';
import { headingDelta, MotionTracker } from './motion';
import { buildPlaces, findPlaces, type Place } from './places';
import { applyLayerChanges } from './style-apply';
import { buildStyle, DEFAULT_GROUPS, HIT_LAYERS, SRC, type LayerGroup, type MapVariant, type SourceId } from './style';
import { CJK_CSS_FAMILIES, type MapTheme } from './theme';
import { BoxSelect, type ScreenPoint } from './box-select';
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
/** Pulse repaint cap: a breathing ring needs no 60 fps, and software GL on walls is slow. */
const PULSE_FRAME_MS = 50;
/** A new case to pulse breathes this long; then the ring rests, with a short reminder at every clock refresh. */
const PULSE_BURST_MS = 8_000;
const PULSE_REMINDER_MS = 2_500;
/** A fix that moves its unit less than this on screen, and turns it less than this, waits (it adds up). */
const MIN_MOVE_PX = 1;
const MIN_TURN_DEG = 10;
/** Shorter moves than this jump: a glide nobody can see is a repaint per frame for nothing. */
const GLIDE_MIN_PX = 3;
/** Beyond this many units gliding at once, the rest jump (a typhoon's every unit on the move). */
const MAX_GLIDING = 1_000;
const LOW_POWER_MAX_GLIDING = 200;
/**
 * In software GL a repaint of a 1080p map costs tens of milliseconds of CPU (seconds on a busy
 * box), so fixes are taken in at most every 2 s there: units move in steps a little later, and
 * the wall stays responsive. With a GPU, every frame.
 */
const LOW_POWER_FIX_EVERY_MS = 2_000;
/** Frames slower than this (moving average): the machine cannot afford glides; units are placed. */
const SLOW_FRAME_MS = 120;
/** In software GL (SwiftShader on GPU-less walls) every repaint is CPU work: animate at ~5-10 fps. */
const LOW_POWER_PULSE_FRAME_MS = 200;
const LOW_POWER_MOTION_FRAME_MS = 100;
const PULSE_PERIOD_MS = 1600;
/** Unit glide updates: 30 per second look smooth and halve the worker's load against 60. */
const MOTION_FRAME_MS = 33;
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

  private readonly motion = new MotionTracker();
  private readonly lastFix = new Map<string, Position>();
  private readonly pendingFixes = new Map<string, Position>();

  private selectedCaseId: string | null = null;
  private selectedUnitId: string | null = null;
  private hover: { source: SourceId; id: string } | null = null;
  private followId: string | null = null;
  /** Once someone aimed the camera (focus, search, follow, a drag), the district no longer re-fits itself. */
  private aimed = false;
  private readonly measure = new MeasureTool();
  private boxSelect: BoxSelect | null = null;

  private styleReady = false;
  private ready = false;
  private destroyed = false;
  private frame: number | null = null;
  private lastPulse = 0;
  private lastMotion = 0;
  /** Ids of the cases pulsing (the newest few fresh urgent ones); `pulseUntil`: end of the current burst. */
  private pulsing = new Set<string>();
  /** The latest report time among the cases that pulsed: a newer one is an arrival. */
  private pulseNewestAt = -Infinity;
  private pulseUntil = 0;
  /** The pulse layer shows its steady ring (its style values), not a burst's frame. */
  private pulseResting = true;
  private readonly maxGliding: number;
  private readonly fixEveryMs: number;
  private fixesTakenAt = -Infinity;
  private fixTimer: ReturnType<typeof setTimeout> | null = null;
  /** Moving average of the gap between the loop's consecutive frames, and the last frame's time. */
  private frameGap = 0;
  private lastFrameAt = -Infinity;
  private readonly lowPower: boolean;
  private readonly clock: ReturnType<typeof setInterval>;
  private restoreTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly reduceMotion: boolean;
  private readonly pulseFrameMs: number;
  private readonly motionFrameMs: number;

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
    this.pulseFrameMs = lowPower ? LOW_POWER_PULSE_FRAME_MS : PULSE_FRAME_MS;
    this.motionFrameMs = lowPower ? LOW_POWER_MOTION_FRAME_MS : MOTION_FRAME_MS;
    this.maxGliding = lowPower ? LOW_POWER_MAX_GLIDING : MAX_GLIDING;
    this.fixEveryMs = lowPower ? LOW_POWER_FIX_EVERY_MS : 0;
    this.lowPower = lowPower;
    this.map = this.createMap();
    this.clock = setInterval(() => this.refreshClock(), CLOCK_REFRESH_MS);
    liveViews.push(this);
    publish();
  }

  // ---- lifecycle -------------------------------------------------------------------------

  /** Throws when WebGL 2 cannot be had (maplibre's GPUInitializationError): the caller shows why. */
  private createMap(center?: LngLat, zoom?: number): MaplibreMap {
    const style = buildStyle({ theme: this.theme, variant: this.variant, lang: this.lang, visible: this.visible, choroplethMetric: this.metric });
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
      // Text is drawn with local fonts (no glyphs URL); this covers any text layer left on the default stack.
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
    map.on('click', this.onClick);
    map.on('mousemove', this.onMouseMove);
    map.on('mouseout', this.clearHover);
    map.on('dragstart', this.stopFollowOnUserMove);
    map.on('wheel', this.stopFollowOnUserMove);
    map.on('moveend', this.onMoveEnd);
    map.on('webglcontextlost', this.onContextLost);
    map.on('webglcontextrestored', this.onContextRestored);
    // A wall runs for weeks: a recurring error must not fill the log.
    map.on('error', (e) => {
      if (++this.errors <= 20) console.warn('[map]', e.error?.message ?? e);
    });
    this.boxSelect = new BoxSelect(map, this.onBox);
    this.boxSelect.enabled = !!this.callbacks.onBoxSelect;
    return map;
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    clearInterval(this.clock);
    if (this.restoreTimer) clearTimeout(this.restoreTimer);
    if (this.frame !== null) cancelAnimationFrame(this.frame);
    if (this.fixTimer) clearTimeout(this.fixTimer);
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
    this.pushAll();
    if (!this.aimed) this.fitDistrict(false);
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
    this.hover = null;
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
    this.pulseResting = true; // a fresh style has the pulse layer at rest
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
    if (this.styleReady) {
      this.pushAll();
      if (!this.aimed) this.fitDistrict(false);
    }
  }

  private attribution: AttributionControl | null = null;

  /** DESIGN §6: the default regions are synthesized, and the map says so where they are drawn. */
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
    this.setPulsing(pulsing, newest);
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
    if (this.pulsing.size) this.burst(PULSE_REMINDER_MS);
  }

  /**
   * A case that arrived (reported later than any that pulsed before) starts a burst; the set
   * itself drives the layer's filter. A filter change that only brings older fresh cases into
   * view does not: a burst repaints the whole map for seconds, which in software GL held the
   * queue's next paint back by about a second (bench/console.ts). In a replay, new ids do.
   */
  private setPulsing(ids: Set<string>, newestReportedAt: number): void {
    const fresh = this.replayAt !== null ? [...ids].some((id) => !this.pulsing.has(id)) : newestReportedAt > this.pulseNewestAt;
    if (this.replayAt === null && newestReportedAt > this.pulseNewestAt) this.pulseNewestAt = newestReportedAt;
    this.pulsing = ids;
    if (fresh) this.burst(PULSE_BURST_MS);
  }

  private burst(ms: number): void {
    this.pulseUntil = Math.max(this.pulseUntil, performance.now() + ms);
    this.kick();
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
    if (back) this.motion.forgetTimes(); // the fixes that follow may be older than those drawn
    if (this.casesRaw.length) this.renderCases(back ? 'all' : 'due');
  }

  setUnits(units: readonly Unit[]): void {
    if (units === this.unitsRaw) return;
    this.unitsRaw = units;
    this.units.clear();
    for (const u of units) this.units.set(u.id, u);
    this.motion.retain(new Set(this.units.keys()));
    this.update(SRC.units, this.unitStore.replace(units.map((u) => unitFeature(u, this.motion.pose(u.id)))));
    // Fixes that came before their unit did: place those units now.
    for (const u of units) {
      const fix = this.lastFix.get(u.id);
      if (fix && !this.motion.pose(u.id)) this.pendingFixes.set(u.id, fix);
    }
    if (this.pendingFixes.size) this.kick();
  }

  setCameras(cameras: readonly Camera[]): void {
    if (cameras === this.camerasRaw) return;
    this.camerasRaw = cameras;
    this.update(SRC.cameras, this.cameraStore.replace(cameras.map(cameraFeature)));
  }

  /** Latest fixes by unit id. Only changed ones are queued; the frame loop applies them. */
  setPositions(positions: Readonly<Record<string, Position>>): void {
    for (const p of Object.values(positions)) {
      if (this.lastFix.get(p.id) === p) continue;
      this.lastFix.set(p.id, p);
      this.pendingFixes.set(p.id, p);
    }
    if (this.pendingFixes.size) this.kick();
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
    // Consecutive frames of the loop tell what a frame costs here.
    if (now - this.lastFrameAt < 1000) this.frameGap = this.frameGap * 0.8 + (now - this.lastFrameAt) * 0.2;
    else if (now - this.lastFrameAt > 30_000) this.frameGap = 0; // long rest: give glides another try
    this.lastFrameAt = now;
    if (this.pendingFixes.size) this.maybeTakeFixes(now);
    const due = now - this.lastMotion >= this.motionFrameMs || !this.ready;
    if (due) this.lastMotion = now;
    const moved = due ? this.motion.step(now) : new Map<string, never>();
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
    const pulsing = this.animatePulse(t);
    // `!due`: a skipped frame may hold a tween's last step, so one more frame is owed. Nothing
    // moving, nothing queued, no burst: no next frame, and the map rests.
    if ((!due && this.motion.activeCount > 0) || this.motion.moving(now) || (this.pendingFixes.size && !this.fixTimer) || pulsing) this.kick();
  };

  /** Takes the queued fixes now, or (software GL) once the interval since the last take has passed. */
  private maybeTakeFixes(now: number): void {
    const wait = this.fixesTakenAt + this.fixEveryMs - now;
    if (wait <= 0 || !this.ready || this.replayAt !== null) {
      this.fixesTakenAt = now;
      this.takeFixes(now);
      return;
    }
    this.fixTimer ??= setTimeout(() => {
      this.fixTimer = null;
      this.kick();
    }, wait);
  }

  /**
   * Hands the queued fixes to the tracker, each judged at the current zoom: too small to see →
   * held (it stays the unit's latest fix and is judged again with the next one or after a zoom);
   * far enough, in view and while few units glide → glides; otherwise placed at once.
   */
  private takeFixes(now: number): void {
    // Before the first idle, fixes are placed without gliding (nothing to watch yet).
    if (!this.ready || !this.styleReady || this.replayAt !== null) {
      this.motion.push(this.pendingFixes.values(), now, false);
      this.pendingFixes.clear();
      return;
    }
    const { lat } = this.map.getCenter();
    const pxPerDeg = (512 * 2 ** this.map.getZoom()) / 360;
    const pxPerDegLat = pxPerDeg / Math.max(0.2, Math.cos((lat * Math.PI) / 180));
    const b = this.map.getBounds();
    const padLng = (b.getEast() - b.getWest()) * 0.1;
    const padLat = (b.getNorth() - b.getSouth()) * 0.1;
    const inView = (p: LngLat) => p[0] >= b.getWest() - padLng && p[0] <= b.getEast() + padLng && p[1] >= b.getSouth() - padLat && p[1] <= b.getNorth() + padLat;
    const glide: Position[] = [];
    const place: Position[] = [];
    let gliding = this.motion.activeCount;
    const slow = this.frameGap > SLOW_FRAME_MS;
    for (const p of this.pendingFixes.values()) {
      const drawn = this.motion.pose(p.id);
      if (!drawn) {
        place.push(p);
        continue;
      }
      const px = Math.hypot((p.point[0] - drawn.point[0]) * pxPerDeg, (p.point[1] - drawn.point[1]) * pxPerDegLat);
      const moving = this.motion.isMoving(p.id, now);
      if (!moving && px < MIN_MOVE_PX && headingDelta(drawn.heading, p.heading) < MIN_TURN_DEG) continue;
      if (px >= GLIDE_MIN_PX && !slow && (moving || gliding < this.maxGliding) && (inView(drawn.point) || inView(p.point))) {
        if (!moving) gliding++;
        glide.push(p);
      } else place.push(p);
    }
    this.pendingFixes.clear();
    this.motion.push(glide, now);
    this.motion.push(place, now, false);
  }

  /** After a pan or zoom, fixes held as too small to see may be visible now (or in view). */
  private onMoveEnd = (): void => {
    let queued = false;
    for (const [id, fix] of this.lastFix) {
      const drawn = this.motion.pose(id);
      if (drawn && (drawn.point[0] !== fix.point[0] || drawn.point[1] !== fix.point[1] || drawn.heading !== fix.heading) && !this.motion.isMoving(id, performance.now())) {
        this.pendingFixes.set(id, fix);
        queued = true;
      }
    }
    if (queued) this.kick();
  };

  /**
   * Breathing ring around the newest urgent cases, in bursts; between them (and when the user
   * asked for less motion) the ring rests, drawn once and not repainted.
   */
  private animatePulse(t: number): boolean {
    const on = this.pulsing.size > 0 && this.visible.cases && this.styleReady && this.ready && !this.reduceMotion;
    if (!on || performance.now() >= this.pulseUntil) {
      this.restPulse();
      return false;
    }
    if (t - this.lastPulse < this.pulseFrameMs) return true;
    this.lastPulse = t;
    const phase = (t % PULSE_PERIOD_MS) / PULSE_PERIOD_MS;
    const scale = this.pulseScale();
    this.map.setPaintProperty('cases-pulse', 'circle-radius', (10 + 20 * phase) * scale);
    this.map.setPaintProperty('cases-pulse', 'circle-opacity', 0.6 * (1 - phase));
    this.pulseResting = false;
    return true;
  }

  private pulseScale(): number {
    return this.variant === 'wall' ? 1.6 : this.variant === 'mini' ? 0.8 : 1;
  }

  /** The style's own values (layers.ts), so a restyle and a rest agree. */
  private restPulse(): void {
    if (this.pulseResting || !this.styleReady || !this.map.getLayer('cases-pulse')) return;
    this.pulseResting = true;
    this.map.setPaintProperty('cases-pulse', 'circle-radius', PULSE_REST.radius * this.pulseScale());
    this.map.setPaintProperty('cases-pulse', 'circle-opacity', PULSE_REST.opacity);
  }

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

  /** Hit layers of visible groups only: a hidden layer must not swallow clicks. */
  private hitLayers(): string[] {
    const ids: string[] = [];
    if (this.visible.units) ids.push(HIT_LAYERS.unit);
    if (this.visible.cases) ids.push(HIT_LAYERS.case, HIT_LAYERS.cluster);
    if (this.visible.cameras) ids.push(HIT_LAYERS.camera);
    return ids.filter((id) => this.map.getLayer(id));
  }

  /** Topmost feature near the pointer; a few pixels of slack for fingers on touch consoles. */
  private hit(e: MapMouseEvent): MapGeoJSONFeature | undefined {
    if (!this.styleReady) return undefined;
    const { x, y } = e.point;
    const layers = this.hitLayers();
    return layers.length ? this.map.queryRenderedFeatures([[x - 5, y - 5], [x + 5, y + 5]], { layers })[0] : undefined;
  }

  private onClick = (e: MapMouseEvent): void => {
    if (this.measure.active) {
      const km = this.measure.click([e.lngLat.lng, e.lngLat.lat]);
      this.drawMeasure();
      this.callbacks.onMeasure?.(km);
      return;
    }
    const f = this.hit(e);
    if (!f) return;
    const id = f.properties?.id as string | undefined;
    switch (f.layer.id) {
      case HIT_LAYERS.cluster:
        void this.zoomIntoCluster(f);
        break;
      case HIT_LAYERS.case:
        if (id) this.callbacks.onSelectCase?.(id);
        break;
      case HIT_LAYERS.unit:
        if (id) this.callbacks.onSelectUnit?.(id);
        break;
      case HIT_LAYERS.camera:
        if (id) this.callbacks.onSelectCamera?.(id);
        break;
    }
  };

  private async zoomIntoCluster(f: MapGeoJSONFeature): Promise<void> {
    const clusterId = f.properties?.cluster_id as number | undefined;
    const src = this.source(SRC.cases);
    if (clusterId === undefined || !src || f.geometry.type !== 'Point') return;
    const zoom = await src.getClusterExpansionZoom(clusterId);
    const [lng, lat] = f.geometry.coordinates as [number, number];
    this.map.easeTo({ center: [lng, lat], zoom: Math.min(zoom, 18) });
  }

  private onMouseMove = (e: MapMouseEvent): void => {
    if (this.measure.active) return;
    const f = this.hit(e);
    const id = f?.properties?.id as string | undefined;
    const source = f?.source as SourceId | undefined;
    this.map.getCanvas().style.cursor = f ? 'pointer' : '';
    if (this.hover && (this.hover.id !== id || this.hover.source !== source)) this.clearHover();
    if (id && source && !this.hover) {
      this.hover = { source, id };
      this.setState(source, id, { hover: true });
    }
  };

  private clearHover = (): void => {
    if (this.hover) this.setState(this.hover.source, this.hover.id, { hover: false });
    this.hover = null;
  };

  private onBox = (a: ScreenPoint, b: ScreenPoint): void => {
    if (!this.visible.cases) return this.callbacks.onBoxSelect?.([]);
    // Projected from the data, not queried from tiles: clustered cases count too.
    const ids = this.casesRaw.filter((c) => (caseOnMap(c) || c.id === this.selectedCaseId) && inScreenBox(this.map.project(c.point), a, b)).map((c) => c.id);
    this.callbacks.onBoxSelect?.(ids);
  };

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
    this.lastPulse = 0;
    this.pulseResting = false; // whatever the new layer holds, set the rest (or the burst) again
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
    return { ids: [...this.pulsing], animating: !this.pulseResting };
  }

  queryRenderedFeatures(...args: Parameters<MaplibreMap['queryRenderedFeatures']>): MapGeoJSONFeature[] {
    return this.map.queryRenderedFeatures(...args);
  }
}
