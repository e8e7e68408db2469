/**
 * Region lookup speed: every case, camera alarm and unit position goes through `locate`, and
 * the simulator's surges and catch-up replays call it in bursts; the floor is 100k lookups/s.
 * Points are drawn uniformly over the district's bounding box, so about 60 % fall outside and
 * pay for the `outside_district` refusal, as stray GPS fixes do. That refusal is a thrown
 * DomainError (~4 µs, mostly its stack trace) and dominates `region.lookup`; the `.inside`
 * figure is the lookup alone, and `region.tryLocate` the same stream without exceptions.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  communityCollectionSchema,
  createRegionIndex,
  subdistrictCollectionSchema,
  type RegionIndex,
} from '../shared/domain/regions';
import { mulberry32 } from '../scripts/district/geometry';

const DISTRICT_DIR = path.resolve(import.meta.dirname, '../resources/district');
const POINTS = 200_000;

function loadIndex(): RegionIndex {
  const read = (name: string): unknown => JSON.parse(readFileSync(path.join(DISTRICT_DIR, name), 'utf8'));
  return createRegionIndex({
    subdistricts: subdistrictCollectionSchema.parse(read('subdistricts.geojson')),
    communities: communityCollectionSchema.parse(read('communities.geojson')),
  });
}

/** Lookups per second over the points; a refusal counts as a lookup, as it answers the caller. */
function lookupsPerSecond(points: Array<[number, number]>, lookup: (p: [number, number]) => unknown): number {
  const start = performance.now();
  for (const p of points) {
    try {
      lookup(p);
    } catch {
      // outside the district: still a lookup answered
    }
  }
  return points.length / ((performance.now() - start) / 1000);
}

export async function benchRegions(): Promise<Array<{ name: string; value: number; unit: string }>> {
  const buildStart = performance.now();
  const index = loadIndex();
  const buildMs = performance.now() - buildStart;

  const rng = mulberry32(20240601);
  const [minX, minY, maxX, maxY] = index.bbox;
  const points = Array.from({ length: POINTS }, (): [number, number] => [minX + rng() * (maxX - minX), minY + rng() * (maxY - minY)]);
  const insidePoints = points.filter((p) => index.tryLocate(p) !== null);
  lookupsPerSecond(points.slice(0, 20_000), (p) => index.locate(p)); // let the JIT settle first

  const figures = {
    'region.lookup': lookupsPerSecond(points, (p) => index.locate(p)),
    'region.lookup.inside': lookupsPerSecond(insidePoints, (p) => index.locate(p)),
    'region.tryLocate': lookupsPerSecond(points, (p) => index.tryLocate(p)),
  };
  return [
    ...Object.entries(figures).map(([name, rate]) => ({ name, value: Math.round(rate), unit: 'lookups/s' })),
    { name: 'region.index.load', value: Math.round(buildMs), unit: 'ms' },
  ];
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  for (const figure of await benchRegions()) console.log(`${figure.name}: ${figure.value} ${figure.unit}`);
}
