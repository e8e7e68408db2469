import { describe, it, expect } from 'vitest';
import { DomainError } from '../../shared/domain/errors';
import {
  communityCollectionSchema,
  communityFeatureSchema,
  createRegionIndex,
  geometryContains,
  interiorPoint,
  subdistrictCollectionSchema,
  type CommunityFeature,
  type LngLat,
  type RegionGeometry,
  type SubdistrictFeature,
} from '../../shared/domain/regions';

/** An axis-aligned box ring, counter-clockwise unless `clockwise`. */
function box(x0: number, y0: number, x1: number, y1: number, clockwise = false): LngLat[] {
  const ring: LngLat[] = [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]];
  return clockwise ? ring.reverse() : ring;
}

const poly = (...rings: LngLat[][]): RegionGeometry => ({ type: 'Polygon', coordinates: rings });

/**
 * Two subdistricts side by side. West (001) is split into two communities along lng 121.05.
 * East (002) is one community: a square with a hole, and an island inside the hole.
 */
const EAST_WITH_ISLAND: RegionGeometry = {
  type: 'MultiPolygon',
  coordinates: [[box(121.1, 31.0, 121.2, 31.1), box(121.13, 31.03, 121.17, 31.07, true)], [box(121.14, 31.04, 121.16, 31.06)]],
};

const subdistrict = (code: string, geometry: RegionGeometry): SubdistrictFeature => ({
  type: 'Feature',
  properties: { code, name: `街道${code}`, nameEn: `Subdistrict ${code}`, seat: [121.05, 31.05] },
  geometry,
});
const community = (code: string, geometry: RegionGeometry): CommunityFeature => ({
  type: 'Feature',
  properties: { code, name: `居委会${code}`, subdistrictCode: code.slice(0, 9) },
  geometry,
});

const fixture = {
  subdistricts: {
    type: 'FeatureCollection' as const,
    features: [subdistrict('310112001', poly(box(121.0, 31.0, 121.1, 31.1))), subdistrict('310112002', EAST_WITH_ISLAND)],
  },
  communities: {
    type: 'FeatureCollection' as const,
    features: [
      community('310112001001', poly(box(121.0, 31.0, 121.05, 31.1))),
      // the shared edge runs the other way round in this ring: the answer must not depend on it
      community('310112001002', poly(box(121.05, 31.0, 121.1, 31.1, true))),
      community('310112002001', EAST_WITH_ISLAND),
    ],
  },
};

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e.code;
    throw e;
  }
  return undefined;
}

describe('region schemas', () => {
  it('accept the fixture and reject a community outside its subdistrict code', () => {
    expect(subdistrictCollectionSchema.safeParse(fixture.subdistricts).success).toBe(true);
    expect(communityCollectionSchema.safeParse(fixture.communities).success).toBe(true);
    const stray = community('310112001001', poly(box(121.0, 31.0, 121.05, 31.1)));
    stray.properties.subdistrictCode = '310112002';
    expect(communityFeatureSchema.safeParse(stray).success).toBe(false);
    expect(communityFeatureSchema.safeParse({ ...stray, geometry: poly([[121, 31], [122, 31], [121, 31]]) }).success).toBe(false);
  });
});

describe('createRegionIndex', () => {
  const index = createRegionIndex(fixture);

  it('locates points to subdistrict and community', () => {
    expect(index.locate([121.02, 31.05])).toEqual({ subdistrictCode: '310112001', communityCode: '310112001001' });
    expect(index.locate([121.08, 31.05])).toEqual({ subdistrictCode: '310112001', communityCode: '310112001002' });
    expect(index.locate([121.19, 31.09])).toEqual({ subdistrictCode: '310112002', communityCode: '310112002001' });
  });

  it('honours holes and the parts of a MultiPolygon', () => {
    expect(codeOf(() => index.locate([121.135, 31.035]))).toBe('outside_district');
    expect(index.tryLocate([121.135, 31.035])).toBeNull();
    expect(index.locate([121.15, 31.05]).communityCode).toBe('310112002001');
  });

  it('puts a point on a shared edge in exactly one region, the same every time', () => {
    for (const point of [[121.05, 31.05], [121.1, 31.05], [121.05, 31.0], [121.1, 31.0]] as LngLat[]) {
      const holders = fixture.communities.features.filter((c) => geometryContains(c.geometry, point));
      expect(holders).toHaveLength(1);
      expect(index.locate(point).communityCode).toBe(holders[0]!.properties.code);
      expect(index.locate(point)).toEqual(index.locate(point));
    }
    // the rule: an edge that is not level belongs to the region east of it
    expect(index.locate([121.05, 31.05]).communityCode).toBe('310112001002');
    expect(index.locate([121.1, 31.05]).subdistrictCode).toBe('310112002');
  });

  it('refuses points outside the district', () => {
    expect(codeOf(() => index.locate([120.9, 31.05]))).toBe('outside_district');
    expect(codeOf(() => index.locate([121.05, 31.2]))).toBe('outside_district');
  });

  it('refuses malformed points as invalid input', () => {
    for (const bad of [[NaN, 31], [121, Infinity], [181, 31], [121, -91], [121], 'here', null]) {
      expect(codeOf(() => index.locate(bad as unknown as LngLat))).toBe('invalid_input');
    }
  });

  it('looks regions up by code', () => {
    expect(index.subdistrict('310112002').properties.nameEn).toBe('Subdistrict 310112002');
    expect(index.community('310112001002').properties.subdistrictCode).toBe('310112001');
    expect(codeOf(() => index.subdistrict('310112999'))).toBe('unknown_region');
    expect(codeOf(() => index.community('310112001999'))).toBe('unknown_region');
    expect(index.bbox).toEqual([121.0, 31.0, 121.2, 31.1]);
  });

  it('makes 15-digit unit-grid codes', () => {
    expect(index.gridCode('310112001002', 7)).toBe('310112001002007');
    expect(index.gridCode('310112002001', 999)).toMatch(/^\d{15}$/);
    for (const seq of [0, 1000, 1.5, NaN]) expect(codeOf(() => index.gridCode('310112001002', seq))).toBe('invalid_input');
    expect(codeOf(() => index.gridCode('310112001999', 1))).toBe('unknown_region');
  });

  it('refuses inconsistent inputs', () => {
    const orphan = community('310112003001', poly(box(121.0, 31.0, 121.05, 31.1)));
    expect(codeOf(() => createRegionIndex({ ...fixture, communities: { features: [orphan] } }))).toBe('invalid_input');
    const twice = [...fixture.communities.features, fixture.communities.features[0]!];
    expect(codeOf(() => createRegionIndex({ ...fixture, communities: { features: twice } }))).toBe('invalid_input');
  });
});

describe('interiorPoint', () => {
  it('is the centroid of a convex shape', () => {
    expect(interiorPoint(poly(box(121.0, 31.0, 121.1, 31.1)))[0]).toBeCloseTo(121.05, 9);
  });

  it('lies inside a U-shaped region whose centroid does not', () => {
    const u = poly([[121.0, 31.0], [121.3, 31.0], [121.3, 31.3], [121.2, 31.3], [121.2, 31.1], [121.1, 31.1], [121.1, 31.3], [121.0, 31.3], [121.0, 31.0]]);
    expect(geometryContains(u, [121.15, 31.15])).toBe(false); // near the centroid, in the notch
    expect(geometryContains(u, interiorPoint(u))).toBe(true);
  });

  it('picks the largest part of a MultiPolygon, avoiding its hole', () => {
    const p = interiorPoint(EAST_WITH_ISLAND);
    expect(geometryContains(EAST_WITH_ISLAND, p)).toBe(true);
  });
});
