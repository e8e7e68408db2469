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

/**
 * Points as columns, in report order: what the hub reads for a period (a quarter is ~10^5
 * reports), without an object per report. `category[i]` numbers point i's small class: an index
 * into `categories` (distinct names). Arrays may be longer than `length`.
 */
export interface RepeatColumns {
  length: number;
  lng: ArrayLike<number>;
  lat: ArrayLike<number>;
  at: ArrayLike<number>;
  category: ArrayLike<number>;
  categories: readonly string[];
}

type Column = Float64Array | Int32Array;

/** Builds RepeatColumns one point at a time (typed arrays that grow by doubling). */
export class RepeatColumnsBuilder {
  private n = 0;
  private lng = new Float64Array(1024);
  private lat = new Float64Array(1024);
  private at = new Float64Array(1024);
  private category = new Int32Array(1024);
  /** The caller's number for each point (the hub: the fact's rowid). */
  private ref = new Float64Array(1024);
  private readonly categories: string[] = [];
  private readonly numbers = new Map<string, number>();

  /** Adds a point; answers its index (the order the points were added in). */
  add(category: string, lng: number, lat: number, at: number, ref = 0): number {
    const i = this.n++;
    if (i === this.lng.length) {
      this.lng = grown(this.lng);
      this.lat = grown(this.lat);
      this.at = grown(this.at);
      this.category = grown(this.category);
      this.ref = grown(this.ref);
    }
    let c = this.numbers.get(category);
    if (c === undefined) {
      this.numbers.set(category, (c = this.categories.length));
      this.categories.push(category);
    }
    this.lng[i] = lng;
    this.lat[i] = lat;
    this.at[i] = at;
    this.category[i] = c;
    this.ref[i] = ref;
    return i;
  }

  /** The columns in the order added, or in `order` (`order[k]`: the index of the k-th point). */
  columns(order?: readonly number[]): RepeatColumns & { ref: Float64Array } {
    const { lng, lat, at, category, ref, categories } = this;
    if (!order || order.every((k, i) => k === i)) return { length: order?.length ?? this.n, lng, lat, at, category, ref, categories };
    const pick = <T extends Column>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(order.length);
      for (let k = 0; k < order.length; k++) b[k] = a[order[k]!]!;
      return b;
    };
    return { length: order.length, lng: pick(lng), lat: pick(lat), at: pick(at), category: pick(category), ref: pick(ref), categories };
  }
}

function grown<T extends Column>(a: T): T {
  const b = new (a.constructor as new (n: number) => T)(a.length * 2);
  b.set(a);
  return b;
}

/** `points` in report order (the caller sorts, so the result does not depend on storage order). */
export function clusterRepeats(points: readonly RepeatPoint[], opts: { radiusM: number; minCount: number; sameCategory: boolean }): RepeatCluster[] {
  const b = new RepeatColumnsBuilder();
  for (const p of points) b.add(p.category, p.lng, p.lat, p.at);
  return clusterRepeatColumns(b.columns(), opts);
}

/**
 * The same over columns. Same projection, cells, distance test and tie order as the first
 * version (a Map of cells per class, point objects); test/unit/stats-repeats.test.ts checks the
 * groups against the plain definition, every point against every seed. `limit`: only the first
 * so many groups.
 */
export function clusterRepeatColumns(cols: RepeatColumns, opts: { radiusM: number; minCount: number; sameCategory: boolean; limit?: number }): RepeatCluster[] {
  const n = cols.length;
  if (n === 0) return [];
  const { lng, lat, at, category } = cols;
  // A district is small: one equirectangular projection around the first point is exact to
  // well under a metre per 100 m. Cells of `radius` metres, numbered from the first point's.
  const kx = M_PER_DEG_LNG_EQUATOR * Math.cos((lat[0]! * Math.PI) / 180);
  const r = opts.radiusM;
  const r2 = r * r;
  const x0 = Math.floor((lng[0]! * kx) / r);
  const y0 = Math.floor((lat[0]! * M_PER_DEG_LAT) / r);
  // A cell's key: 15 bits per axis, a 30-bit integer. One key per cell while the district spans
  // less than ±16,000 cells; beyond that, far cells share a key, which only adds seeds the
  // distance test below rejects (they are ≥ 32,768 cells away).
  const cellKey = (cx: number, cy: number) => (((cx - x0 + 16_384) & 0x7fff) << 15) | ((cy - y0 + 16_384) & 0x7fff);
  // One grid per class (or one for all): (grid, cell key) → cell number; a cell's seeds as a
  // linked list in the order they were made, which is the order ties in distance are decided in.
  const index = new CellIndex(n);
  const cellHead = new Int32Array(n);
  const cellTail = new Int32Array(n);
  const nextInCell = new Int32Array(n);
  let cells = 0;
  // Clusters as flat arrays (most reports stay alone: no object for them).
  const seedX = new Float64Array(n);
  const seedY = new Float64Array(n);
  const count = new Int32Array(n);
  const next = new Int32Array(n).fill(-1); // members as linked lists of point indexes
  const head = new Int32Array(n);
  const tail = new Int32Array(n);
  let clusters = 0;
  for (let i = 0; i < n; i++) {
    const x = lng[i]! * kx;
    const y = lat[i]! * M_PER_DEG_LAT;
    const grid = opts.sameCategory ? category[i]! : 0;
    const cx = Math.floor(x / r);
    const cy = Math.floor(y / r);
    // The nearest seed within the radius; on a tie the first met, cells in this order.
    let best = -1;
    let bestD = Infinity;
    for (let a = -1; a <= 1; a++) {
      for (let b = -1; b <= 1; b++) {
        const cell = index.get(grid, cellKey(cx + a, cy + b));
        if (cell === -1) continue;
        for (let c = cellHead[cell]!; c !== -1; c = nextInCell[c]!) {
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
    nextInCell[c] = -1;
    const key = cellKey(cx, cy);
    const cell = index.get(grid, key);
    if (cell === -1) {
      index.add(grid, key, cells);
      cellHead[cells] = c;
      cellTail[cells] = c;
      cells++;
    } else {
      nextInCell[cellTail[cell]!] = c;
      cellTail[cell] = c;
    }
  }
  // Largest first, then by first report, then by report order (a total order); only the groups
  // answered are built (a quarter has ~10^4 groups, a page 100).
  const kept: number[] = [];
  for (let c = 0; c < clusters; c++) if (count[c]! >= opts.minCount) kept.push(c);
  kept.sort((c, d) => count[d]! - count[c]! || at[head[c]!]! - at[head[d]!]! || head[c]! - head[d]!);
  return kept.slice(0, opts.limit ?? kept.length).map((c) => {
    const members: number[] = [];
    for (let i = head[c]!; i !== -1; i = next[i]!) members.push(i);
    const seed = members[0]!;
    const categories = [...new Set(members.map((i) => cols.categories[category[i]!]!))];
    return { center: [lng[seed]!, lat[seed]!], count: count[c]!, categories, first: at[seed]!, last: members.reduce((m, i) => Math.max(m, at[i]!), at[seed]!), members };
  });
}

/**
 * (grid, cell key) → cell number, by open addressing on typed arrays: nine lookups per report,
 * which with a JS Map were most of the clustering time. Sized for `most` cells (there are never
 * more cells than reports) at most half full, so it never grows and a probe ends soon.
 */
class CellIndex {
  private readonly mask: number;
  private readonly grids: Int32Array;
  private readonly keys: Int32Array;
  private readonly cells: Int32Array;

  constructor(most: number) {
    let size = 16;
    while (size < most * 2) size *= 2;
    this.mask = size - 1;
    this.grids = new Int32Array(size);
    this.keys = new Int32Array(size);
    this.cells = new Int32Array(size).fill(-1);
  }

  private slot(grid: number, key: number): number {
    const h = Math.imul(key ^ Math.imul(grid, 0x27d4eb2f), 0x9e3779b1);
    return (h ^ (h >>> 15)) & this.mask;
  }

  /** The cell's number, or -1. */
  get(grid: number, key: number): number {
    for (let s = this.slot(grid, key); ; s = (s + 1) & this.mask) {
      const c = this.cells[s]!;
      if (c === -1 || (this.keys[s] === key && this.grids[s] === grid)) return c;
    }
  }

  add(grid: number, key: number, cell: number): void {
    let s = this.slot(grid, key);
    while (this.cells[s] !== -1) s = (s + 1) & this.mask;
    this.grids[s] = grid;
    this.keys[s] = key;
    this.cells[s] = cell;
  }
}
