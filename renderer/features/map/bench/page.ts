/**
 * A page for bench/map.ts (`npm run bench -- map`), not part of the app: the district map with
 * synthetic cases and units whose positions update at 1 Hz, drawn either by DistrictMapView
 * (`ours`) or `naive`ly: a plain maplibre map with the same style (layers, sources, clustering),
 * every source filled by `setData`, and the whole units collection re-sent by `setData` on every
 * update — what one writes first.
 */
import { Map as MaplibreMap, type GeoJSONSource } from 'maplibre-gl';
import type { District } from '../../../../shared/bridge/contract';
import type { Case, Position, Unit } from '../../../../shared/protocol/entities';
import { DistrictMapView } from '../DistrictMapView';
import { caseFeatures, unitFeature } from '../features';
import { communityLabels, readDistrict, subdistrictLabels } from '../district-data';
import { DEFAULT_GROUPS, SRC } from '../ids';
import { buildStyle } from '../style';
import { headingIcon, HEADING_ICON_ID, HEADING_ICON_PIXEL_RATIO } from '../heading-icon';
import { configureMaplibreWorker } from '../worker';

type Mode = 'ours' | 'naive';

interface FrameStats {
  fps: number;
  p50: number;
  p95: number;
  /** Map repaints in the window. */
  renders: number;
  /** Main-thread time in tasks over 50 ms (PerformanceObserver longtask). */
  longTaskMs: number;
  /** Features pushed to the units source per second (naive: all, on every update). */
  unitFeaturesPerS: number;
}

/** Park–Miller: the same cases and routes on every run. */
function rng(seed: number) {
  let s = seed;
  return () => (s = (s * 16807) % 2147483647) / 2147483647;
}

const M_PER_DEG_LAT = 111_320;

function makeData(seats: Array<[number, number]>, nCases: number, nUnits: number, now: number) {
  const r = rng(42);
  const near = (): [number, number] => {
    const s = seats[Math.floor(r() * seats.length)]!;
    return [s[0] + (r() - 0.5) * 0.06, s[1] + (r() - 0.5) * 0.05];
  };
  const statuses = ['reported', 'registered', 'dispatched', 'accepted', 'resolved'] as const;
  const cases: Case[] = [];
  for (let i = 0; i < nCases; i++) {
    const u = r();
    const reportedAt = now - Math.floor(r() * 48 * 3600_000);
    const status = statuses[Math.floor(r() * statuses.length)]!;
    const dispatched = status !== 'reported' && status !== 'registered';
    cases.push({
      id: `B${String(i).padStart(6, '0')}`, version: 1, status, previousStatus: null, source: 'hotline', externalRef: null,
      categoryCode: '06013', urgency: u < 0.05 ? 'urgent' : u < 0.3 ? 'high' : 'normal', point: near(), address: '基准', subdistrictCode: '310112101',
      communityCode: '310112101001', reporter: null, description: '', attachments: [], owners: [], reportedAt,
      registeredAt: status === 'reported' ? null : reportedAt + 60_000, dispatchedAt: dispatched ? reportedAt + 120_000 : null,
      acceptedAt: null, resolvedAt: null, closedAt: null, dispatchDue: reportedAt + 30 * 60_000, handlingDue: dispatched ? reportedAt + 24 * 3600_000 : null,
      dueSoonAt: null, overdueAt: null, mergedInto: null, updatedAt: reportedAt,
    });
  }
  const kinds = ['patrol', 'vehicle', 'officer'] as const;
  const units: Unit[] = [];
  const walkers: Array<{ id: string; lng: number; lat: number; heading: number; speed: number }> = [];
  for (let i = 0; i < nUnits; i++) {
    const kind = kinds[i % 3]!;
    const [lng, lat] = near();
    units.push({ id: `BU${String(i).padStart(5, '0')}`, version: 1, name: `单元${i}`, kind, departmentCode: 'enforcement', subdistrictCode: '310112101', status: 'available', home: [lng, lat], caseId: null, updatedAt: now });
    // Officers on foot, patrols and vehicles on the road (m/s).
    walkers.push({ id: units[i]!.id, lng, lat, heading: r() * 360, speed: kind === 'officer' ? 1.5 : kind === 'patrol' ? 6 : 12 });
  }
  return { cases, units, walkers, r };
}

let view: DistrictMapView | null = null;
let map: MaplibreMap | null = null;
let data: ReturnType<typeof makeData> | null = null;
let mode: Mode = 'ours';
let timer: ReturnType<typeof setInterval> | null = null;
let pushed = 0;
let clock = Date.now();

/** One second of movement for every unit: a new fix each. */
function step(): Position[] {
  const d = data!;
  clock += 1000;
  return d.walkers.map((w) => {
    // Along a road: a steady heading with a little wobble, and now and then a turn at a junction.
    w.heading = (w.heading + (d.r() < 0.03 ? (d.r() < 0.5 ? 90 : -90) : (d.r() - 0.5) * 4) + 360) % 360;
    const rad = (w.heading * Math.PI) / 180;
    w.lat += (Math.cos(rad) * w.speed) / M_PER_DEG_LAT;
    w.lng += (Math.sin(rad) * w.speed) / (M_PER_DEG_LAT * Math.cos((w.lat * Math.PI) / 180));
    return { id: w.id, point: [w.lng, w.lat], heading: w.heading, speed: w.speed, at: clock };
  });
}

function update(): void {
  const fixes = step();
  if (mode === 'ours') {
    view!.setPositions(Object.fromEntries(fixes.map((p) => [p.id, p])));
    return;
  }
  setNaiveUnits(fixes);
}

function setNaiveUnits(fixes: Position[]): void {
  const byId = new Map(data!.units.map((u) => [u.id, u]));
  const features = fixes.map((p) => unitFeature(byId.get(p.id)!, { point: p.point, heading: p.heading }));
  (map!.getSource(SRC.units) as GeoJSONSource).setData({ type: 'FeatureCollection', features });
  pushed += features.length;
}

/** The naive map: the same style, every source by `setData` once loaded (the heat map's copy too). */
function startNaive(container: HTMLElement, district: District): Promise<void> {
  configureMaplibreWorker();
  const style = buildStyle({ theme: 'night', variant: 'console', lang: 'zh-CN', visible: DEFAULT_GROUPS.console });
  map = new MaplibreMap({ container, style, center: [121.45, 31.08], zoom: 10, attributionControl: false });
  const d = readDistrict(district);
  const b = d.bbox!;
  map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding: 30, animate: false });
  return new Promise((resolve) => {
    map!.on('load', () => {
      const m = map!;
      m.addImage(HEADING_ICON_ID, headingIcon(), { sdf: true, pixelRatio: HEADING_ICON_PIXEL_RATIO });
      const set = (id: string, fc: unknown) => (m.getSource(id) as GeoJSONSource).setData(fc as Parameters<GeoJSONSource['setData']>[0]);
      set(SRC.boundary, { type: 'FeatureCollection', features: d.boundary ? [d.boundary] : [] });
      set(SRC.subdistricts, { type: 'FeatureCollection', features: d.subdistricts });
      set(SRC.communities, { type: 'FeatureCollection', features: d.communities });
      set(SRC.subdistrictLabels, subdistrictLabels(d));
      set(SRC.communityLabels, communityLabels(d));
      const cases = { type: 'FeatureCollection', features: caseFeatures(data!.cases, clock) };
      set(SRC.cases, cases);
      set(SRC.casesHeat, cases);
      setNaiveUnits(step());
      m.once('idle', () => resolve());
    });
  });
}

async function start(m: Mode, nCases: number, nUnits: number): Promise<{ timeToIdleMs: number }> {
  mode = m;
  const read = async (f: string) => (await (await fetch(`./district/${f}`)).json()) as unknown;
  const [boundary, subdistricts, communities] = await Promise.all([read('boundary.geojson'), read('subdistricts.geojson'), read('communities.geojson')]);
  const district: District = { boundary, subdistricts, communities, departments: [], catalog: null };
  const seats = (subdistricts as { features: Array<{ properties: { seat: [number, number] } }> }).features.map((f) => f.properties.seat);
  data = makeData(seats, nCases, nUnits, clock);
  const t0 = performance.now();
  const container = document.getElementById('map')!;
  if (m === 'naive') {
    await startNaive(container, district);
    return { timeToIdleMs: performance.now() - t0 };
  }
  const ready = new Promise<void>((resolve) => {
    view = new DistrictMapView({ container, theme: 'night', variant: 'console', lang: 'zh-CN', callbacks: { onStatus: (s) => s === 'ready' && resolve() } });
  });
  map = view!.maplibre;
  view!.setDistrict(district);
  view!.setCases(data.cases);
  view!.setUnits(data.units);
  // The first fixes place every unit, then the map settles.
  view!.setPositions(Object.fromEntries(step().map((p) => [p.id, p])));
  await ready;
  return { timeToIdleMs: performance.now() - t0 };
}

function startUpdates(): void {
  timer ??= setInterval(update, 1000);
}

function stopUpdates(): void {
  if (timer) clearInterval(timer);
  timer = null;
}

function unitFeatureCount(): number {
  // Ours: what the view handed its units source (its FeatureStore diffs), counted by the view.
  const v = view as unknown as { unitFeaturesPushed?: number };
  return mode === 'ours' ? v.unitFeaturesPushed ?? NaN : pushed;
}

async function measure(ms: number): Promise<FrameStats> {
  const m = map!;
  let renders = 0;
  const onRender = () => renders++;
  m.on('render', onRender);
  let longTaskMs = 0;
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) longTaskMs += e.duration;
  });
  obs.observe({ type: 'longtask', buffered: false });
  const pushed0 = unitFeatureCount();
  const gaps: number[] = [];
  const t0 = performance.now();
  let last = t0;
  let running = true;
  const frame = (t: number) => {
    if (!running) return;
    gaps.push(t - last);
    last = t;
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  // A fixed window, whatever a frame costs: a frame still open at its end counts as a gap that long.
  await new Promise((resolve) => setTimeout(resolve, ms));
  running = false;
  const elapsed = performance.now() - t0;
  gaps.push(performance.now() - last);
  m.off('render', onRender);
  obs.disconnect();
  gaps.sort((a, b) => a - b);
  const q = (p: number) => gaps[Math.min(gaps.length - 1, Math.floor(p * gaps.length))] ?? NaN;
  return { fps: ((gaps.length - 1) * 1000) / elapsed, p50: q(0.5), p95: q(0.95), renders, longTaskMs, unitFeaturesPerS: ((unitFeatureCount() - pushed0) * 1000) / elapsed };
}

function zoomTo(zoom: number): void {
  const [lng, lat] = data!.walkers[0] ? [data!.walkers[0].lng, data!.walkers[0].lat] : [121.38, 31.11];
  map!.jumpTo({ center: [lng, lat], zoom });
}

/** Until the tiles in view are loaded (after a zoom), at most `timeoutMs`. */
async function tilesLoaded(timeoutMs: number): Promise<boolean> {
  const end = performance.now() + timeoutMs;
  while (performance.now() < end) {
    if (map!.areTilesLoaded()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

function idle(timeoutMs: number): Promise<boolean> {
  const m = map!;
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), timeoutMs);
    m.once('idle', () => {
      clearTimeout(t);
      resolve(true);
    });
    m.triggerRepaint();
  });
}

/** `maplibre()`: the map of either mode, for profiling scripts (gl counters, tracing). */
const maplibre = () => map;

(window as unknown as { __mapBench: unknown }).__mapBench = { start, startUpdates, stopUpdates, measure, zoomTo, idle, tilesLoaded, maplibre };
