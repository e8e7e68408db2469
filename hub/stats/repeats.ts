/**
 * Repeated demands from the same place (重复诉求): cases reported within `radiusM` metres of one
 * another, grouped. Leader clustering in report order: a case joins the group whose first case
 * (its seed) is nearest and within the radius, else it starts a group. Unlike chaining every
 * pair within the radius, a group never spreads along a busy street: all its cases are within
 * the radius of one place. By default only cases of the same small class group together — the
 * same problem reported again, not two problems that happen to be neighbours.
 */

/** A group as the API gives it. */
export interface RepeatGroup {
  center: [number, number];
  count: number;
  categories: string[];
  communities: string[];
  first: number;
  last: number;
  caseIds: string[];
}
export interface RepeatPoint { category: string; lng: number; lat: number; at: number }

/** A group of points; `members` are indexes into the points given, in report order. */
export interface RepeatCluster {
  /** The seed: the first report of the group. */
  center: [number, number];
  count: number;
  categories: string[];
  first: number;
  last: number;
  members: number[];
}

const M_PER_DEG_LAT = 110_574;
const M_PER_DEG_LNG_EQUATOR = 111_320;

/** `points` in report order (the caller sorts, so the result does not depend on storage order). */
export function clusterRepeats(points: readonly RepeatPoint[], opts: { radiusM: number; minCount: number; sameCategory: boolean }): RepeatCluster[] {
  const n = points.length;
  if (n === 0) return [];
  // A district is small: one equirectangular projection around the first point is exact to
  // well under a metre per 100 m. Cells of `radius` metres, numbered from the first point's
  // (small integers while the district spans less than ±16,000 cells), one grid per class.
  const kx = M_PER_DEG_LNG_EQUATOR * Math.cos((points[0]!.lat * Math.PI) / 180);
  const r = opts.radiusM;
  const r2 = r * r;
  const x0 = Math.floor((points[0]!.lng * kx) / r);
  const y0 = Math.floor((points[0]!.lat * M_PER_DEG_LAT) / r);
  const cellKey = (cx: number, cy: number) => (cx - x0 + 16_384) * 32_768 + (cy - y0 + 16_384);
  const grids = new Map<string, Map<number, number[]>>();
  // Clusters as flat arrays (most reports stay alone: no object for them).
  const seedX = new Float64Array(n);
  const seedY = new Float64Array(n);
  const count = new Int32Array(n);
  const next = new Int32Array(n).fill(-1); // members as linked lists of point indexes
  const head = new Int32Array(n);
  const tail = new Int32Array(n);
  let clusters = 0;
  for (let i = 0; i < n; i++) {
    const p = points[i]!;
    const x = p.lng * kx;
    const y = p.lat * M_PER_DEG_LAT;
    const part = opts.sameCategory ? p.category : '';
    let grid = grids.get(part);
    if (!grid) grids.set(part, (grid = new Map()));
    const cx = Math.floor(x / r);
    const cy = Math.floor(y / r);
    let best = -1;
    let bestD = Infinity;
    for (let a = -1; a <= 1; a++) {
      for (let b = -1; b <= 1; b++) {
        const cell = grid.get(cellKey(cx + a, cy + b));
        if (!cell) continue;
        for (const c of cell) {
          const dx = seedX[c]! - x;
          const dy = seedY[c]! - y;
          const d = dx * dx + dy * dy;
          if (d <= r2 && d < bestD) {
            best = c;
            bestD = d;
          }
        }
      }
    }
    if (best >= 0) {
      count[best]!++;
      next[tail[best]!] = i;
      tail[best] = i;
      continue;
    }
    const c = clusters++;
    seedX[c] = x;
    seedY[c] = y;
    count[c] = 1;
    head[c] = i;
    tail[c] = i;
    const key = cellKey(cx, cy);
    const cell = grid.get(key);
    if (cell) cell.push(c);
    else grid.set(key, [c]);
  }
  const out: RepeatCluster[] = [];
  for (let c = 0; c < clusters; c++) {
    if (count[c]! < opts.minCount) continue;
    const members: number[] = [];
    for (let i = head[c]!; i !== -1; i = next[i]!) members.push(i);
    const seed = points[members[0]!]!;
    const categories = [...new Set(members.map((i) => points[i]!.category))];
    out.push({ center: [seed.lng, seed.lat], count: count[c]!, categories, first: seed.at, last: members.reduce((m, i) => Math.max(m, points[i]!.at), seed.at), members });
  }
  return out.sort((a, b) => b.count - a.count || a.first - b.first || a.members[0]! - b.members[0]!);
}
