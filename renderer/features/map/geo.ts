/** Small geodesy for the measure tool and motion; the district spans ~30 km, so a sphere is plenty. */
import type { LngLat } from '../../../shared/protocol/entities';

const EARTH_RADIUS_KM = 6371.0088;
const rad = (d: number) => (d * Math.PI) / 180;

/** Great-circle distance in km. */
export function haversineKm(a: LngLat, b: LngLat): number {
  const dLat = rad(b[1] - a[1]);
  const dLng = rad(b[0] - a[0]);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a[1])) * Math.cos(rad(b[1])) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** "0.85" below 10 km, "12.3" above: two significant decimals only where they mean metres. */
export function formatKm(km: number): string {
  return km < 10 ? km.toFixed(2) : km.toFixed(1);
}

export function midpoint(a: LngLat, b: LngLat): LngLat {
  return [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
}

/** Whether screen point p lies in the box spanned by two corners (any order). */
export function inScreenBox(p: { x: number; y: number }, a: { x: number; y: number }, b: { x: number; y: number }): boolean {
  return p.x >= Math.min(a.x, b.x) && p.x <= Math.max(a.x, b.x) && p.y >= Math.min(a.y, b.y) && p.y <= Math.max(a.y, b.y);
}
