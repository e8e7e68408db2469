/** Names for the keys of the statistics (departments, regions, categories), from resources/. */
import { z } from 'zod';
import { parseCatalog } from '../../shared/domain/catalog';
import { readResource } from '../resources';

export interface Names {
  /** Subdistrict codes of the district, in code order. */
  subdistricts: readonly string[];
  /** Community code → its subdistrict code. */
  communityOf: ReadonlyMap<string, string>;
  name(dim: string, key: string): string | null;
  /** Big class of a small class, with its name. */
  bigClassOf(category: string): { code: string; name: string } | null;
}

const Named = z.object({ features: z.array(z.object({ properties: z.object({ code: z.string(), name: z.string(), subdistrictCode: z.string().optional() }) })) });
const Departments = z.object({ items: z.array(z.object({ code: z.string(), name: z.string() })) });

let cached: Names | null = null;

export function loadNames(): Names {
  if (cached) return cached;
  const subs = Named.parse(readResource('district/subdistricts.geojson')).features.map((f) => f.properties);
  const comms = Named.parse(readResource('district/communities.geojson')).features.map((f) => f.properties);
  const depts = Departments.parse(readResource('district/departments.json')).items;
  const catalog = parseCatalog(readResource('catalog/categories.json'));
  const maps: Record<string, Map<string, string>> = {
    subdistrict: new Map(subs.map((s) => [s.code, s.name])),
    community: new Map(comms.map((c) => [c.code, c.name])),
    department: new Map(depts.map((d) => [d.code, d.name])),
    category: new Map(catalog.categories.map((c) => [c.code, c.name])),
    bigClass: new Map(catalog.bigClasses.map((b) => [b.code, b.name])),
    source: new Map([['hotline', '12345热线'], ['patrol', '巡查'], ['video', '视频智能'], ['police', '110联动'], ['enforcement', '城管执法'], ['cap', '预警信息'], ['officer', '值班员'], ['simulator', '模拟']]),
  };
  cached = {
    subdistricts: subs.map((s) => s.code).sort(),
    communityOf: new Map(comms.map((c) => [c.code, c.subdistrictCode ?? c.code.slice(0, 9)])),
    name: (dim, key) => (dim === 'hour' ? `${key.padStart(2, '0')}:00` : maps[dim]?.get(key) ?? null),
    bigClassOf(category) {
      const code = category.slice(0, 2);
      const name = maps.bigClass!.get(code);
      return name ? { code, name } : null;
    },
  };
  return cached;
}
