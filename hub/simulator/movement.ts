/**
 * Where a unit is at a simulated instant. Motion is analytic (legs with start and end times,
 * loops with a phase), so positions can be sampled at any rate without scheduling anything,
 * and the same actions give the same track whatever the sampling.
 */
import type { LngLat } from '../../shared/protocol';
import type { Rng } from './random';

const M_PER_DEG_LAT = 111_320;
/** Metres per degree of longitude at Minhang's latitude (~31.1°N). */
const M_PER_DEG_LNG = 111_320 * Math.cos((31.1 * Math.PI) / 180);

export function metres(a: LngLat, b: LngLat): number {
  return Math.hypot((b[0] - a[0]) * M_PER_DEG_LNG, (b[1] - a[1]) * M_PER_DEG_LAT);
}

/** Compass heading (0 = north, clockwise) from a to b. */
function heading(a: LngLat, b: LngLat): number {
  const deg = (Math.atan2((b[0] - a[0]) * M_PER_DEG_LNG, (b[1] - a[1]) * M_PER_DEG_LAT) * 180) / Math.PI;
  return Math.round(((deg + 360) % 360) * 10) / 10;
}

export function offset(p: LngLat, eastM: number, northM: number): LngLat {
  return [round6(p[0] + eastM / M_PER_DEG_LNG), round6(p[1] + northM / M_PER_DEG_LAT)];
}

const round6 = (v: number) => Math.round(v * 1e6) / 1e6;

interface Leg { from: LngLat; to: LngLat; start: number; end: number }

export interface Patrol { loop: LngLat[]; perimeter: number; startAt: number; speed: number }

/** Legs to follow, then a patrol loop or standing still at the last point. */
export interface Motion { legs: Leg[]; rest: LngLat; patrol: Patrol | null }

export interface Fix { point: LngLat; heading: number; speed: number }

export const still = (p: LngLat): Motion => ({ legs: [], rest: p, patrol: null });

/**
 * A route as streets run in a grid city: along one axis, then the other (Minhang's main roads
 * run roughly east–west and north–south), after a turnout delay.
 */
export function route(rng: Rng, from: LngLat, to: LngLat, departAt: number, speedMs: number): Motion {
  const corner: LngLat = rng.chance(0.5) ? [to[0], from[1]] : [from[0], to[1]];
  const legs: Leg[] = [];
  let t = departAt;
  for (const [a, b] of [[from, corner], [corner, to]] as const) {
    const d = metres(a, b);
    if (d < 1) continue;
    const dt = (d / speedMs) * 1000;
    legs.push({ from: a, to: b, start: t, end: t + dt });
    t += dt;
  }
  return { legs, rest: to, patrol: null };
}

export function arrivalOf(m: Motion): number | null {
  const last = m.legs[m.legs.length - 1];
  return last ? last.end : null;
}

/** A rectangular beat starting and ending at `home`, the unit's own (seeded) size and side. */
export function beat(rng: Rng, home: LngLat): LngLat[] {
  const ew = rng.between(400, 900) * (rng.chance(0.5) ? 1 : -1);
  const ns = rng.between(300, 700) * (rng.chance(0.5) ? 1 : -1);
  return [home, offset(home, ew, 0), offset(home, ew, ns), offset(home, 0, ns), home];
}

export function patrolFrom(loop: LngLat[], startAt: number, speedMs: number): Patrol {
  let perimeter = 0;
  for (let i = 1; i < loop.length; i++) perimeter += metres(loop[i - 1]!, loop[i]!);
  return { loop, perimeter, startAt, speed: speedMs };
}

export function fixAt(m: Motion, t: number): Fix {
  const first = m.legs[0];
  if (first && t < first.start) return { point: first.from, heading: heading(first.from, first.to), speed: 0 };
  for (const leg of m.legs) {
    if (t < leg.end) {
      const f = (t - leg.start) / (leg.end - leg.start);
      const point: LngLat = [round6(leg.from[0] + f * (leg.to[0] - leg.from[0])), round6(leg.from[1] + f * (leg.to[1] - leg.from[1]))];
      return { point, heading: heading(leg.from, leg.to), speed: round1(metres(leg.from, leg.to) / ((leg.end - leg.start) / 1000)) };
    }
  }
  const p = m.patrol;
  if (!p || p.perimeter < 1 || t < p.startAt) return { point: m.rest, heading: 0, speed: 0 };
  let along = (((t - p.startAt) / 1000) * p.speed) % p.perimeter;
  for (let i = 1; i < p.loop.length; i++) {
    const a = p.loop[i - 1]!, b = p.loop[i]!, d = metres(a, b);
    if (along <= d) {
      const f = d === 0 ? 0 : along / d;
      return { point: [round6(a[0] + f * (b[0] - a[0])), round6(a[1] + f * (b[1] - a[1]))], heading: heading(a, b), speed: p.speed };
    }
    along -= d;
  }
  return { point: p.loop[0]!, heading: 0, speed: p.speed };
}

/** Still moving at t (a leg not yet finished, or on patrol)? */
export function moving(m: Motion, t: number): boolean {
  const end = arrivalOf(m);
  return (end !== null && t < end) || (m.patrol !== null && t >= m.patrol.startAt);
}

const round1 = (v: number) => Math.round(v * 10) / 10;
