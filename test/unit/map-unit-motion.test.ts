import { afterEach, describe, expect, it } from 'vitest';
import type { Map as MaplibreMap } from 'maplibre-gl';
import type { Position } from '../../shared/protocol/entities';
import { UnitMotion } from '../../renderer/features/map/unit-motion';

const M_PER_DEG_LAT = 111_320;
const CENTER = { lng: 121.38, lat: 31.11 };

/** Just what UnitMotion asks of the map: zoom, centre and the bounds of a 1920×1080 view. */
function fakeMap(zoom: number): MaplibreMap {
  const pxPerDeg = (512 * 2 ** zoom) / 360;
  const halfW = 960 / pxPerDeg;
  const halfH = (540 / pxPerDeg) * Math.cos((CENTER.lat * Math.PI) / 180);
  const bounds = { getWest: () => CENTER.lng - halfW, getEast: () => CENTER.lng + halfW, getSouth: () => CENTER.lat - halfH, getNorth: () => CENTER.lat + halfH };
  return { getZoom: () => zoom, getCenter: () => CENTER, getBounds: () => bounds } as unknown as MaplibreMap;
}

/** A unit heading north at `speed` m/s from the centre (plus `dLng`), one fix a second. */
const fixAt = (id: string, second: number, speed: number, dLng = 0): Position => ({
  id,
  point: [CENTER.lng + dLng, CENTER.lat + (second * speed) / M_PER_DEG_LAT],
  heading: 0,
  speed,
  at: second * 1000,
});

const views: UnitMotion[] = [];
function motion(zoom: number, lowPower = false): UnitMotion {
  const m = new UnitMotion({ map: () => fakeMap(zoom), canAnimate: () => true, kick: () => {} }, lowPower);
  views.push(m);
  return m;
}
afterEach(() => {
  for (const v of views.splice(0)) v.destroy();
});

/** Feeds one fix per second per unit for `seconds`, a frame every 100 ms; counts the frames that sent each unit. */
function run(m: UnitMotion, units: Array<{ id: string; speed: number; dLng?: number }>, seconds: number): Map<string, number> {
  const sent = new Map<string, number>();
  for (let s = 0; s <= seconds; s++) {
    m.setPositions(Object.fromEntries(units.map((u) => [u.id, fixAt(u.id, s, u.speed, u.dLng)])));
    for (let f = 0; f < 10; f++) {
      for (const id of m.frame(s * 1000 + f * 100, false).keys()) sent.set(id, (sent.get(id) ?? 0) + 1);
    }
  }
  return sent;
}

describe('unit motion on the map', () => {
  it('at district zoom, units at street speed are not interpolated: drawn in a few slow batches', () => {
    const m = motion(10.5);
    const sent = run(m, [{ id: 'car', speed: 12 }, { id: 'walker', speed: 1.5 }], 20);
    // First placement, then a step every slow batch at most (3 s apart), never once per frame.
    expect(sent.get('car')).toBeGreaterThan(1);
    expect(sent.get('car')).toBeLessThanOrEqual(1 + Math.ceil(20 / 3));
    // The walker moves ~0.03 px a second: placed once, then held until it adds up.
    expect(sent.get('walker')).toBeLessThanOrEqual(2);
  });

  it('at street level, a fast unit in view glides (sent on many frames); one out of view is not sent after its first fix', () => {
    const m = motion(17);
    const sent = run(m, [{ id: 'car', speed: 12 }, { id: 'far', speed: 12, dLng: 0.05 }], 5);
    expect(sent.get('car')).toBeGreaterThan(20); // ~10 motion frames a second for 5 s
    expect(sent.get('far')).toBe(1);
    // Once the view comes to it, its latest fix is drawn.
    expect(m.viewChanged()).toBe(true);
  });

  it('in software GL, fixes are taken at most once a second and slower frames animate less often', () => {
    const m = motion(17, true);
    expect(m.frameMs(100)).toBe(100);
    m.setPositions({ car: fixAt('car', 0, 12) });
    m.frame(0, false);
    // Frames 400 ms apart (a slow software repaint): the animation interval stretches to match.
    for (let t = 400; t <= 4000; t += 400) m.frame(t, false);
    expect(m.frameMs(100)).toBeGreaterThanOrEqual(700);
  });
});
