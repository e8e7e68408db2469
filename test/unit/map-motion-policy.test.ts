import { describe, expect, it } from 'vitest';
import type { LngLat } from '../../shared/protocol/entities';
import { affordableFrameMs, judgeFix, pxPerDegree, screenDistancePx, type FixJudgement } from '../../renderer/features/map/motion-policy';

const M_PER_DEG_LAT = 111_320;
/** On-screen pixels a unit at `speed` m/s moves in one second at `zoom`, heading north in Minhang. */
const pxPerSecond = (zoom: number, speed: number) => {
  const a: LngLat = [121.38, 31.11];
  const b: LngLat = [121.38, 31.11 + speed / M_PER_DEG_LAT];
  return screenDistancePx(a, b, pxPerDegree(zoom, 31.11));
};
const fix = (over: Partial<FixJudgement>): FixJudgement => ({ px: 0, turnDeg: 0, inView: true, moving: false, glideMs: 1000, frameMs: 100, canGlide: true, ...over });

describe('which unit fixes the map draws, and how', () => {
  it('at district zoom a vehicle moves a fraction of a pixel a second: held, then placed with a slow batch, never glided', () => {
    const px = pxPerSecond(10.5, 12);
    expect(px).toBeGreaterThan(0.1);
    expect(px).toBeLessThan(0.5);
    expect(judgeFix(fix({ px }))).toBe('hold');
    // A few seconds add up past a pixel: drawn, but with the next slow batch, not per frame.
    expect(judgeFix(fix({ px: px * 5 }))).toBe('later');
    expect(judgeFix(fix({ px: px * 5, frameMs: 16 }))).toBe('later');
  });

  it('at street level a fast unit in view glides when a frame shows at least half a pixel of its move', () => {
    const px = pxPerSecond(17, 12); // ~20 px a second
    expect(judgeFix(fix({ px, frameMs: 33 }))).toBe('glide');
    expect(judgeFix(fix({ px, frameMs: 100 }))).toBe('glide');
    // Too many gliding already, or frames too slow: placed, one step.
    expect(judgeFix(fix({ px, canGlide: false }))).toBe('place');
  });

  it('a visible step too slow to glide is placed with the next batch; a 1–2 px step or a turn waits for the slow one', () => {
    const px = pxPerSecond(14.5, 12); // ~3.6 px a second: 0.12 px per 33 ms frame
    expect(judgeFix(fix({ px, frameMs: 33 }))).toBe('place');
    expect(judgeFix(fix({ px: 1.5, frameMs: 33 }))).toBe('later');
    expect(judgeFix(fix({ px: 0.2, turnDeg: 90 }))).toBe('later');
    expect(judgeFix(fix({ px: 0.2, turnDeg: 5 }))).toBe('hold');
  });

  it('nothing outside the view is sent, unless it was gliding (its glide ends at the fix)', () => {
    expect(judgeFix(fix({ px: 50, inView: false }))).toBe('hold');
    expect(judgeFix(fix({ px: 50, inView: false, moving: true }))).toBe('place');
  });

  it('a gliding unit is retargeted however small the move, so it does not stop short', () => {
    expect(judgeFix(fix({ px: 0.1, moving: true }))).toBe('glide');
    expect(judgeFix(fix({ px: 0.1, moving: true, canGlide: false }))).toBe('place');
  });

  it('animates slower when the map takes longer per frame (software GL), up to a second', () => {
    expect(affordableFrameMs(100, 0)).toBe(100);
    expect(affordableFrameMs(100, 16)).toBe(100);
    expect(affordableFrameMs(100, 300)).toBe(600);
    expect(affordableFrameMs(33, 5000)).toBe(1000);
  });
});
