/**
 * Names shared by the style, the view and the legend: source ids, layer groups, and which
 * layers a click acts on. Playwright tests address layers by these ids too.
 */
export type MapVariant = 'console' | 'wall' | 'mini';

export type LayerGroup = 'regions' | 'communities' | 'choropleth' | 'heat' | 'cases' | 'units' | 'cameras' | 'operation';
export const LAYER_GROUP_NAMES: readonly LayerGroup[] = ['regions', 'communities', 'choropleth', 'heat', 'cases', 'units', 'cameras', 'operation'];

/** Source ids. `cases` is clustered (in maplibre's worker); the heat map needs every point, so its own unclustered copy. */
export const SRC = {
  boundary: 'district-boundary',
  subdistricts: 'subdistricts',
  subdistrictLabels: 'subdistrict-labels',
  communities: 'communities',
  communityLabels: 'community-labels',
  cases: 'cases',
  casesHeat: 'cases-heat',
  units: 'units',
  cameras: 'cameras',
  operation: 'operation-area',
  measure: 'measure',
} as const;
export type SourceId = (typeof SRC)[keyof typeof SRC];

/** What each group switches; the legend and `setLayerVisible` use it. Measure and background are always on. */
export const LAYER_GROUPS: Record<LayerGroup, readonly string[]> = {
  regions: ['district-land', 'district-boundary-glow', 'district-boundary-line', 'subdistrict-line', 'subdistrict-label'],
  communities: ['community-line', 'community-label'],
  choropleth: ['subdistrict-choropleth'],
  heat: ['cases-heat'],
  cases: ['cases-pulse', 'cases-cluster', 'cases-cluster-count', 'cases-overdue-ring', 'cases-point', 'cases-selected'],
  units: ['units-circle', 'units-heading', 'units-label'],
  cameras: ['cameras-point'],
  operation: ['operation-area-fill', 'operation-area-line'],
};

/** Layers a click or hover acts on. */
export const HIT_LAYERS = { case: 'cases-point', cluster: 'cases-cluster', unit: 'units-circle', camera: 'cameras-point' } as const;

/** The console shows the working picture; the wall adds the choropleth; the mini map in the case view stays sparse. */
export const DEFAULT_GROUPS: Record<MapVariant, Record<LayerGroup, boolean>> = {
  console: { regions: true, communities: true, choropleth: false, heat: false, cases: true, units: true, cameras: true, operation: true },
  wall: { regions: true, communities: true, choropleth: true, heat: false, cases: true, units: true, cameras: false, operation: true },
  mini: { regions: true, communities: true, choropleth: false, heat: false, cases: true, units: true, cameras: false, operation: true },
};

/** Zoom from which communities (596 of them) are drawn; below it they are noise. */
export const COMMUNITY_MIN_ZOOM = 12;
