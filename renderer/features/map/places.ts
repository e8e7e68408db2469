/**
 * Place search on the map: a subdistrict or community by name (zh or en) or by region code, so
 * an officer who hears "古美 平南居委" on the phone can fly there. Several words must all match
 * (name, its subdistrict's name, or code), which tells apart same-named communities.
 */
import type { LngLat } from '../../../shared/protocol/entities';
import { bboxOf, labelPoint, type MapDistrict } from './district-data';

export interface Place {
  kind: 'subdistrict' | 'community';
  code: string;
  name: string;
  nameEn: string;
  /** The subdistrict's name for a community (to tell same-named ones apart), else ''. */
  parentName: string;
  center: LngLat;
  bbox: [number, number, number, number];
}

export function buildPlaces(d: MapDistrict): Place[] {
  const places: Place[] = d.subdistricts.map((f) => ({
    kind: 'subdistrict',
    code: f.properties.code,
    name: f.properties.name,
    nameEn: f.properties.nameEn,
    parentName: '',
    center: labelPoint(f),
    bbox: bboxOf([f.geometry])!,
  }));
  for (const f of d.communities) {
    const parent = d.subdistrictNames.get(f.properties.subdistrictCode);
    places.push({
      kind: 'community',
      code: f.properties.code,
      name: f.properties.name,
      nameEn: '',
      parentName: parent ? `${parent.name} ${parent.nameEn}` : '',
      center: labelPoint(f),
      bbox: bboxOf([f.geometry])!,
    });
  }
  return places;
}

const norm = (s: string) => s.toLowerCase().replace(/\s+/g, ' ').trim();

/** 0 exact, 1 prefix, 2 contained, null no match: for one search word against one place. */
function termRank(p: Place, term: string): number | null {
  if (/^\d+$/.test(term)) {
    if (p.code === term) return 0;
    return p.code.startsWith(term) ? 1 : p.code.includes(term) ? 2 : null;
  }
  const names = [norm(p.name), norm(p.nameEn)].filter(Boolean);
  if (names.includes(term)) return 0;
  if (names.some((n) => n.startsWith(term))) return 1;
  if (names.some((n) => n.includes(term))) return 2;
  // The subdistrict's name only narrows (e.g. "古美 平南"); alone it matches the subdistrict itself.
  return norm(p.parentName).includes(term) ? 3 : null;
}

export function findPlaces(places: readonly Place[], query: string, limit = 10): Place[] {
  const terms = norm(query).split(' ').filter(Boolean);
  if (!terms.length) return [];
  const hits: Array<{ p: Place; rank: number }> = [];
  for (const p of places) {
    let rank = 0;
    let own = false;
    for (const term of terms) {
      const r = termRank(p, term);
      if (r === null) {
        rank = -1;
        break;
      }
      if (r < 3) own = true;
      rank += r;
    }
    if (rank >= 0 && own) hits.push({ p, rank });
  }
  hits.sort((a, b) => a.rank - b.rank || (a.p.kind === b.p.kind ? 0 : a.p.kind === 'subdistrict' ? -1 : 1) || a.p.code.localeCompare(b.p.code));
  return hits.slice(0, limit).map((h) => h.p);
}
