/**
 * The wall's schedule as a pure state machine: layouts rotate, each for its seconds; an alert (a
 * new urgent case, a new or escalated operation) takes the wall to the alert layout for
 * `alertSeconds`, then the rotation resumes where it was. A newer alert takes the card over and
 * restarts the hold, but a streak of alerts holds the wall for at most twice `alertSeconds`;
 * after a streak the rotation runs for a while (COOLDOWN) before another *case* takes the wall
 * again (it is still followed by the camera tiles). Operations always interrupt: a surge of
 * urgent reports must not keep the overview off the wall all day, an emergency must reach it.
 */
import type { WallAlert } from './feed';
import type { WallConfig } from './layouts';

export interface Schedule {
  rotateSeconds?: number;
  alertSeconds?: number;
}

export interface RotationState {
  index: number;
  /** When the current layout gives way (ms). */
  nextAt: number;
  alert: (WallAlert & { until: number; streakStart: number }) | null;
  /** The last alert, kept after it ends: camera tiles keep following its case for a while. */
  last: WallAlert | null;
  /** Until when a new case does not take the wall (after a streak of alerts). */
  quietUntil: number;
}

/** Rotation time after a streak of alerts before a case may interrupt again. */
export const COOLDOWN_MS = 60_000;

export function startRotation(config: WallConfig, now: number, s: Schedule = {}): RotationState {
  return { index: 0, nextAt: now + layoutMs(config, 0, s), alert: null, last: null, quietUntil: 0 };
}

export function layoutMs(config: WallConfig, index: number, s: Schedule = {}): number {
  const l = config.layouts[index % config.layouts.length];
  return 1000 * (s.rotateSeconds ?? l?.seconds ?? config.rotateSeconds);
}

export function alertMs(config: WallConfig, s: Schedule = {}): number {
  return 1000 * (s.alertSeconds ?? config.alertSeconds);
}

/** Time passes: the alert ends, or the next layout comes. */
export function tick(state: RotationState, config: WallConfig, now: number, s: Schedule = {}): RotationState {
  const n = config.layouts.length;
  const index = state.index % n;
  if (state.alert) {
    if (now < state.alert.until) return index === state.index ? state : { ...state, index };
    const cooldown = Math.min(COOLDOWN_MS, alertMs(config, s));
    return { ...state, index, alert: null, nextAt: now + layoutMs(config, index, s), quietUntil: now + cooldown };
  }
  if (now < state.nextAt && index === state.index) return state;
  if (now < state.nextAt) return { ...state, index };
  const next = n > 1 ? (index + 1) % n : index;
  return { ...state, index: next, nextAt: now + layoutMs(config, next, s) };
}

export function interrupt(state: RotationState, alert: WallAlert, config: WallConfig, now: number, s: Schedule = {}): RotationState {
  const hold = alertMs(config, s);
  if (!state.alert && alert.kind === 'case' && now < state.quietUntil) return { ...state, last: alert };
  const streakStart = state.alert?.streakStart ?? now;
  const until = Math.max(state.alert?.until ?? 0, Math.min(now + hold, streakStart + 2 * hold));
  return { ...state, alert: { ...alert, until, streakStart }, last: alert };
}

/** Followed by camera tiles after the alert ended, for this long. */
export const FOLLOW_AFTER_MS = 30 * 60_000;

export function followed(state: RotationState, now: number): WallAlert | null {
  if (state.alert) return state.alert;
  return state.last && now - state.last.at <= FOLLOW_AFTER_MS ? state.last : null;
}
