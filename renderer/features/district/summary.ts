/**
 * The names a window needs from the district's static data: departments, regions and the
 * category catalog. Pure, so it is tested without a bridge; the shapes (GeoJSON) stay outside
 * the store (see geo.ts), because only the map draws them.
 */
import { parseCatalog, type BigClass } from '../../../shared/domain/catalog';
import { parsePlans, type LevelInfo, type Plan } from '../../../shared/domain/operations';

export interface Department {
  code: string;
  name: string;
  nameEn: string;
  kind: string;
}

export interface RegionName {
  code: string;
  name: string;
  nameEn: string;
}

export interface DistrictSummary {
  departments: Department[];
  subdistricts: RegionName[];
  communities: RegionName[];
  /** The catalog's classes as validated data (the Catalog object's functions are rebuilt on demand). */
  bigClasses: BigClass[];
  catalogVersion: string;
  /** Response plans and the levels' names (the operation board); empty when the shell sends none or they are invalid. */
  plans: Plan[];
  levels: LevelInfo[];
}

const str = (v: unknown, fallback = '') => (typeof v === 'string' ? v : fallback);

function items(json: unknown): Record<string, unknown>[] {
  const list = json && typeof json === 'object' && Array.isArray((json as { items?: unknown }).items) ? (json as { items: unknown[] }).items : [];
  return list.filter((x): x is Record<string, unknown> => !!x && typeof x === 'object');
}

function featureNames(collection: unknown): RegionName[] {
  const features = collection && typeof collection === 'object' && Array.isArray((collection as { features?: unknown }).features)
    ? (collection as { features: Array<{ properties?: Record<string, unknown> }> }).features
    : [];
  return features.map((f) => {
    const p = f.properties ?? {};
    // Communities carry no English name: the Chinese one is the name in both languages.
    return { code: str(p.code), name: str(p.name), nameEn: str(p.nameEn, str(p.name)) };
  }).filter((r) => r.code);
}

/** @throws DomainError when the catalog is invalid (the window then says so instead of guessing). */
export function summarizeDistrict(raw: { departments: unknown; subdistricts: unknown; communities: unknown; catalog: unknown; plans?: unknown }): DistrictSummary {
  const catalog = parseCatalog(raw.catalog);
  let book: { plans: readonly Plan[]; levels: readonly LevelInfo[] } = { plans: [], levels: [] };
  try {
    if (raw.plans) book = parsePlans(raw.plans);
  } catch (e) {
    // The hub refuses activations of a plan it cannot read anyway; the rest of the window works.
    console.error('[district] the response plans are invalid', e);
  }
  return {
    departments: items(raw.departments).map((d) => ({ code: str(d.code), name: str(d.name), nameEn: str(d.nameEn, str(d.name)), kind: str(d.kind) })),
    subdistricts: featureNames(raw.subdistricts),
    communities: featureNames(raw.communities),
    bigClasses: [...catalog.bigClasses],
    catalogVersion: catalog.version,
    plans: [...book.plans],
    levels: [...book.levels],
  };
}
