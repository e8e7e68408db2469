/**
 * The units' movement on the district map: position fixes queued as they come, taken in batches,
 * judged at the current zoom and view (motion-policy.ts) and handed to the tween tracker
 * (motion.ts), which the view's one animation loop samples. DistrictMapView owns the map and the
 * loop; this owns which fixes are drawn when.
 *
 * Software GL (SwiftShader on GPU-less walls and VMs) pays for every repaint in CPU: measured in
 * bench/map.ts with Chrome tracing, one repaint of the 1080p console map took 100–600 ms in the GPU
 * process, and every batch of unit features reloads the units tiles in maplibre's worker and
 * repaints the map once per tile as they come back. So fixes are batched (at most one batch a
 * second there), changes too small to see wait for a slow batch seconds apart, only units in view
 * and moving visibly per frame glide, and the animation slows down when frames take long.
 */
import type { Map as MaplibreMap } from 'maplibre-gl';
import type { LngLat, Position } from '../../../shared/protocol/entities';
import { headingDelta, MotionTracker, type Pose } from './motion';
import { affordableFrameMs, judgeFix, pxPerDegree, screenDistancePx } from './motion-policy';

/** Beyond this many units gliding at once, the rest jump (a typhoon's every unit on the move). */
const MAX_GLIDING = 1_000;
const LOW_POWER_MAX_GLIDING = 200;
/**
 * In software GL fixes are taken in at most once a second (they come at about 1 Hz): one batch,
 * one tile reload, rather than one per message. With a GPU, every frame.
 */
const LOW_POWER_FIX_EVERY_MS = 1_000;
/**
 * Small changes (1–2 px, a turn of the heading mark: motion-policy.ts `later`) wait for a slow
 * batch this far apart: at district zoom every unit's move is such.
 */
const SMALL_STEP_EVERY_MS = 3_000;
const LOW_POWER_SMALL_STEP_EVERY_MS = 6_000;
/** Frames slower than this (moving average): the machine cannot afford glides; units are placed. */
const SLOW_FRAME_MS = 120;
/** Unit glide updates: 30 per second look smooth and halve the worker's load against 60; ~10 in software GL. */
const MOTION_FRAME_MS = 33;
const LOW_POWER_MOTION_FRAME_MS = 100;

export interface UnitMotionHost {
  /** The current map (a lost WebGL context may rebuild it). */
  map(): MaplibreMap;
  /** Glides are for a map on screen and live: false before the first idle, without a style, in a replay. */
  canAnimate(): boolean;
  /** Asks for an animation frame. */
  kick(): void;
}

export class UnitMotion {
  private readonly motion = new MotionTracker();
  private readonly lastFix = new Map<string, Position>();
  private readonly pending = new Map<string, Position>();
  /** Fixes judged too small to draw at once (`later`): placed together with the next slow batch. */
  private readonly deferred = new Map<string, Position>();
  private readonly maxGliding: number;
  private readonly fixEveryMs: number;
  private readonly smallEveryMs: number;
  private readonly motionFrameMs: number;
  private fixesTakenAt = -Infinity;
  private smallTakenAt = -Infinity;
  private lastMotion = 0;
  private fixTimer: ReturnType<typeof setTimeout> | null = null;
  private deferTimer: ReturnType<typeof setTimeout> | null = null;
  /** Moving average of the gap between the loop's consecutive frames, and the last frame's time. */
  private frameGap = 0;
  private lastFrameAt = -Infinity;

  constructor(
    private readonly host: UnitMotionHost,
    lowPower: boolean,
  ) {
    this.maxGliding = lowPower ? LOW_POWER_MAX_GLIDING : MAX_GLIDING;
    this.fixEveryMs = lowPower ? LOW_POWER_FIX_EVERY_MS : 0;
    this.smallEveryMs = lowPower ? LOW_POWER_SMALL_STEP_EVERY_MS : SMALL_STEP_EVERY_MS;
    this.motionFrameMs = lowPower ? LOW_POWER_MOTION_FRAME_MS : MOTION_FRAME_MS;
  }

  destroy(): void {
    if (this.fixTimer) clearTimeout(this.fixTimer);
    if (this.deferTimer) clearTimeout(this.deferTimer);
  }

  /** Latest fixes by unit id; only changed ones are queued. True when something was queued. */
  setPositions(positions: Readonly<Record<string, Position>>): boolean {
    for (const p of Object.values(positions)) {
      if (this.lastFix.get(p.id) === p) continue;
      this.lastFix.set(p.id, p);
      this.pending.set(p.id, p);
    }
    return this.pending.size > 0;
  }

  /** The units on the map now: the others are forgotten; fixes that came before their unit are queued. True when some were. */
  setUnits(ids: ReadonlySet<string>): boolean {
    this.motion.retain(ids as Set<string>);
    for (const id of [...this.deferred.keys()]) if (!ids.has(id)) this.deferred.delete(id);
    for (const id of ids) {
      const fix = this.lastFix.get(id);
      if (fix && !this.motion.pose(id)) this.pending.set(id, fix);
    }
    return this.pending.size > 0;
  }

  /** A replay moved the clock; `back`: fixes older than those drawn follow. */
  clockChanged(back: boolean): void {
    if (back) this.motion.forgetTimes();
    this.deferred.clear(); // live fixes not drawn yet must not land on the replay (or back)
  }

  /** After a pan or zoom, fixes held as too small to see (or out of view) may be visible now. True when some were queued. */
  viewChanged(): boolean {
    let queued = false;
    for (const [id, fix] of this.lastFix) {
      const drawn = this.motion.pose(id);
      if (drawn && (drawn.point[0] !== fix.point[0] || drawn.point[1] !== fix.point[1] || drawn.heading !== fix.heading) && !this.motion.isMoving(id, performance.now())) {
        this.pending.set(id, fix);
        queued = true;
      }
    }
    return queued;
  }

  pose(id: string): Pose | undefined {
    return this.motion.pose(id);
  }

  /** The animation interval the map affords now: `base`, slower when frames take long. */
  frameMs(base: number): number {
    return affordableFrameMs(base, this.frameGap);
  }

  /**
   * One animation frame: takes the fixes due and advances the glides; returns the poses that
   * changed (empty between motion frames). `force`: every frame is a motion frame (before the
   * first idle).
   */
  frame(now: number, force: boolean): Map<string, Pose> {
    // Consecutive frames of the loop tell what a frame costs here.
    if (now - this.lastFrameAt < 1000) this.frameGap = this.frameGap * 0.8 + (now - this.lastFrameAt) * 0.2;
    else if (now - this.lastFrameAt > 30_000) this.frameGap = 0; // long rest: give glides another try
    this.lastFrameAt = now;
    if (this.pending.size) this.maybeTakeFixes(now);
    else if (this.deferred.size && now - this.smallTakenAt >= this.smallEveryMs) this.takeDeferred(now);
    const due = force || now - this.lastMotion >= this.frameMs(this.motionFrameMs);
    this.skipped = !due;
    if (!due) return new Map();
    this.lastMotion = now;
    return this.motion.step(now);
  }

  private skipped = false;

  /**
   * Whether the loop owes another frame: a glide running, a skipped frame that may hold a tween's
   * last step, or fixes queued without a timer to take them.
   */
  wantsFrame(now: number): boolean {
    return (this.skipped && this.motion.activeCount > 0) || this.motion.moving(now) || (this.pending.size > 0 && !this.fixTimer);
  }

  /** Takes the queued fixes now, or (software GL) once the interval since the last take has passed. */
  private maybeTakeFixes(now: number): void {
    const wait = this.fixesTakenAt + this.fixEveryMs - now;
    if (wait <= 0 || !this.host.canAnimate()) {
      this.fixesTakenAt = now;
      this.takeFixes(now);
      return;
    }
    this.fixTimer ??= setTimeout(() => {
      this.fixTimer = null;
      this.host.kick();
    }, wait);
  }

  /**
   * Hands the queued fixes to the tracker, each judged at the current zoom and view
   * (motion-policy.ts): glide, place now, place with the next slow batch, or hold (it stays the
   * unit's latest fix and is judged again with the next one or after the view moves).
   */
  private takeFixes(now: number): void {
    // Before the first idle and in a replay, fixes are placed without gliding (nothing to watch yet; the replay interpolates).
    if (!this.host.canAnimate()) {
      this.motion.push([...this.deferred.values(), ...this.pending.values()], now, false);
      this.pending.clear();
      this.deferred.clear();
      return;
    }
    const map = this.host.map();
    const scale = pxPerDegree(map.getZoom(), map.getCenter().lat);
    const b = map.getBounds();
    const padLng = (b.getEast() - b.getWest()) * 0.1;
    const padLat = (b.getNorth() - b.getSouth()) * 0.1;
    const inView = (p: LngLat) => p[0] >= b.getWest() - padLng && p[0] <= b.getEast() + padLng && p[1] >= b.getSouth() - padLat && p[1] <= b.getNorth() + padLat;
    const glide: Position[] = [];
    const place: Position[] = [];
    let gliding = this.motion.activeCount;
    const slow = this.frameGap > SLOW_FRAME_MS;
    const frameMs = this.frameMs(this.motionFrameMs);
    for (const p of this.pending.values()) {
      this.deferred.delete(p.id);
      const drawn = this.motion.pose(p.id);
      if (!drawn) {
        place.push(p);
        continue;
      }
      const moving = this.motion.isMoving(p.id, now);
      const decision = judgeFix({
        px: screenDistancePx(drawn.point, p.point, scale),
        turnDeg: headingDelta(drawn.heading, p.heading),
        inView: inView(drawn.point) || inView(p.point),
        moving,
        glideMs: this.motion.glideMs(p),
        frameMs,
        canGlide: !slow && (moving || gliding < this.maxGliding),
      });
      if (decision === 'glide') {
        if (!moving) gliding++;
        glide.push(p);
      } else if (decision === 'place') place.push(p);
      else if (decision === 'later') this.deferred.set(p.id, p);
    }
    this.pending.clear();
    // The slow batch rides along with this one (one tile reload for both) once it is due.
    if (this.deferred.size && now - this.smallTakenAt >= this.smallEveryMs) {
      place.push(...this.deferred.values());
      this.deferred.clear();
      this.smallTakenAt = now;
    }
    this.motion.push(glide, now);
    this.motion.push(place, now, false);
    this.scheduleDeferred(now);
  }

  /** The slow batch, when no fixes came to carry it. */
  private takeDeferred(now: number): void {
    this.motion.push(this.deferred.values(), now, false);
    this.deferred.clear();
    this.smallTakenAt = now;
  }

  /** Wakes the loop when the deferred fixes are due (fixes may stop coming). */
  private scheduleDeferred(now: number): void {
    if (!this.deferred.size || this.deferTimer) return;
    this.deferTimer = setTimeout(
      () => {
        this.deferTimer = null;
        this.host.kick();
      },
      Math.max(0, this.smallTakenAt + this.smallEveryMs - now) + 50,
    );
  }
}
