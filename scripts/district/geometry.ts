/**
 * Geometry for synthesizing region shapes: a seeded PRNG, Voronoi tiles clipped to a parent
 * region, point sampling, and the 6-decimal rounding every written coordinate goes through.
 */
import { Delaunay } from 'd3-delaunay';
import * as clippingModule from 'polygon-clipping';
import type { MultiPolygon, Pair, Ring } from 'polygon-clipping';
import type { RegionGeometry } from '../../shared/domain/regions';

// The package is CommonJS typed as ES named exports; Node hands it over as `default`, Vite as both.
const clipping = (clippingModule as unknown as { default?: typeof clippingModule }).default ?? clippingModule;

export type Rng = () => number;
export type BBox = [number, number, number, number];

/** mulberry32: tiny, fast, and the same sequence on every machine. */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One stream per purpose (FNV-1a of a label), so adding cameras never reshapes communities. */
export function rngFor(label: string): Rng {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193);
  return mulberry32(h);
}

/** Six decimals is ~0.1 m: finer than any source here, and short in the files. */
export const round6 = (v: number): number => Math.round(v * 1e6) / 1e6 || 0;

/** Signed area in degrees² (counter-clockwise positive), taken relative to the first vertex so
 * that products of ~121 × ~31 do not swamp the digits that matter. */
export function ringArea(ring: Ring): number {
  const [ox, oy] = ring[0] ?? [0, 0];
  let twice = 0;
  for (let i = 1; i < ring.length; i++) {
    twice += (ring[i - 1]![0] - ox) * (ring[i]![1] - oy) - (ring[i]![0] - ox) * (ring[i - 1]![1] - oy);
  }
  return twice / 2;
}

function roundRing(ring: Ring): Ring {
  const out: Ring = [];
  for (const [x, y] of ring) {
    const p: Pair = [round6(x), round6(y)];
    const last = out[out.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p);
  }
  return out;
}

/** Rounds every vertex and drops rings that rounding collapsed (and polygons whose outer ring went). */
export function roundMultiPolygon(mp: MultiPolygon): MultiPolygon {
  const valid = (r: Ring) => r.length >= 4 && ringArea(r) !== 0;
  return mp.flatMap(([outer, ...holes]) => {
    const shell = roundRing(outer!);
    return valid(shell) ? [[shell, ...holes.map(roundRing).filter(valid)]] : [];
  });
}

export function bboxOf(mp: MultiPolygon): BBox {
  const b: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of mp.flat(2)) {
    b[0] = Math.min(b[0], x);
    b[1] = Math.min(b[1], y);
    b[2] = Math.max(b[2], x);
    b[3] = Math.max(b[3], y);
  }
  return b;
}

export function toGeometry(mp: MultiPolygon): RegionGeometry {
  if (mp.length === 0) throw new Error('empty region');
  return mp.length === 1 ? { type: 'Polygon', coordinates: mp[0]! } : { type: 'MultiPolygon', coordinates: mp };
}

export function toMultiPolygon(g: RegionGeometry): MultiPolygon {
  return g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
}

/**
 * Cleans a source outline (repeated points, orientation, self-crossings) into a MultiPolygon.
 * Holes are dropped: at 1/1024° the Minhang ring crosses itself once, leaving a ~1 ha loop
 * that is an artefact of the encoding, not an enclave.
 */
export function outlineOf(ring: Ring): MultiPolygon {
  return roundMultiPolygon(clipping.union([ring]).map(([outer]) => [outer!]));
}

/** Metres per degree differ by cos(lat) east–west; Voronoi and spacing work in this local frame. */
function lngScale(bbox: BBox): number {
  return Math.cos((((bbox[1] + bbox[3]) / 2) * Math.PI) / 180);
}

/** The Voronoi cell of each seed, clipped to `within` and rounded: tiles that cover it without overlap. */
export function voronoiTiles(seeds: Pair[], within: MultiPolygon): MultiPolygon[] {
  const bbox = bboxOf(within);
  const k = lngScale(bbox);
  const margin = 0.01;
  const voronoi = Delaunay.from(seeds.map(([x, y]): Pair => [x * k, y])).voronoi([
    bbox[0] * k - margin,
    bbox[1] - margin,
    bbox[2] * k + margin,
    bbox[3] + margin,
  ]);
  return seeds.map((seed, i) => {
    const cell = voronoi.cellPolygon(i);
    if (!cell) throw new Error(`seed ${seed.join(',')} has no Voronoi cell (duplicate seed?)`);
    const tile = roundMultiPolygon(clipping.intersection([cell.map(([x, y]): Pair => [x / k, y])], within));
    if (tile.length === 0) throw new Error(`seed ${seed.join(',')} lies outside its parent region`);
    return tile;
  });
}

/** A uniform random point inside a shape, by rejection in its bounding box. */
export function pointInside(bbox: BBox, contains: (p: Pair) => boolean, rng: Rng): Pair {
  for (let tries = 0; tries < 100_000; tries++) {
    const p: Pair = [round6(bbox[0] + rng() * (bbox[2] - bbox[0])), round6(bbox[1] + rng() * (bbox[3] - bbox[1]))];
    if (contains(p)) return p;
  }
  throw new Error(`no point found inside ${bbox.join(',')}`);
}

/**
 * Mitchell's best candidate: each new point is the candidate farthest from those already
 * placed, which spreads seeds evenly so no Voronoi tile comes out a sliver.
 */
export function spreadPoints(n: number, bbox: BBox, contains: (p: Pair) => boolean, rng: Rng, candidates = 16): Pair[] {
  const k = lngScale(bbox);
  const placed: Pair[] = [];
  while (placed.length < n) {
    let best: Pair | undefined;
    let bestD = -1;
    for (let c = 0; c < candidates; c++) {
      const p = pointInside(bbox, contains, rng);
      let d = Infinity;
      for (const q of placed) d = Math.min(d, ((p[0] - q[0]) * k) ** 2 + (p[1] - q[1]) ** 2);
      if (d > bestD) [best, bestD] = [p, d];
    }
    placed.push(best!);
  }
  return placed;
}
