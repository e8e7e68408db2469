/**
 * The district's static regions, checked with shared's schemas once when the district arrives
 * (the bridge types them as unknown), plus the point sources the labels hang from: a symbol
 * layer on a polygon source repeats its label on every tile the polygon touches.
 */
import type { Feature, FeatureCollection, Point } from 'geojson';
import type { District } from '../../../shared/bridge/contract';
import {
  communityCollectionSchema,
  districtBoundarySchema,
  geometryContains,
  interiorPoint,
  subdistrictCollectionSchema,
  type CommunityFeature,
  type DistrictBoundary,
  type LngLat,
  type SubdistrictFeature,
} from '../../../shared/domain/regions';

export interface MapDistrict {
  boundary: DistrictBoundary | null;
  subdistricts: SubdistrictFeature[];
  communities: CommunityFeature[];
  /** `[minLng, minLat, maxLng, maxLat]` of everything drawn, for the initial view. */
  bbox: [number, number, number, number] | null;
  /** Subdistrict code → its name pair, for community labels in English mode and for search. */
  subdistrictNames: Map<string, { name: string; nameEn: string }>;
}

export const EMPTY_DISTRICT: MapDistrict = { boundary: null, subdistricts: [], communities: [], bbox: null, subdistrictNames: new Map() };

/** Invalid parts are dropped with a warning rather than blanking the whole map. */
export function readDistrict(district: District | null | undefined): MapDistrict {
  if (!district) return EMPTY_DISTRICT;
  const boundary = districtBoundarySchema.safeParse(district.boundary);
  const subs = subdistrictCollectionSchema.safeParse(district.subdistricts);
  const comms = communityCollectionSchema.safeParse(district.communities);
  for (const [what, r] of [['boundary', boundary], ['subdistricts', subs], ['communities', comms]] as const) {
    if (!r.success) console.warn(`[map] district ${what} ignored: ${r.error.message.slice(0, 200)}`);
  }
  const subdistricts = subs.success ? subs.data.features : [];
  const communities = comms.success ? comms.data.features : [];
  const b = boundary.success ? boundary.data : null;
  const bbox = bboxOf([...(b ? [b.geometry] : []), ...subdistricts.map((f) => f.geometry)]);
  const subdistrictNames = new Map(subdistricts.map((f) => [f.properties.code, { name: f.properties.name, nameEn: f.properties.nameEn }]));
  return { boundary: b, subdistricts, communities, bbox, subdistrictNames };
}

type Geometry = DistrictBoundary['geometry'];

export function bboxOf(geometries: Geometry[]): [number, number, number, number] | null {
  let box: [number, number, number, number] | null = null;
  for (const g of geometries) {
    const rings = g.type === 'Polygon' ? g.coordinates : g.coordinates.flat();
    for (const [x, y] of rings.flat()) {
      box = box ? [Math.min(box[0], x), Math.min(box[1], y), Math.max(box[2], x), Math.max(box[3], y)] : [x, y, x, y];
    }
  }
  return box;
}

/** The seat when it lies in the (synthesized) shape, else a point that surely does. */
export function labelPoint(f: SubdistrictFeature | CommunityFeature): LngLat {
  const seat = 'seat' in f.properties ? f.properties.seat : null;
  return seat && geometryContains(f.geometry, seat) ? seat : interiorPoint(f.geometry);
}

export type LabelProps = { code: string; name: string; nameEn: string };

export function subdistrictLabels(d: MapDistrict): FeatureCollection<Point, LabelProps> {
  return {
    type: 'FeatureCollection',
    features: d.subdistricts.map((f) => pointFeature(labelPoint(f), { code: f.properties.code, name: f.properties.name, nameEn: f.properties.nameEn })),
  };
}

/** Communities have no English name: English mode shows the Chinese one (a proper name). */
export function communityLabels(d: MapDistrict): FeatureCollection<Point, LabelProps> {
  return {
    type: 'FeatureCollection',
    features: d.communities.map((f) => pointFeature(labelPoint(f), { code: f.properties.code, name: f.properties.name, nameEn: f.properties.name })),
  };
}

function pointFeature<P>(point: LngLat, properties: P): Feature<Point, P> {
  return { type: 'Feature', geometry: { type: 'Point', coordinates: point }, properties };
}
