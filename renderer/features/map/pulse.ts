/**
 * The breathing ring around the newest urgent cases (features.ts MAX_PULSING), animated by paint
 * properties of the `cases-pulse` layer, in bursts: on a case's arrival, then a short reminder at
 * every clock refresh; between bursts (and when the user asked for less motion) the ring rests,
 * drawn once and not repainted. Every breath is a repaint of the whole map, which in software GL
 * (SwiftShader) costs 100–600 ms of CPU at 1080p (bench/map.ts): bursts are shorter there and
 * breathe no faster than the map's frames allow.
 */
import type { Map as MaplibreMap } from 'maplibre-gl';
import { PULSE_REST } from './layers';
import type { MapVariant } from './ids';

/** Pulse repaint cap: a breathing ring needs no 60 fps, and software GL on walls is slow. */
const PULSE_FRAME_MS = 50;
/** In software GL (SwiftShader on GPU-less walls) every repaint is CPU work: ~5 fps at most. */
const LOW_POWER_PULSE_FRAME_MS = 200;
/** A new case to pulse breathes this long; then the ring rests, with a short reminder at every clock refresh. */
const PULSE_BURST_MS = 8_000;
const PULSE_REMINDER_MS = 2_500;
const LOW_POWER_PULSE_BURST_MS = 4_000;
const LOW_POWER_PULSE_REMINDER_MS = 1_500;
const PULSE_PERIOD_MS = 1600;

export interface PulseHost {
  /** The current map (a lost WebGL context may rebuild it). */
  map(): MaplibreMap;
  styleReady(): boolean;
  kick(): void;
  /** The animation interval the map affords now for this base interval. */
  frameMs(base: number): number;
}

export class CasePulse {
  /** Ids of the cases pulsing (the newest few fresh urgent ones). */
  private ids = new Set<string>();
  /** The latest report time among the cases that pulsed: a newer one is an arrival. */
  private newestAt = -Infinity;
  /** End of the current burst. */
  private until = 0;
  /** The layer shows its steady ring (its style values), not a burst's frame. */
  private resting = true;
  private last = 0;
  private readonly frameMs: number;
  private readonly burstMs: number;
  private readonly reminderMs: number;
  private readonly scale: number;

  constructor(
    private readonly host: PulseHost,
    variant: MapVariant,
    lowPower: boolean,
  ) {
    this.frameMs = lowPower ? LOW_POWER_PULSE_FRAME_MS : PULSE_FRAME_MS;
    this.burstMs = lowPower ? LOW_POWER_PULSE_BURST_MS : PULSE_BURST_MS;
    this.reminderMs = lowPower ? LOW_POWER_PULSE_REMINDER_MS : PULSE_REMINDER_MS;
    this.scale = variant === 'wall' ? 1.6 : variant === 'mini' ? 0.8 : 1;
  }

  /**
   * A case that arrived (reported later than any that pulsed before) starts a burst; the set
   * itself drives the layer's filter. A filter change that only brings older fresh cases into
   * view does not: a burst repaints the whole map for seconds, which in software GL held the
   * queue's next paint back by about a second (bench/console.ts). In a replay, new ids do.
   */
  set(ids: Set<string>, newestReportedAt: number, replay: boolean): void {
    const fresh = replay ? [...ids].some((id) => !this.ids.has(id)) : newestReportedAt > this.newestAt;
    if (!replay && newestReportedAt > this.newestAt) this.newestAt = newestReportedAt;
    this.ids = ids;
    if (fresh) this.burst(this.burstMs);
  }

  /** The clock refresh's short reminder, while any case pulses. */
  remind(): void {
    if (this.ids.size) this.burst(this.reminderMs);
  }

  private burst(ms: number): void {
    this.until = Math.max(this.until, performance.now() + ms);
    this.host.kick();
  }

  /** One animation frame; `on`: the layer is shown and may move. Returns whether the burst goes on. */
  animate(t: number, on: boolean): boolean {
    if (!on || !this.ids.size || performance.now() >= this.until) {
      this.rest();
      return false;
    }
    if (t - this.last < this.host.frameMs(this.frameMs)) return true;
    this.last = t;
    const phase = (t % PULSE_PERIOD_MS) / PULSE_PERIOD_MS;
    const map = this.host.map();
    map.setPaintProperty('cases-pulse', 'circle-radius', (10 + 20 * phase) * this.scale);
    map.setPaintProperty('cases-pulse', 'circle-opacity', 0.6 * (1 - phase));
    this.resting = false;
    return true;
  }

  /** The style's own values (layers.ts), so a restyle and a rest agree. */
  private rest(): void {
    const map = this.host.map();
    if (this.resting || !this.host.styleReady() || !map.getLayer('cases-pulse')) return;
    this.resting = true;
    map.setPaintProperty('cases-pulse', 'circle-radius', PULSE_REST.radius * this.scale);
    map.setPaintProperty('cases-pulse', 'circle-opacity', PULSE_REST.opacity);
  }

  /** A fresh style: its pulse layer is at rest. */
  styleLoaded(): void {
    this.resting = true;
  }

  /** A restyle: whatever the new layer holds, set the rest (or the burst's frame) again. */
  restyled(): void {
    this.last = 0;
    this.resting = false;
  }

  state(): { ids: string[]; animating: boolean } {
    return { ids: [...this.ids], animating: !this.resting };
  }
}
