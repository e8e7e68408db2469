/** The district map feature: the React component, its imperative view, and the pure helpers worth reusing. */
export { DistrictMap, type DistrictMapProps } from './DistrictMap';
export { DistrictMapView, type DistrictMapViewOptions, type MapCallbacks } from './DistrictMapView';
export { MapLegend, type MapLegendProps } from './MapLegend';
export { LAYER_GROUPS, LAYER_GROUP_NAMES, DEFAULT_GROUPS, HIT_LAYERS, SRC, type LayerGroup, type MapVariant } from './ids';
export { MAP_LABELS, mapTranslator, type MapLang, type MapLabelKey, type MapTranslate } from './labels';
export { findPlaces, type Place } from './places';
export { detectWebGL, type WebGLSupport } from './webgl';
export type { MapTheme } from './theme';
