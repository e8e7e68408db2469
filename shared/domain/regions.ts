/**
 * Regions (ARCHITECTURE §3): district (区) → subdistricts (镇/街道, 9-digit codes) → communities
 * (居村委, 12-digit codes) → unit grids (单元网格, 15-digit codes). Every case takes its region
 * codes from its point through `locate`, never by hand, so this is the one place that rule lives.
 * Pure: the hub and the core load the GeoJSON files, validate them with the schemas below and
 * hand the parsed collections to `createRegionIndex`.
 */
import { z } from 'zod';
import { DomainError } from './errors';

/** `[lng, lat]` in degrees, GeoJSON order. */
export type LngLat = [number, number];

const lngLatSchema = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]);
const ringSchema = z.array(lngLatSchema).min(4);

export const regionGeometrySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('Polygon'), coordinates: z.array(ringSchema).min(1) }),
  z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(ringSchema).min(1)).min(1) }),
]);
export type RegionGeometry = z.infer<typeof regionGeometrySchema>;

function featureSchema<P extends z.ZodType>(properties: P) {
  return z.object({ type: z.literal('Feature'), properties, geometry: regionGeometrySchema });
}

/** The files carry their provenance as a foreign member; see resources/district/ATTRIBUTION.md. */
const attribution = z.string().optional();

export const districtBoundarySchema = featureSchema(
  z.object({ code: z.string().regex(/^\d{6}$/), name: z.string().min(1), nameEn: z.string().min(1) }),
).extend({ attribution });

export const subdistrictFeatureSchema = featureSchema(
  z.object({
    code: z.string().regex(/^\d{9}$/),
    name: z.string().min(1),
    nameEn: z.string().min(1),
    seat: lngLatSchema,
  }),
);

export const communityFeatureSchema = featureSchema(
  z
    .object({ code: z.string().regex(/^\d{12}$/), name: z.string().min(1), subdistrictCode: z.string().regex(/^\d{9}$/) })
    .refine((p) => p.code.startsWith(p.subdistrictCode), { message: "a community's code extends its subdistrict's" }),
);

export const subdistrictCollectionSchema = z.object({
  type: z.literal('FeatureCollection'),
  attribution,
  features: z.array(subdistrictFeatureSchema).min(1),
});

export const communityCollectionSchema = z.object({
  type: z.literal('FeatureCollection'),
  attribution,
  features: z.array(communityFeatureSchema).min(1),
});

export type DistrictBoundary = z.infer<typeof districtBoundarySchema>;
export type SubdistrictFeature = z.infer<typeof subdistrictFeatureSchema>;
export type CommunityFeature = z.infer<typeof communityFeatureSchema>;
export type RegionFeature = SubdistrictFeature | CommunityFeature;
export type SubdistrictCollection = z.infer<typeof subdistrictCollectionSchema>;
export type CommunityCollection = z.infer<typeof communityCollectionSchema>;

export interface RegionLocation {
  subdistrictCode: string;
  communityCode: string;
}

export interface RegionIndex {
  /** The subdistrict and community holding the point; `outside_district` when none does. */
  locate(point: readonly [number, number]): RegionLocation;
  /** As `locate`, but null outside the district: for streams of fixes where strays are routine
   * and an exception each would cost more than the lookup. Still throws on a malformed point. */
  tryLocate(point: readonly [number, number]): RegionLocation | null;
  subdistrict(code: string): SubdistrictFeature;
  community(code: string): CommunityFeature;
  /** The 15-digit unit-grid code: the community's 12 digits and a 3-digit sequence (001–999). */
  gridCode(communityCode: string, seq: number): string;
  /** `[minLng, minLat, maxLng, maxLat]` of the subdistricts together. */
  readonly bbox: readonly [number, number, number, number];
}

type BBox = [number, number, number, number];

/** A region's rings flattened to `[x0, y0, x1, y1, …]` (closing point included) for fast scans. */
interface Shape {
  bbox: BBox;
  rings: Float64Array[];
}

function toShape(geometry: RegionGeometry): Shape {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  const bbox: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  const rings: Float64Array[] = [];
  for (const ring of polygons.flat()) {
    const flat = new Float64Array(ring.length * 2);
    ring.forEach(([x, y], i) => {
      flat[2 * i] = x;
      flat[2 * i + 1] = y;
      bbox[0] = Math.min(bbox[0], x);
      bbox[1] = Math.min(bbox[1], y);
      bbox[2] = Math.max(bbox[2], x);
      bbox[3] = Math.max(bbox[3], y);
    });
    rings.push(flat);
  }
  return { bbox, rings };
}

/**
 * Even-odd ray casting over every ring, so holes and the parts of a MultiPolygon need no
 * special case. Each edge is evaluated from its lower end whichever way the ring runs it, so
 * two neighbours sharing an edge compute bit-identical crossings: a point on the edge belongs
 * to exactly one of them (the one east of it, or north of it where the edge is level).
 */
function shapeContains(shape: Shape, x: number, y: number): boolean {
  const [minX, minY, maxX, maxY] = shape.bbox;
  if (x < minX || x > maxX || y < minY || y > maxY) return false;
  let inside = false;
  for (const r of shape.rings) {
    for (let i = 2; i < r.length; i += 2) if (x < crossingAt(r, i, y)) inside = !inside;
  }
  return inside;
}

/** Where the ring's edge ending at flat index `i` crosses latitude y (half-open), or NaN. */
function crossingAt(r: Float64Array, i: number, y: number): number {
  const xa = r[i - 2]!, ya = r[i - 1]!, xb = r[i]!, yb = r[i + 1]!;
  if (ya > y === yb > y) return NaN;
  return ya < yb ? xa + ((y - ya) * (xb - xa)) / (yb - ya) : xb + ((y - yb) * (xa - xb)) / (ya - yb);
}

/** Point-in-polygon for one geometry, by the same rule `locate` uses. */
export function geometryContains(geometry: RegionGeometry, point: readonly [number, number]): boolean {
  return shapeContains(toShape(geometry), point[0], point[1]);
}

/**
 * A point inside the geometry, for a label or a pin: the centroid of its largest part when that
 * lies inside (most shapes), else the middle of the widest inside span along the centroid's
 * latitude, since a clipped, non-convex region can have its centroid outside itself.
 */
export function interiorPoint(geometry: RegionGeometry): LngLat {
  const parts = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  let best: { area: number; x: number; y: number; rings: LngLat[][] } | undefined;
  for (const rings of parts) {
    const outer = rings[0]!;
    const [ox, oy] = outer[0]!; // relative to a vertex: products of ~121 × ~31 would lose digits
    let [twice, cx, cy] = [0, 0, 0];
    for (let i = 1; i < outer.length; i++) {
      const [x0, y0, x1, y1] = [outer[i - 1]![0] - ox, outer[i - 1]![1] - oy, outer[i]![0] - ox, outer[i]![1] - oy];
      const cross = x0 * y1 - x1 * y0;
      [twice, cx, cy] = [twice + cross, cx + (x0 + x1) * cross, cy + (y0 + y1) * cross];
    }
    const area = Math.abs(twice);
    if (area > 0 && (!best || area > best.area)) best = { area, x: ox + cx / (3 * twice), y: oy + cy / (3 * twice), rings };
  }
  if (!best) return parts[0]![0]![0]!; // no area at all: any vertex will do
  const { x, y, rings } = best;
  const shape = toShape({ type: 'Polygon', coordinates: rings });
  if (shapeContains(shape, x, y)) return [x, y];
  const crossings = shape.rings
    .flatMap((r) => Array.from({ length: r.length / 2 - 1 }, (_, k) => crossingAt(r, 2 * k + 2, y)))
    .filter((cx) => !Number.isNaN(cx))
    .sort((a, b) => a - b);
  let [from, to] = [x, x];
  for (let i = 1; i < crossings.length; i += 2) {
    if (crossings[i]! - crossings[i - 1]! > to - from) [from, to] = [crossings[i - 1]!, crossings[i]!];
  }
  return [(from + to) / 2, y];
}

/** Squared distance (in degrees², good enough to rank neighbours) from a point to a shape's edges. */
function shapeDistance2(shape: Shape, x: number, y: number): number {
  let best = Infinity;
  for (const r of shape.rings) {
    for (let i = 2; i < r.length; i += 2) {
      const x0 = r[i - 2]!, y0 = r[i - 1]!, dx = r[i]! - x0, dy = r[i + 1]! - y0;
      const len2 = dx * dx + dy * dy;
      const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((x - x0) * dx + (y - y0) * dy) / len2));
      best = Math.min(best, (x0 + t * dx - x) ** 2 + (y0 + t * dy - y) ** 2);
    }
  }
  return best;
}

/**
 * Uniform grid over the shapes' bounding boxes, stored as compressed rows: a lookup tests only
 * the one or two shapes whose box overlaps its cell instead of all 596.
 */
class ShapeGrid {
  private readonly cellStart: Int32Array;
  private readonly cellItems: Int32Array;
  private readonly cellW: number;
  private readonly cellH: number;

  constructor(
    readonly shapes: Shape[],
    readonly bbox: BBox,
    private readonly cols: number,
    private readonly rows: number,
  ) {
    this.cellW = (bbox[2] - bbox[0]) / cols || 1;
    this.cellH = (bbox[3] - bbox[1]) / rows || 1;
    const counts = new Int32Array(cols * rows + 1);
    this.forEachCell((cell) => counts[cell + 1]!++);
    for (let c = 1; c < counts.length; c++) counts[c]! += counts[c - 1]!;
    this.cellStart = counts;
    this.cellItems = new Int32Array(counts[cols * rows]!);
    const fill = counts.slice(0, cols * rows);
    this.forEachCell((cell, item) => (this.cellItems[fill[cell]!++] = item));
  }

  private forEachCell(visit: (cell: number, item: number) => void): void {
    this.shapes.forEach((shape, item) => {
      const [c0, r0] = this.cellOf(shape.bbox[0], shape.bbox[1]);
      const [c1, r1] = this.cellOf(shape.bbox[2], shape.bbox[3]);
      for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) visit(r * this.cols + c, item);
    });
  }

  private cellOf(x: number, y: number): [number, number] {
    const c = Math.floor((x - this.bbox[0]) / this.cellW);
    const r = Math.floor((y - this.bbox[1]) / this.cellH);
    return [Math.min(this.cols - 1, Math.max(0, c)), Math.min(this.rows - 1, Math.max(0, r))];
  }

  /** The first shape (in input order, so the answer is stable) containing the point, or -1. */
  find(x: number, y: number, accept: (item: number) => boolean = () => true): number {
    if (x < this.bbox[0] || x > this.bbox[2] || y < this.bbox[1] || y > this.bbox[3]) return -1;
    const [c, r] = this.cellOf(x, y);
    const cell = r * this.cols + c;
    for (let k = this.cellStart[cell]!; k < this.cellStart[cell + 1]!; k++) {
      const item = this.cellItems[k]!;
      if (accept(item) && shapeContains(this.shapes[item]!, x, y)) return item;
    }
    return -1;
  }
}

function unionBBox(shapes: Shape[]): BBox {
  const b: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  for (const s of shapes) {
    b[0] = Math.min(b[0], s.bbox[0]);
    b[1] = Math.min(b[1], s.bbox[1]);
    b[2] = Math.max(b[2], s.bbox[2]);
    b[3] = Math.max(b[3], s.bbox[3]);
  }
  return b;
}

function byCode<F extends RegionFeature>(features: readonly F[]): Map<string, F> {
  const map = new Map<string, F>();
  for (const f of features) {
    if (map.has(f.properties.code)) throw new DomainError('invalid_input', `region ${f.properties.code} appears twice`);
    map.set(f.properties.code, f);
  }
  return map;
}

/** Cells along the longer side: for Minhang a cell overlaps 2–3 communities' boxes (at most 6). */
const GRID_CELLS = 96;

export function createRegionIndex(input: {
  subdistricts: { features: readonly SubdistrictFeature[] };
  communities: { features: readonly CommunityFeature[] };
}): RegionIndex {
  const subdistricts = input.subdistricts.features;
  const communities = input.communities.features;
  const subdistrictByCode = byCode(subdistricts);
  const communityByCode = byCode(communities);
  const slot = new Map(subdistricts.map((s, i) => [s.properties.code, i]));
  const ownerOf = communities.map((c) => {
    const owner = slot.get(c.properties.subdistrictCode);
    if (owner === undefined || !c.properties.code.startsWith(c.properties.subdistrictCode)) {
      throw new DomainError('invalid_input', `community ${c.properties.code} names no known subdistrict`);
    }
    return owner;
  });

  const subdistrictShapes = subdistricts.map((f) => toShape(f.geometry));
  const communityShapes = communities.map((f) => toShape(f.geometry));
  const bbox = unionBBox(subdistrictShapes);
  const aspect = (bbox[3] - bbox[1]) / (bbox[2] - bbox[0] || 1);
  const cols = aspect > 1 ? Math.ceil(GRID_CELLS / aspect) : GRID_CELLS;
  const rows = aspect > 1 ? GRID_CELLS : Math.ceil(GRID_CELLS * aspect);
  const subdistrictGrid = new ShapeGrid(subdistrictShapes, bbox, cols, rows);
  const communityGrid = new ShapeGrid(communityShapes, unionBBox(communityShapes), cols, rows);
  const membersOf = subdistricts.map((_, s) => communities.flatMap((_c, i) => (ownerOf[i] === s ? [i] : [])));

  /**
   * Coordinates are rounded to 6 decimals in the files, so where two subdistricts meet their
   * communities may leave slivers a few centimetres wide. The subdistrict is authoritative;
   * a point in such a sliver goes to the nearest community of that subdistrict.
   */
  function nearestMember(s: number, x: number, y: number): number {
    let best = -1;
    let bestD = Infinity;
    for (const i of membersOf[s]!) {
      const d = shapeDistance2(communityShapes[i]!, x, y);
      if (d < bestD) [best, bestD] = [i, d];
    }
    return best;
  }

  function tryLocate(point: readonly [number, number]): RegionLocation | null {
    const [x, y] = Array.isArray(point) && point.length === 2 ? point : [NaN, NaN];
    if (!Number.isFinite(x) || !Number.isFinite(y) || Math.abs(x) > 180 || Math.abs(y) > 90) {
      throw new DomainError('invalid_input', `not a [lng, lat] position: ${JSON.stringify(point)}`);
    }
    const s = subdistrictGrid.find(x, y);
    if (s < 0) return null;
    let c = communityGrid.find(x, y, (i) => ownerOf[i] === s);
    if (c < 0) c = nearestMember(s, x, y);
    if (c < 0) return null;
    return { subdistrictCode: subdistricts[s]!.properties.code, communityCode: communities[c]!.properties.code };
  }

  function community(code: string): CommunityFeature {
    const f = communityByCode.get(code);
    if (!f) throw new DomainError('unknown_region', `no community ${code}`);
    return f;
  }

  return {
    bbox,
    locate(point) {
      const found = tryLocate(point);
      if (!found) throw new DomainError('outside_district', `[${point[0]}, ${point[1]}] lies outside the district`);
      return found;
    },
    tryLocate,
    subdistrict(code) {
      const f = subdistrictByCode.get(code);
      if (!f) throw new DomainError('unknown_region', `no subdistrict ${code}`);
      return f;
    },
    community,
    gridCode(communityCode, seq) {
      if (!Number.isInteger(seq) || seq < 1 || seq > 999) {
        throw new DomainError('invalid_input', `a unit grid's sequence is 1–999, got ${seq}`);
      }
      return community(communityCode).properties.code + String(seq).padStart(3, '0');
    },
  };
}
