/**
 * Layer specifications, bottom to top. Colours come from the theme's palette, sizes from the
 * variant (a 4K wall is read from across the room; the mini map sits in a case panel).
 * Feature-state drives hover, selection and the choropleth so those never re-upload data.
 */
import type { ExpressionSpecification, LayerSpecification, SymbolLayerSpecification } from 'maplibre-gl';
import { COMMUNITY_MIN_ZOOM, LAYER_GROUPS, SRC, type LayerGroup, type MapVariant } from './ids';
import type { MapLang } from './labels';
import type { ChoroplethMetric } from './choropleth';
import { HEADING_ICON_ID } from './heading-icon';
import { FONT_BOLD, FONT_REGULAR, PALETTES, type MapPalette, type MapTheme } from './theme';

export interface LayerOptions {
  theme: MapTheme;
  variant: MapVariant;
  lang: MapLang;
  visible: Record<LayerGroup, boolean>;
  choroplethMetric?: ChoroplethMetric;
}

const SCALE: Record<MapVariant, number> = { console: 1, wall: 1.6, mini: 0.8 };

/** The pulse ring between bursts (and for users who asked for less motion); radius before the variant's scale. */
export const PULSE_REST = { radius: 12, opacity: 0.5 } as const;

const isCluster: ExpressionSpecification = ['has', 'point_count'];
const notCluster: ExpressionSpecification = ['!', ['has', 'point_count']];
const state = (key: string): ExpressionSpecification => ['boolean', ['feature-state', key], false];

/** Zoom-scaled radius: small over the whole district, larger at street level. */
function radius(base: number, s: number, extra = 0): ExpressionSpecification {
  return ['interpolate', ['linear'], ['zoom'], 9, (base * 0.7 + extra) * s, 13, (base + extra) * s, 16, (base * 1.4 + extra) * s];
}

function urgencyColor(p: MapPalette): ExpressionSpecification {
  return ['match', ['get', 'urgency'], 'urgent', p.urgency.urgent, 'high', p.urgency.high, p.urgency.normal];
}

/**
 * A region label: the name in the UI's language, the other on a second, smaller line once
 * zoomed in enough for two lines to fit (zh first, ARCHITECTURE §5).
 */
export function regionLabel(lang: MapLang, twoLinesFrom: number): ExpressionSpecification {
  const [first, second] = lang === 'en' ? ['nameEn', 'name'] : ['name', 'nameEn'];
  return [
    'step',
    ['zoom'],
    ['format', ['get', first], {}],
    twoLinesFrom,
    ['format', ['get', first], {}, '\n', {}, ['get', second], { 'font-scale': 0.72 }],
  ];
}

/** Padding (px, before the variant's scale) around a cluster's count: about the smallest cluster circle. */
export const CLUSTER_COUNT_PADDING = 8;

/**
 * The mini map (a few hundred pixels in the case view) names the subdistrict on one line in the
 * UI's language only — a second, Latin line would not fit and was cut at the map's edge — at a
 * smaller size, wrapped narrow; the case view spells the full names out beside it anyway.
 */
export function miniSubdistrictLayout(lang: MapLang): SymbolLayerSpecification['layout'] {
  return {
    'text-field': ['get', lang === 'en' ? 'nameEn' : 'name'],
    'text-font': FONT_BOLD,
    'text-size': ['interpolate', ['linear'], ['zoom'], 11, 11, 15, 13],
    'text-max-width': 7,
    'text-line-height': 1.15,
  };
}

function visibility(group: LayerGroup, visible: Record<LayerGroup, boolean>): 'visible' | 'none' {
  return visible[group] ? 'visible' : 'none';
}

export function buildLayers(o: LayerOptions): LayerSpecification[] {
  const p = PALETTES[o.theme];
  const s = SCALE[o.variant];
  const metric = o.choroplethMetric ?? 'open';
  const halo = { 'text-halo-color': p.halo, 'text-halo-width': 1.4 };

  const layers: LayerSpecification[] = [
    { id: 'background', type: 'background', paint: { 'background-color': p.background } },
    { id: 'district-land', type: 'fill', source: SRC.boundary, paint: { 'fill-color': p.land } },
    {
      id: 'subdistrict-choropleth',
      type: 'fill',
      source: SRC.subdistricts,
      paint: {
        'fill-color': ['interpolate', ['linear'], ['coalesce', ['feature-state', `${metric}Level`], 0], 0, p.ramp[0], 0.5, p.ramp[1], 1, p.ramp[2]],
        'fill-opacity': ['case', ['>', ['coalesce', ['feature-state', metric], 0], 0], o.theme === 'night' ? 0.55 : 0.5, 0],
      },
    },
    { id: 'operation-area-fill', type: 'fill', source: SRC.operation, paint: { 'fill-color': p.operation, 'fill-opacity': 0.16 } },
    {
      id: 'community-line',
      type: 'line',
      source: SRC.communities,
      minzoom: COMMUNITY_MIN_ZOOM,
      paint: { 'line-color': p.communityLine, 'line-width': 0.8 * s, 'line-opacity': ['interpolate', ['linear'], ['zoom'], COMMUNITY_MIN_ZOOM, 0, COMMUNITY_MIN_ZOOM + 0.5, 1] },
    },
    { id: 'subdistrict-line', type: 'line', source: SRC.subdistricts, paint: { 'line-color': p.subdistrictLine, 'line-width': 1.2 * s } },
    { id: 'district-boundary-glow', type: 'line', source: SRC.boundary, paint: { 'line-color': p.boundary, 'line-width': 8 * s, 'line-opacity': 0.18, 'line-blur': 4 } },
    { id: 'district-boundary-line', type: 'line', source: SRC.boundary, paint: { 'line-color': p.boundary, 'line-width': 2 * s } },
    {
      id: 'cases-heat',
      type: 'heatmap',
      source: SRC.casesHeat,
      paint: {
        'heatmap-weight': ['match', ['get', 'urgency'], 'urgent', 1, 'high', 0.6, 0.3],
        'heatmap-intensity': ['interpolate', ['linear'], ['zoom'], 9, 0.5, 15, 2],
        'heatmap-radius': ['interpolate', ['linear'], ['zoom'], 9, 12 * s, 15, 40 * s],
        'heatmap-color': ['interpolate', ['linear'], ['heatmap-density'], 0, p.heat[0], 0.25, p.heat[1], 0.6, p.heat[2], 1, p.heat[3]],
        'heatmap-opacity': 0.75,
      },
    },
    {
      id: 'operation-area-line',
      type: 'line',
      source: SRC.operation,
      paint: { 'line-color': p.operation, 'line-width': 2.5 * s, 'line-dasharray': [3, 2] },
    },
    {
      id: 'cameras-point',
      type: 'circle',
      source: SRC.cameras,
      paint: {
        'circle-color': ['match', ['get', 'status'], 'online', p.camera.online, 'fault', p.camera.fault, p.camera.offline],
        'circle-radius': radius(3, s, 0),
        'circle-stroke-color': p.halo,
        'circle-stroke-width': ['case', state('hover'), 2, 0.8],
        'circle-opacity': ['match', ['get', 'status'], 'offline', 0.55, 0.9],
      },
    },
    // The newest few urgent cases (features.ts MAX_PULSING): a steady ring, animated by the view
    // (radius and opacity per frame) in short bursts.
    {
      id: 'cases-pulse',
      type: 'circle',
      source: SRC.cases,
      filter: ['case', isCluster, ['>', ['get', 'pulseCount'], 0], ['==', ['get', 'pulse'], true]],
      // No transitions: each frame sets the value outright (a transition would also keep the map from ever being idle).
      paint: {
        'circle-color': p.urgency.urgent,
        'circle-radius': PULSE_REST.radius * s,
        'circle-radius-transition': { duration: 0, delay: 0 },
        'circle-opacity': PULSE_REST.opacity,
        'circle-opacity-transition': { duration: 0, delay: 0 },
        'circle-blur': 0.4,
      },
    },
    {
      id: 'cases-cluster',
      type: 'circle',
      source: SRC.cases,
      filter: isCluster,
      paint: {
        'circle-color': ['case', ['>', ['get', 'urgentCount'], 0], p.urgency.urgent, ['>', ['get', 'highCount'], 0], p.urgency.high, p.cluster],
        'circle-radius': ['step', ['get', 'point_count'], 13 * s, 10, 17 * s, 50, 22 * s, 200, 27 * s],
        'circle-opacity': 0.88,
        'circle-stroke-color': ['case', ['>', ['get', 'overdueCount'], 0], p.overdue, p.halo],
        'circle-stroke-width': ['case', ['>', ['get', 'overdueCount'], 0], 3 * s, 1.5],
      },
    },
    {
      id: 'cases-overdue-ring',
      type: 'circle',
      source: SRC.cases,
      filter: ['all', notCluster, ['==', ['get', 'overdue'], true]],
      paint: { 'circle-radius': radius(6, s, 4), 'circle-opacity': 0, 'circle-stroke-color': p.overdue, 'circle-stroke-width': 2.5 * s },
    },
    {
      id: 'cases-point',
      type: 'circle',
      source: SRC.cases,
      filter: notCluster,
      layout: { 'circle-sort-key': ['get', 'rank'] },
      paint: {
        'circle-color': urgencyColor(p),
        'circle-radius': radius(6, s),
        'circle-stroke-color': p.halo,
        'circle-stroke-width': ['case', state('hover'), 3, 1.2],
        // A closed case shown only because it is selected: faded.
        'circle-opacity': ['match', ['get', 'status'], ['closed', 'rejected'], 0.45, 1],
      },
    },
    {
      id: 'cases-selected',
      type: 'circle',
      source: SRC.cases,
      filter: notCluster,
      paint: {
        'circle-radius': radius(6, s, 8),
        'circle-opacity': 0,
        'circle-stroke-color': p.selected,
        'circle-stroke-width': 3 * s,
        'circle-stroke-opacity': ['case', state('selected'), 1, 0],
      },
    },
    {
      id: 'units-circle',
      type: 'circle',
      source: SRC.units,
      paint: {
        'circle-color': ['match', ['get', 'status'], 'available', p.unit.available, 'enroute', p.unit.enroute, 'busy', p.unit.busy, p.unit.offline],
        'circle-radius': ['match', ['get', 'kind'], 'vehicle', 7 * s, 'patrol', 6 * s, 5 * s],
        'circle-stroke-color': ['case', state('selected'), p.selected, p.halo],
        'circle-stroke-width': ['case', state('selected'), 3, state('hover'), 2.5, 1.5],
        'circle-opacity': ['match', ['get', 'status'], 'offline', 0.55, 1],
      },
    },
    {
      id: 'units-heading',
      type: 'symbol',
      source: SRC.units,
      filter: ['all', ['==', ['get', 'live'], true], ['!=', ['get', 'status'], 'offline']],
      layout: {
        'icon-image': HEADING_ICON_ID,
        'icon-size': s,
        'icon-rotate': ['get', 'heading'],
        'icon-rotation-alignment': 'map',
        'icon-allow-overlap': true,
        'icon-ignore-placement': true,
      },
      paint: { 'icon-color': ['match', ['get', 'status'], 'available', p.unit.available, 'enroute', p.unit.enroute, 'busy', p.unit.busy, p.unit.offline] },
    },
    {
      id: 'units-label',
      type: 'symbol',
      source: SRC.units,
      minzoom: o.variant === 'wall' ? 13 : 14,
      layout: { 'text-field': ['get', 'name'], 'text-font': FONT_REGULAR, 'text-size': 11 * s, 'text-anchor': 'top', 'text-offset': [0, 1.1], 'text-optional': true },
      paint: { 'text-color': p.labelMinor, ...halo },
    },
    {
      id: 'community-label',
      type: 'symbol',
      source: SRC.communityLabels,
      minzoom: COMMUNITY_MIN_ZOOM + 1,
      layout: { 'text-field': ['get', 'name'], 'text-font': FONT_REGULAR, 'text-size': 11 * s, 'text-padding': 4 },
      paint: { 'text-color': p.labelMinor, ...halo },
    },
    {
      id: 'subdistrict-label',
      type: 'symbol',
      source: SRC.subdistrictLabels,
      layout: o.variant === 'mini' ? miniSubdistrictLayout(o.lang) : {
        'text-field': regionLabel(o.lang, 11),
        'text-font': FONT_BOLD,
        'text-size': ['interpolate', ['linear'], ['zoom'], 9, 11 * s, 13, 15 * s],
        'text-max-width': 12,
        'text-line-height': 1.25,
        // Beside a cluster rather than under it (the count is placed first, see below).
        'text-variable-anchor': ['center', 'top', 'bottom', 'left', 'right'],
        'text-radial-offset': 2,
      },
      paint: { 'text-color': p.label, ...halo, 'text-halo-width': 1.8 },
    },
    // A cluster's count above every label, drawn and placed (maplibre places the topmost symbol
    // layer first): always shown (allow-overlap), and its collision box — padded to about the
    // smallest circle — makes region and unit labels move aside or yield instead of covering it.
    {
      id: 'cases-cluster-count',
      type: 'symbol',
      source: SRC.cases,
      filter: isCluster,
      layout: {
        'text-field': ['get', 'point_count_abbreviated'],
        'text-font': FONT_BOLD,
        'text-size': 12 * s,
        'text-allow-overlap': true,
        'text-padding': CLUSTER_COUNT_PADDING * s,
      },
      paint: { 'text-color': p.clusterText },
    },
    { id: 'measure-line', type: 'line', source: SRC.measure, filter: ['==', ['geometry-type'], 'LineString'], paint: { 'line-color': p.measure, 'line-width': 2.5 * s, 'line-dasharray': [2, 1.5] } },
    { id: 'measure-point', type: 'circle', source: SRC.measure, filter: ['==', ['geometry-type'], 'Point'], paint: { 'circle-color': p.measure, 'circle-radius': 5 * s, 'circle-stroke-color': p.halo, 'circle-stroke-width': 1.5 } },
    {
      id: 'measure-label',
      type: 'symbol',
      source: SRC.measure,
      filter: ['has', 'label'],
      layout: { 'text-field': ['get', 'label'], 'text-font': FONT_BOLD, 'text-size': 14 * s, 'text-offset': [0, -1.2], 'text-allow-overlap': true },
      paint: { 'text-color': p.measure, ...halo, 'text-halo-width': 2 },
    },
  ];
  return layers.map((l) => withGroup(l, o.visible));
}

/** Tags each layer with its group (metadata, for tests and devtools) and applies the visibility. */
function withGroup(layer: LayerSpecification, visible: Record<LayerGroup, boolean>): LayerSpecification {
  const group = (Object.keys(LAYER_GROUPS) as LayerGroup[]).find((g) => LAYER_GROUPS[g].includes(layer.id));
  if (!group) return layer;
  return { ...layer, metadata: { 'linkage:group': group }, layout: { ...('layout' in layer ? layer.layout : {}), visibility: visibility(group, visible) } } as LayerSpecification;
}

