/**
 * Smooth unit movement. Positions arrive as latest-value updates every few seconds (ARCHITECTURE §4);
 * drawing them as jumps makes a moving patrol look broken on the wall. Each new fix starts a
 * tween from where the unit is drawn now to the fix, lasting about as long as the gap between
 * fixes, so the unit arrives roughly when the next one comes. Pure: the view samples it once
 * per animation frame.
 */
import type { LngLat, Position } from '../../../shared/protocol/entities';
import { haversineKm } from './geo';

export interface Pose {
  point: LngLat;
  heading: number;
}

interface Tween {
  from: Pose;
  to: Pose;
  start: number;
  duration: number;
  /** The fix this tween is heading to, to ignore an unchanged re-send. */
  at: number;
}

export interface MotionOptions {
  /** Shortest and longest tween (ms); an out-of-range gap is clamped, not trusted. */
  minMs?: number;
  maxMs?: number;
  /** A jump longer than this (km) is a re-location (GPS fix after a tunnel): no glide across the map. */
  teleportKm?: number;
}

export const lerp = (a: number, b: number, t: number) => a + (b - a) * t;

/** Heading the short way round: 350° → 10° passes through 0°, not 180°. */
export function lerpHeading(a: number, b: number, t: number): number {
  const delta = ((((b - a) % 360) + 540) % 360) - 180;
  return (((a + delta * t) % 360) + 360) % 360;
}

/** Ease-in-out would stop the unit at every fix; linear keeps a steady pace across fixes. */
export function samplePose(from: Pose, to: Pose, t: number): Pose {
  const k = Math.max(0, Math.min(1, t));
  if (k === 1) return { point: [to.point[0], to.point[1]], heading: to.heading }; // exactly the fix, no rounding
  return { point: [lerp(from.point[0], to.point[0], k), lerp(from.point[1], to.point[1], k)], heading: lerpHeading(from.heading, to.heading, k) };
}

/** Degrees between two headings, the short way (0–180). */
export function headingDelta(a: number, b: number): number {
  const d = Math.abs((((b - a) % 360) + 360) % 360);
  return d > 180 ? 360 - d : d;
}

export class MotionTracker {
  private readonly tweens = new Map<string, Tween>();
  /** Tweens not yet sampled at their end: the only ones `step` looks at (10,000 units, few moving). */
  private readonly active = new Set<string>();
  private readonly drawn = new Map<string, Pose>();
  private readonly minMs: number;
  private readonly maxMs: number;
  private readonly teleportKm: number;

  constructor(opts: MotionOptions = {}) {
    this.minMs = opts.minMs ?? 300;
    this.maxMs = opts.maxMs ?? 5000;
    this.teleportKm = opts.teleportKm ?? 3;
  }

  /**
   * Records new fixes; returns the ids whose tween (re)started. Unchanged fixes are ignored.
   * `glide: false` places them at once (the caller judged the move too small to see, or too many
   * units move at once, or a replay interpolates by itself).
   */
  push(positions: Iterable<Position>, now: number, glide = true): string[] {
    const started: string[] = [];
    for (const p of positions) {
      const tween = this.tweens.get(p.id);
      // A re-send of the same fix, or one older than the fix we are heading to: latest value wins.
      if (tween && (p.at < tween.at || (p.at === tween.at && tween.to.point[0] === p.point[0] && tween.to.point[1] === p.point[1]))) continue;
      const to: Pose = { point: [p.point[0], p.point[1]], heading: p.heading };
      const from = this.drawn.get(p.id);
      if (!from || !glide || haversineKm(from.point, to.point) > this.teleportKm) {
        // Not marked drawn: the next `step` reports it, so the view places the unit there.
        this.tweens.set(p.id, { from: to, to, start: now, duration: 0, at: p.at });
      } else {
        this.tweens.set(p.id, { from, to, start: now, duration: this.glideMs(p), at: p.at });
      }
      this.active.add(p.id);
      started.push(p.id);
    }
    return started;
  }

  /** How long a glide to this fix would last: the gap since the unit's previous fix, clamped like `push`. */
  glideMs(p: Position): number {
    const tween = this.tweens.get(p.id);
    const gap = tween ? p.at - tween.at : this.minMs;
    return Math.max(this.minMs, Math.min(this.maxMs, Number.isFinite(gap) ? gap : this.minMs));
  }

  /** Accept older fixes again (a replay seeking back, or back to live): the clock of the fixes was reset. */
  forgetTimes(): void {
    for (const tw of this.tweens.values()) tw.at = -Infinity;
  }

  /** Forgets units no longer on the map. */
  retain(ids: Set<string>): void {
    for (const id of [...this.tweens.keys()]) if (!ids.has(id)) this.tweens.delete(id);
    for (const id of [...this.active]) if (!ids.has(id)) this.active.delete(id);
    for (const id of [...this.drawn.keys()]) if (!ids.has(id)) this.drawn.delete(id);
  }

  /** Advances every running tween to `now`; returns the poses that changed since the last call. */
  step(now: number): Map<string, Pose> {
    const changed = new Map<string, Pose>();
    for (const id of this.active) {
      const tw = this.tweens.get(id)!;
      const t = tw.duration === 0 ? 1 : (now - tw.start) / tw.duration;
      const pose = samplePose(tw.from, tw.to, t);
      const prev = this.drawn.get(id);
      if (!prev || !samePose(prev, pose)) {
        changed.set(id, pose);
        this.drawn.set(id, pose);
      }
      // Finished tweens stay (their `at` dedups re-sends) but are no longer looked at.
      if (t >= 1) this.active.delete(id);
    }
    return changed;
  }

  /** Whether any tween is still moving: the animation loop may sleep otherwise. */
  moving(now: number): boolean {
    for (const id of this.active) {
      const tw = this.tweens.get(id)!;
      if (tw.duration > 0 && now - tw.start < tw.duration) return true;
    }
    return false;
  }

  /** Whether this unit is gliding now (a new fix then retargets it, however small the move). */
  isMoving(id: string, now: number): boolean {
    const tw = this.active.has(id) ? this.tweens.get(id) : undefined;
    return !!tw && tw.duration > 0 && now - tw.start < tw.duration;
  }

  /** Units gliding or about to be placed: bounds the work of the next frames. */
  get activeCount(): number {
    return this.active.size;
  }

  pose(id: string): Pose | undefined {
    return this.drawn.get(id);
  }
}

function samePose(a: Pose, b: Pose): boolean {
  return a.point[0] === b.point[0] && a.point[1] === b.point[1] && a.heading === b.heading;
}
