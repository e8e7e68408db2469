/**
 * Synthesized region shapes (ARCHITECTURE §6): the official subdistrict and community boundaries are
 * not published offline, so subdistricts are the Voronoi tiles of their seats clipped to the
 * district, and communities the Voronoi tiles of well-spread seeds clipped to their subdistrict.
 */
import type { MultiPolygon, Pair } from 'polygon-clipping';
import { geometryContains, type CommunityFeature, type SubdistrictFeature } from '../../shared/domain/regions';
import { bboxOf, rngFor, spreadPoints, toGeometry, toMultiPolygon, voronoiTiles } from './geometry';
import { SUBDISTRICT_SEATS } from './seats';
import type { CommunityDivision, Division } from './sources';

export function synthesizeSubdistricts(district: MultiPolygon, divisions: Division[]): SubdistrictFeature[] {
  const seats = divisions.map(({ code }) => {
    const known = SUBDISTRICT_SEATS[code];
    if (!known) throw new Error(`no seat for subdistrict ${code}: add it to seats.ts`);
    return known;
  });
  const tiles = voronoiTiles(
    seats.map((s) => s.seat),
    district,
  );
  return divisions.map(({ code, name }, i) => ({
    type: 'Feature',
    properties: { code, name, nameEn: seats[i]!.nameEn, seat: seats[i]!.seat },
    geometry: toGeometry(tiles[i]!),
  }));
}

const distance2 = (a: Pair, b: Pair) => (a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2;

/**
 * Residents' committees (居委会, codes below 200) take the seeds nearest the seat and village
 * committees (村委会, 2xx) the outer ones, as towns grow outward from their old centre.
 */
export function synthesizeCommunities(subdistricts: SubdistrictFeature[], divisions: CommunityDivision[]): CommunityFeature[] {
  return subdistricts.flatMap((sub) => {
    const { code, seat } = sub.properties;
    const members = divisions.filter((d) => d.subdistrictCode === code);
    const area = toMultiPolygon(sub.geometry);
    const seeds = spreadPoints(members.length, bboxOf(area), (p) => geometryContains(sub.geometry, p), rngFor(`communities:${code}`));
    seeds.sort((a, b) => distance2(a, seat) - distance2(b, seat));
    const tiles = voronoiTiles(seeds, area);
    return members.map((m, i): CommunityFeature => ({
      type: 'Feature',
      properties: { code: m.code, name: m.name, subdistrictCode: code },
      geometry: toGeometry(tiles[i]!),
    }));
  });
}
