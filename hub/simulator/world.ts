/**
 * The district as the simulator sees it: communities to put reports in, the catalog to name
 * them, departments, units and cameras. Units and cameras come from the hub's store (what the
 * hub actually has); shapes and the catalog from the same resources the hub's rules read.
 */
import { z } from 'zod';
import { readResource } from '../resources';
import {
  communityCollectionSchema, createRegionIndex, geometryContains, subdistrictCollectionSchema,
  type CommunityFeature, type RegionIndex, type SubdistrictFeature,
} from '../../shared/domain/regions';
import { parseCatalog, type Category } from '../../shared/domain/catalog';
import { createCalendar, holidaysFromData, type Calendar } from '../../shared/domain/calendar';
import type { Camera, LngLat, Unit } from '../../shared/protocol';
import type { HubCore } from '../core';
import type { Rng } from './random';
import { nameWeight } from './profiles';
import { prepared } from '../store/db';

export interface Department { code: string; name: string; kind: string; subdistrictCode?: string | undefined }

export interface Community {
  code: string;
  name: string;
  subdistrict: SubdistrictFeature['properties'];
  feature: CommunityFeature;
  bbox: [number, number, number, number];
}

const DepartmentsFile = z.object({
  items: z.array(z.object({ code: z.string().min(1), name: z.string(), kind: z.string(), subdistrictCode: z.string().optional() })),
});

export class World {
  readonly regions: RegionIndex;
  readonly subdistricts: SubdistrictFeature['properties'][];
  readonly communities: Community[];
  readonly categories: Map<string, Category>;
  readonly departments: Map<string, Department>;
  readonly calendar: Calendar;
  private cameraCache: { key: string; list: Camera[] } | null = null;
  private readonly weightCache = new WeakMap<object, Map<string, number[]>>();

  constructor(private readonly core: HubCore) {
    const subdistricts = subdistrictCollectionSchema.parse(readResource('district/subdistricts.geojson'));
    const communities = communityCollectionSchema.parse(readResource('district/communities.geojson'));
    this.regions = createRegionIndex({ subdistricts, communities });
    this.subdistricts = subdistricts.features.map((f) => f.properties);
    const byCode = new Map(this.subdistricts.map((s) => [s.code, s]));
    this.communities = communities.features.map((f) => ({
      code: f.properties.code, name: f.properties.name, subdistrict: byCode.get(f.properties.subdistrictCode)!, feature: f, bbox: bboxOf(f),
    }));
    const catalog = parseCatalog(readResource('catalog/categories.json'));
    // Only classes the hub can actually dispatch: their owner must be a known department.
    this.categories = new Map(catalog.categories.filter((c) => core.rules.isDepartment(c.owner)).map((c) => [c.code, c]));
    this.departments = new Map(DepartmentsFile.parse(readResource('district/departments.json')).items
      .filter((d) => core.rules.isDepartment(d.code)).map((d) => [d.code, d]));
    const { holidays, workdays } = holidaysFromData(readResource('calendar/holidays.json'));
    this.calendar = createCalendar({ holidays, workdays });
  }

  units(): Unit[] {
    return (prepared(this.core.db, 'SELECT state FROM units ORDER BY id').all() as { state: string }[]).map((r) => JSON.parse(r.state) as Unit);
  }

  unit(id: string): Unit | null {
    const row = prepared(this.core.db, 'SELECT state FROM units WHERE id = ?').get(id) as { state: string } | undefined;
    return row ? (JSON.parse(row.state) as Unit) : null;
  }

  /** The cameras, reparsed only when one changed (the sum of versions moves with every change). */
  cameras(): Camera[] {
    const sig = prepared(this.core.db, 'SELECT COUNT(*) AS n, TOTAL(version) AS v FROM cameras').get() as { n: number; v: number };
    const key = `${sig.n}:${sig.v}`;
    if (this.cameraCache?.key !== key) {
      const list = (prepared(this.core.db, 'SELECT state FROM cameras ORDER BY id').all() as { state: string }[]).map((r) => JSON.parse(r.state) as Camera);
      this.cameraCache = { key, list };
    }
    return this.cameraCache.list;
  }

  /** The territorial sub-center (属地兜底) of a subdistrict, when the district has one. */
  subCenterOf(subdistrictCode: string): Department | null {
    for (const d of this.departments.values()) if (d.kind === 'subcenter' && d.subdistrictCode === subdistrictCode) return d;
    return null;
  }

  /**
   * A community drawn by a weight on its subdistrict's name. Per community, dense towns with
   * many small communities draw more (people report where people live); per subdistrict, the
   * weight is the town's whole share (water stands on low ground however many communities).
   */
  pickCommunity(rng: Rng, weights: Readonly<Record<string, number>>, fallback = 1, perSubdistrict = false): Community {
    const w = this.communityWeights(weights, fallback, perSubdistrict);
    return rng.weighted(this.communities, (_c, i) => w[i]!);
  }

  /** The weights are the same for every report: worked out once per table (a month draws tens of thousands). */
  private communityWeights(weights: Readonly<Record<string, number>>, fallback: number, perSubdistrict: boolean): number[] {
    let byTable = this.weightCache.get(weights);
    if (!byTable) this.weightCache.set(weights, (byTable = new Map()));
    const key = `${fallback}:${perSubdistrict}`;
    let w = byTable.get(key);
    if (!w) {
      const size = new Map<string, number>();
      if (perSubdistrict) for (const c of this.communities) size.set(c.subdistrict.code, (size.get(c.subdistrict.code) ?? 0) + 1);
      w = this.communities.map((c) => nameWeight(weights, c.subdistrict.name, fallback) / (perSubdistrict ? size.get(c.subdistrict.code)! : 1));
      byTable.set(key, w);
    }
    return w;
  }

  /** A uniform point inside the community (rejection sampling in its box), or null. */
  pointIn(rng: Rng, c: Community): LngLat | null {
    const [x0, y0, x1, y1] = c.bbox;
    for (let i = 0; i < 40; i++) {
      const p: LngLat = [round6(rng.between(x0, x1)), round6(rng.between(y0, y1))];
      if (geometryContains(c.feature.geometry, p) && this.inside(p)) return p;
    }
    return null;
  }

  /** Whether the hub will accept this point (it lies in the district). */
  inside(p: LngLat): boolean {
    try {
      this.regions.locate(p);
      return true;
    } catch {
      return false;
    }
  }
}

export const round6 = (v: number) => Math.round(v * 1e6) / 1e6;

function bboxOf(f: CommunityFeature): [number, number, number, number] {
  const polys = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
  const b: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const ring of polys.flat()) for (const [x, y] of ring) {
    b[0] = Math.min(b[0], x); b[1] = Math.min(b[1], y); b[2] = Math.max(b[2], x); b[3] = Math.max(b[3], y);
  }
  return b;
}
