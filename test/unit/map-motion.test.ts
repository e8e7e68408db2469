import { describe, expect, it } from 'vitest';
import type { Position } from '../../shared/protocol/entities';
import { headingDelta, lerpHeading, MotionTracker, samplePose } from '../../renderer/features/map/motion';

const fix = (id: string, lng: number, at: number, heading = 0): Position => ({ id, point: [lng, 31.1], heading, speed: 5, at });

describe('heading interpolation', () => {
  it('turns the short way round', () => {
    expect(lerpHeading(350, 10, 0.5)).toBeCloseTo(0);
    expect(lerpHeading(10, 350, 0.25)).toBeCloseTo(5);
    expect(lerpHeading(90, 260, 0.5)).toBeCloseTo(175);
    expect(lerpHeading(90, 280, 0.5)).toBeCloseTo(5);
    expect(lerpHeading(0, 90, 1)).toBeCloseTo(90);
  });

  it('clamps the pose to the tween', () => {
    const a = { point: [0, 0] as [number, number], heading: 0 };
    const b = { point: [10, 20] as [number, number], heading: 90 };
    expect(samplePose(a, b, 0.5)).toEqual({ point: [5, 10], heading: 45 });
    expect(samplePose(a, b, 2)).toEqual(b);
    expect(samplePose(a, b, -1)).toEqual(a);
  });
});

describe('MotionTracker', () => {
  it('places the first fix at once, then glides to the next over the gap between fixes', () => {
    const m = new MotionTracker();
    m.push([fix('u', 121.3, 1000)], 0);
    expect(m.step(0).get('u')?.point).toEqual([121.3, 31.1]);
    expect(m.moving(0)).toBe(false);

    m.push([fix('u', 121.31, 3000, 90)], 100); // fixes 2 s apart → a 2 s glide
    expect(m.moving(100)).toBe(true);
    const mid = m.step(1100).get('u')!;
    expect(mid.point[0]).toBeCloseTo(121.305, 6);
    expect(mid.heading).toBeCloseTo(45);
    expect(m.step(2100).get('u')?.point).toEqual([121.31, 31.1]);
    expect(m.moving(2100)).toBe(false);
    expect(m.step(2200).size).toBe(0); // nothing moved: nothing to send
  });

  it('starts the next glide from where the unit is drawn, not from the old fix', () => {
    const m = new MotionTracker();
    m.push([fix('u', 121.3, 0)], 0);
    m.step(0);
    m.push([fix('u', 121.31, 2000)], 0);
    m.step(1000); // halfway: 121.305
    m.push([fix('u', 121.32, 4000)], 1000);
    expect(m.step(1000).size).toBe(0); // no jump at the start of the new glide
    expect(m.step(2000).get('u')!.point[0]).toBeCloseTo(121.3125, 6);
  });

  it('ignores re-sent and out-of-order fixes (latest value wins)', () => {
    const m = new MotionTracker();
    m.push([fix('u', 121.3, 5000)], 0);
    m.step(0);
    expect(m.push([fix('u', 121.3, 5000)], 10)).toEqual([]);
    expect(m.push([fix('u', 121.2, 4000)], 10)).toEqual([]);
    expect(m.push([fix('u', 121.301, 6000)], 10)).toEqual(['u']);
  });

  it('jumps instead of gliding across the district after a long gap in coverage', () => {
    const m = new MotionTracker({ teleportKm: 3 });
    m.push([fix('u', 121.3, 0)], 0);
    m.step(0);
    m.push([fix('u', 121.4, 1000)], 0); // ~9.5 km east
    expect(m.step(1).get('u')?.point).toEqual([121.4, 31.1]);
  });

  it('clamps glide durations and forgets removed units', () => {
    const m = new MotionTracker({ minMs: 300, maxMs: 5000 });
    m.push([fix('u', 121.3, 0)], 0);
    m.step(0);
    m.push([fix('u', 121.31, 60_000)], 0); // a minute's gap still glides for at most 5 s
    expect(m.moving(4999)).toBe(true);
    expect(m.moving(5000)).toBe(false);
    m.retain(new Set());
    expect(m.pose('u')).toBeUndefined();
    expect(m.step(6000).size).toBe(0);
  });
});

describe('MotionTracker at scale', () => {
  it('places a fix at once when asked not to glide, and only looks at units still moving', () => {
    const m = new MotionTracker();
    const fixes = Array.from({ length: 1000 }, (_, i) => fix(`u${i}`, 121.3, 0));
    m.push(fixes, 0);
    expect(m.step(0).size).toBe(1000);
    expect(m.activeCount).toBe(0);
    m.push([fix('u1', 121.301, 1000)], 10, false);
    expect(m.isMoving('u1', 10)).toBe(false);
    expect(m.step(10).get('u1')?.point).toEqual([121.301, 31.1]);
    m.push([fix('u2', 121.301, 1000)], 10);
    expect(m.activeCount).toBe(1);
    expect(m.isMoving('u2', 500)).toBe(true);
    expect(m.step(500).size).toBe(1);
    expect(m.step(2000).get('u2')?.point).toEqual([121.301, 31.1]);
    expect(m.activeCount).toBe(0);
  });

  it('takes older fixes again once told the clock went back (a replay seeking)', () => {
    const m = new MotionTracker();
    m.push([fix('u', 121.3, 5000)], 0, false);
    m.step(0);
    expect(m.push([fix('u', 121.2, 4000)], 10, false)).toEqual([]);
    m.forgetTimes();
    expect(m.push([fix('u', 121.2, 4000)], 10, false)).toEqual(['u']);
    expect(m.step(10).get('u')?.point).toEqual([121.2, 31.1]);
  });

  it('measures turns the short way', () => {
    expect(headingDelta(350, 10)).toBe(20);
    expect(headingDelta(10, 350)).toBe(20);
    expect(headingDelta(0, 180)).toBe(180);
    expect(headingDelta(90, 90)).toBe(0);
  });
});
