/**
 * Which unit fixes the map draws, and how: the decision the view makes for each fix it takes,
 * pure so it is tested without a browser. Every unit feature sent to the map reloads its tiles
 * in maplibre's worker and repaints the whole map; in software GL (SwiftShader on GPU-less walls
 * and VMs) one repaint of a 1080p map costs 100–600 ms of CPU (measured with bench/map.ts and
 * Chrome tracing: the GPU process's queue submits). So only what can be seen is sent:
 * - glide: in view (or about to be) and moving more than GLIDE_MIN_PX_PER_FRAME per animation
 *   frame at the rate the map can afford — interpolated, one update per frame;
 * - place: a step of at least VISIBLE_STEP_PX in view — placed with the next batch of fixes;
 * - later: a visible but small change (1–2 px, or a turn of the heading mark) — placed with the
 *   next slow batch (seconds apart), so at district zoom, where a unit at street speed moves a
 *   fraction of a pixel per second, units are updated every few seconds rather than every frame;
 * - hold: less than a pixel, or outside the view — nothing sent; the fix stays the unit's latest
 *   and is judged again with its next fix or after the view moves.
 */
import type { LngLat } from '../../../shared/protocol/entities';

/** A fix that moves its unit less than this on screen, and turns it less than this, waits (it adds up). */
export const MIN_MOVE_PX = 1;
export const MIN_TURN_DEG = 10;
/** Interpolate only when a frame's share of the move is visible. */
export const GLIDE_MIN_PX_PER_FRAME = 0.5;
/** A step this long is drawn with the next batch; shorter ones wait for a slow batch. */
export const VISIBLE_STEP_PX = 2;

export type FixDecision = 'glide' | 'place' | 'later' | 'hold';

export interface FixJudgement {
  /** On-screen distance from where the unit is drawn to the fix (px). */
  px: number;
  /** Heading change from the drawn pose (degrees, 0–180). */
  turnDeg: number;
  /** The unit is drawn in view, or the fix is (with a margin). */
  inView: boolean;
  /** The unit is gliding now: a new fix retargets it (however small), else it would stop short. */
  moving: boolean;
  /** How long the glide to this fix would last (ms; about the gap between fixes). */
  glideMs: number;
  /** The animation frame interval the map can afford now (ms). */
  frameMs: number;
  /** Gliding allowed now: frames fast enough and fewer than the cap already gliding. */
  canGlide: boolean;
}

export function judgeFix(j: FixJudgement): FixDecision {
  if (!j.inView) return j.moving ? 'place' : 'hold'; // a glide leaving the view ends at its fix
  if (j.moving) return j.canGlide ? 'glide' : 'place';
  if (j.px < MIN_MOVE_PX && j.turnDeg < MIN_TURN_DEG) return 'hold';
  const perFrame = (j.px * j.frameMs) / Math.max(j.glideMs, j.frameMs);
  if (j.canGlide && perFrame >= GLIDE_MIN_PX_PER_FRAME) return 'glide';
  return j.px >= VISIBLE_STEP_PX ? 'place' : 'later';
}

/** Pixels per degree of longitude and of latitude at a zoom (web mercator, 512 px tiles). */
export function pxPerDegree(zoom: number, lat: number): { lng: number; lat: number } {
  const lng = (512 * 2 ** zoom) / 360;
  return { lng, lat: lng / Math.max(0.2, Math.cos((lat * Math.PI) / 180)) };
}

/** On-screen distance between two points at a zoom, near latitude `lat`. */
export function screenDistancePx(a: LngLat, b: LngLat, scale: { lng: number; lat: number }): number {
  return Math.hypot((b[0] - a[0]) * scale.lng, (b[1] - a[1]) * scale.lat);
}

/**
 * The animation frame interval to use: the variant's own, or slower when the map's frames take
 * longer (software GL under load): half the time is left to everything else. `frameGap` is the
 * moving average of the gap between the loop's consecutive frames (0: not measured yet).
 */
export function affordableFrameMs(baseMs: number, frameGap: number, maxMs = 1000): number {
  return Math.min(maxMs, Math.max(baseMs, frameGap * 2));
}
