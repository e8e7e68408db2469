/**
 * Synthetic field assets of the default district: video cameras (视频点位) and response units.
 * Placement goes through the same region index the hub uses, so every camera lies in the
 * community it names and every unit's home in its subdistrict.
 */
import type { CommunityFeature, LngLat, RegionIndex, RegionLocation, SubdistrictFeature } from '../../shared/domain/regions';
import { bboxOf, pointInside, rngFor, toMultiPolygon, type BBox, type Rng } from './geometry';
import { subcenterCode } from './departments';
import { compareCodes } from './sources';

export interface Camera {
  id: string;
  name: string;
  point: LngLat;
  subdistrictCode: string;
  communityCode: string;
  kind: 'road' | 'community' | 'river' | 'ai';
  stream: null;
}

export interface Unit {
  id: string;
  name: string;
  kind: 'patrol' | 'vehicle' | 'officer';
  departmentCode: string;
  subdistrictCode: string;
  home: LngLat;
}

const CAMERA_COUNT = 300;

/** Share of each kind and the word its cameras are named by. */
const CAMERA_KINDS: Array<[Camera['kind'], number, string]> = [
  ['road', 0.5, '路口'],
  ['community', 0.3, '小区'],
  ['river', 0.1, '河道'],
  ['ai', 0.1, 'AI识别'],
];

/** A point of the region that `locate` assigns to it (not merely inside its rounded polygon). */
function pointLocatedIn(bbox: BBox, index: RegionIndex, accept: (at: RegionLocation) => boolean, rng: Rng): LngLat {
  return pointInside(bbox, (p) => {
    const at = index.tryLocate(p);
    return at !== null && accept(at);
  }, rng);
}

/** "北街居委会" → "北街", "友谊村委会" → "友谊村": the place name a camera is known by. */
const placeName = (community: string) => community.replace(/村委会$/, '村').replace(/居委会$/, '');

/**
 * Cameras go to communities drawn uniformly, so dense subdistricts (many small communities)
 * get more cameras per km², as real networks do; ids then follow community code order.
 */
export function placeCameras(communities: CommunityFeature[], index: RegionIndex): Camera[] {
  const rng = rngFor('cameras');
  const draws = Array.from({ length: CAMERA_COUNT }, (_, draw) => {
    const community = communities[Math.floor(rng() * communities.length)]!;
    let r = rng();
    const [kind, , word] = CAMERA_KINDS.find(([, share]) => (r -= share) < 0) ?? CAMERA_KINDS[0]!;
    return { draw, community, kind, word };
  });
  draws.sort((a, b) => compareCodes(a.community.properties.code, b.community.properties.code) || a.draw - b.draw);
  const perName = new Map<string, number>();
  return draws.map(({ community: { properties: c, geometry }, kind, word }, i) => {
    const stem = `${placeName(c.name)}${word}`;
    perName.set(stem, (perName.get(stem) ?? 0) + 1);
    const point = pointLocatedIn(bboxOf(toMultiPolygon(geometry)), index, (at) => at.communityCode === c.code, rng);
    return {
      id: `cam-${String(i + 1).padStart(4, '0')}`,
      name: `${stem}${perName.get(stem)}号`,
      point,
      subdistrictCode: c.subdistrictCode,
      communityCode: c.code,
      kind,
      stream: null,
    };
  });
}

/** 1–99 in Chinese numerals, as squads are numbered (一中队 … 十四中队). */
function numeral(n: number): string {
  const digit = (d: number) => '〇一二三四五六七八九'[d]!;
  if (n < 10) return digit(n);
  const [tens, ones] = [Math.floor(n / 10), n % 10];
  return `${tens > 1 ? digit(tens) : ''}十${ones ? digit(ones) : ''}`;
}

/** "江川路街道" → "江川路", "七宝镇" → "七宝": how police stations and squads are named. */
const shortName = (subdistrict: string) => subdistrict.replace(/(镇|街道)$/, '');

/** Units every subdistrict has, named after it or numbered by it. */
const PER_SUBDISTRICT: Array<[departmentCode: string | null, Unit['kind'], name: (short: string, n: number) => string]> = [
  ['enforcement', 'patrol', (_s, n) => `城管执法${numeral(n)}中队巡逻车`],
  ['enforcement', 'officer', (_s, n) => `城管执法${numeral(n)}中队执勤队员`],
  ['police', 'patrol', (s) => `${s}派出所巡逻车`],
  [null, 'officer', (s) => `${s}网格巡查员`], // the subdistrict's own sub-center
];

/** District-wide units: how many, and their name before the number. */
const DISTRICT_WIDE: Array<[departmentCode: string, Unit['kind'], count: number, stem: string, suffix: string]> = [
  ['market', 'officer', 6, '市场监管执法', '组'],
  ['housing', 'officer', 4, '房管巡查', '组'],
  ['greening', 'vehicle', 8, '环卫作业车', '号'],
  ['water', 'vehicle', 6, '防汛排水抢险车', '号'],
  ['transport', 'patrol', 4, '交通执法巡查车', '号'],
  ['environment', 'vehicle', 4, '环境监测车', '号'],
  ['emergency', 'vehicle', 4, '应急救援车', '号'],
  ['fire', 'vehicle', 8, '消防救援车', '号'],
  ['power', 'vehicle', 6, '电力抢修车', '号'],
  ['gas', 'vehicle', 4, '燃气抢修车', '号'],
  ['construction', 'patrol', 4, '建管巡查车', '号'],
  ['health', 'vehicle', 4, '120急救车', '号'],
  ['civil', 'officer', 2, '民政救助', '组'],
];

/** Units are based round the district: district-wide ones take the subdistricts in turn. */
export function placeUnits(subdistricts: SubdistrictFeature[], index: RegionIndex): Unit[] {
  const rng = rngFor('units');
  const plans: Array<Omit<Unit, 'id' | 'home'>> = [];
  for (const [departmentCode, kind, name] of PER_SUBDISTRICT) {
    subdistricts.forEach(({ properties: p }, i) => {
      const department = departmentCode ?? subcenterCode(p.code);
      plans.push({ name: name(shortName(p.name), i + 1), kind, departmentCode: department, subdistrictCode: p.code });
    });
  }
  let turn = 0;
  for (const [departmentCode, kind, count, stem, suffix] of DISTRICT_WIDE) {
    for (let n = 1; n <= count; n++) {
      const base = subdistricts[turn++ % subdistricts.length]!.properties.code;
      plans.push({ name: `${stem}${n}${suffix}`, kind, departmentCode, subdistrictCode: base });
    }
  }
  const bboxes = new Map(subdistricts.map((s) => [s.properties.code, bboxOf(toMultiPolygon(s.geometry))]));
  return plans.map((plan, i) => ({
    id: `unit-${String(i + 1).padStart(3, '0')}`,
    ...plan,
    home: pointLocatedIn(bboxes.get(plan.subdistrictCode)!, index, (at) => at.subdistrictCode === plan.subdistrictCode, rng),
  }));
}
