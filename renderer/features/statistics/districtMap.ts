/**
 * The district's subdistricts as the ECharts map the choropleth draws (charts.ts), keyed by
 * code. The statistics window's own: only its choropleth uses the district's shapes in ECharts.
 */
import * as echarts from 'echarts/core';
import { DISTRICT_MAP } from './charts';

let registered: unknown = null;
let codes: string[] = [];

/** Registers the subdistricts' GeoJSON once per object; false when there is none to draw. */
export function registerDistrict(geojson: unknown): boolean {
  if (!geojson || typeof geojson !== 'object' || !Array.isArray((geojson as { features?: unknown }).features)) return false;
  if (registered !== geojson) {
    echarts.registerMap(DISTRICT_MAP, geojson as Parameters<typeof echarts.registerMap>[1]);
    registered = geojson;
    codes = ((geojson as { features: Array<{ properties?: { code?: unknown } }> }).features)
      .map((f) => f.properties?.code).filter((c): c is string => typeof c === 'string');
  }
  return true;
}

/** The codes of the registered map's regions: each is labelled, with or without a count. */
export function districtCodes(): readonly string[] {
  return codes;
}
