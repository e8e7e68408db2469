/**
 * The unit's heading mark, drawn in code (no sprite: the style stays offline). A small
 * triangle just outside the unit's dot, pointing north; the layer rotates it by the heading
 * (`icon-rotate`, clockwise like a compass) and colours it by status, which is why it is an
 * SDF image: alpha holds a signed distance field as maplibre's SDF shader expects (edge at
 * 0.75, like TinySDF with cutoff 0.25).
 */
export const HEADING_ICON_ID = 'unit-heading';
export const HEADING_ICON_PIXEL_RATIO = 2;

const SIZE = 64; // physical px: 32 css px at pixel ratio 2
const RADIUS = 6; // px of distance the field spans outside the edge
const CUTOFF = 0.25;

/** Triangle tip up, its base just clear of a 6-css-px dot at the image centre. */
const TRIANGLE: Array<[number, number]> = [
  [32, 2],
  [43, 18],
  [21, 18],
];

export interface SdfImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Signed distance from (x, y) to a convex polygon (positive outside), exact inside and near edges. */
export function convexSignedDistance(poly: Array<[number, number]>, x: number, y: number): number {
  let d = -Infinity;
  for (let i = 0; i < poly.length; i++) {
    const [x0, y0] = poly[i]!;
    const [x1, y1] = poly[(i + 1) % poly.length]!;
    const len = Math.hypot(x1 - x0, y1 - y0);
    // Outward normal of a clockwise (screen coordinates, y down) ring.
    const nx = (y1 - y0) / len;
    const ny = -(x1 - x0) / len;
    d = Math.max(d, (x - x0) * nx + (y - y0) * ny);
  }
  return d;
}

export function headingIcon(): SdfImage {
  const data = new Uint8Array(SIZE * SIZE * 4);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const d = convexSignedDistance(TRIANGLE, x + 0.5, y + 0.5);
      const a = Math.round(255 * Math.max(0, Math.min(1, 1 - CUTOFF - d / RADIUS)));
      const o = (y * SIZE + x) * 4;
      data[o] = data[o + 1] = data[o + 2] = 255;
      data[o + 3] = a;
    }
  }
  return { width: SIZE, height: SIZE, data };
}
