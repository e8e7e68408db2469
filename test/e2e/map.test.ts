// Issue 6's map in Chromium (software WebGL): it reaches idle with nothing asked of the network
// beyond 127.0.0.1; Chinese labels and digits are drawn with local fonts; a click on a case opens
// it; the legend switches layers; and a replay of the past hour moves a unit along its track.
// Real hub, real core process, the built renderer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import type { LngLat, Urgency } from '../../shared/protocol';
import { pointIn, QIBAO, report, XINZHUANG } from '../integration/helpers/hub';
import { startTestApp, type TestApp } from './helpers/app';

let t: TestApp;
let page: Page;
const requests: string[] = [];
const source = { userId: 'source:test', role: 'officer' as const, subdistricts: [] };
const UNIT = 'unit-001';

function newCase(point: LngLat, urgency: Urgency = 'normal', description = '地图测试'): string {
  const r = t.hub.core.applyNow(source, { commandId: randomUUID(), type: 'case.report', expectedVersion: null, payload: report(point, { categoryCode: '06013', urgency, description }) });
  if (!r.ok) throw new Error(r.error.message);
  return r.entityId;
}

/** Code run in the page as a string (no bundler helpers leak into it). */
const ev = <T>(code: string) => page.evaluate(code) as Promise<T>;
/** The console's map (the case view's mini map is another one). */
const MAP = `window.__linkageMaps.find((v) => v.variantName === 'console')`;

async function idle(): Promise<void> {
  await ev(`new Promise((resolve) => { const m = ${MAP}.maplibre; if (m.loaded() && !m.isMoving()) { m.once('idle', resolve); m.triggerRepaint(); } else m.once('idle', resolve); })`);
}

const seat = pointIn(null, XINZHUANG);
const lone = ((): LngLat => { const q = pointIn(null, QIBAO); return [q[0] + 0.004, q[1] + 0.003]; })();
let loneId = '';
let trackStart = 0;

beforeAll(async () => {
  t = await startTestApp();
  // A cluster's worth of cases around 莘庄's seat (its count is drawn in digits), one urgent, and one case on its own.
  for (let i = 0; i < 24; i++) newCase([seat[0] + ((i % 6) - 3) * 0.0015, seat[1] + (Math.floor(i / 6) - 2) * 0.0015], i === 0 ? 'urgent' : 'normal');
  loneId = newCase(lone, 'high', '孤立案件');
  page = await t.browser.newPage({ viewport: { width: 1600, height: 1000 } });
  page.on('pageerror', (e) => console.error('[page]', e.message));
  page.on('request', (r) => requests.push(r.url()));
  page.on('websocket', (w) => requests.push(w.url()));
  page.on('worker', (w) => requests.push(w.url()));
  await page.goto(`${t.app.server.url}/?token=${t.app.server.token}`);
  await page.locator('[data-testid="connection-bar"][data-state="online"]').waitFor({ timeout: 30_000 });
  // A unit drives east for ~100 s (fixes 10 s apart by their own clock): the replica samples its track.
  trackStart = Date.now() - 110_000;
  for (let i = 0; i <= 10; i++) {
    const r = t.hub.positions.update({ id: UNIT, point: [121.36 + i * 0.002, 31.02], heading: 90, speed: 12, at: trackStart + i * 10_000 });
    if (!r.ok) throw new Error(r.message);
    await page.waitForTimeout(260); // one hub flush each (200 ms)
  }
}, 120_000);
afterAll(async () => t?.close());

describe('the district map', () => {
  it('reaches idle offline, nothing asked beyond 127.0.0.1', async () => {
    await page.locator('[data-testid="district-map"][data-map-ready="true"]').waitFor({ timeout: 60_000 });
    await idle();
    // Live data may still arrive between idle and this check (the map reloads a source): wait for it to settle.
    await expect.poll(() => ev<boolean>(`${MAP}.loaded()`), { timeout: 30_000 }).toBe(true);
    const outside = requests.filter((u) => !/^(https?|wss?):\/\/127\.0\.0\.1[:/]/.test(u) && !/^(data|blob):/.test(u));
    expect(requests.length).toBeGreaterThan(3);
    expect(outside).toEqual([]);
  });

  it('draws Chinese subdistrict names and digits (cluster counts) with local fonts', async () => {
    const names = await ev<string[]>(`${MAP}.queryRenderedFeatures({ layers: ['subdistrict-label'] }).map((f) => f.properties.name)`);
    expect(names.length).toBeGreaterThanOrEqual(5);
    expect(names.every((n) => /[\u4e00-\u9fff]/.test(n))).toBe(true);
    expect(names).toContain('莘庄镇');
    const counts = await ev<string[]>(`${MAP}.queryRenderedFeatures({ layers: ['cases-cluster-count'] }).map((f) => String(f.properties.point_count_abbreviated))`);
    expect(counts.some((c) => /^\d+$/.test(c) && Number(c) >= 2)).toBe(true);
    // The style asks for no glyphs at all: every label is drawn with the local fonts.
    expect(await ev<unknown>(`${MAP}.maplibre.getStyle().glyphs ?? null`)).toBeNull();
  });

  it('pulses only the new urgent case, and rests when nothing changes', async () => {
    const pulse = await ev<{ ids: string[] }>(`${MAP}.pulseState()`);
    expect(pulse.ids).toHaveLength(1);
    // After the burst, no repaint while nothing changes.
    await expect.poll(() => ev<boolean>(`${MAP}.pulseState().animating`), { timeout: 20_000 }).toBe(false);
    await idle();
    const renders = () => ev<number>(`new Promise((resolve) => { const m = ${MAP}.maplibre; let n = 0; const on = () => n++; m.on('render', on); setTimeout(() => { m.off('render', on); resolve(n); }, 1500); })`);
    // (a short reminder burst every 30 s may fall into one window: then the next is quiet)
    await expect.poll(renders, { timeout: 20_000 }).toBe(0);
  });

  it('opens a case clicked on the map in the case view', async () => {
    await ev(`${MAP}.maplibre.jumpTo({ center: ${JSON.stringify(lone)}, zoom: 16.5 })`);
    await idle();
    await expect.poll(() => ev<string[]>(`${MAP}.queryRenderedFeatures({ layers: ['cases-point'] }).map((f) => f.properties.id)`), { timeout: 15_000 }).toContain(loneId);
    const px = await ev<{ x: number; y: number }>(`(() => { const p = ${MAP}.maplibre.project(${JSON.stringify(lone)}); return { x: p.x, y: p.y }; })()`);
    const box = (await page.locator('[data-testid="district-map"] canvas').first().boundingBox())!;
    await page.mouse.click(box.x + px.x, box.y + px.y);
    await page.locator(`[data-testid="case-view"][data-case-id="${loneId}"]`).waitFor({ timeout: 15_000 });
  });

  it('switches layers from the legend', async () => {
    const vis = (layer: string) => ev<string>(`${MAP}.maplibre.getLayoutProperty(${JSON.stringify(layer)}, 'visibility')`);
    expect(await vis('cases-point')).toBe('visible');
    // The console's legend starts folded (it would cover the district's south-west): unfold it
    // from the keyboard, as an officer would.
    const legend = page.locator('[data-testid="map-slot"] [data-testid="map-legend"]');
    expect(await legend.getAttribute('data-collapsed')).toBe('true');
    await expect.poll(() => page.getByTestId('map-layer-toggle-cases').count()).toBe(0);
    await legend.getByTestId('map-legend-toggle').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => legend.getAttribute('data-collapsed')).toBe('false');
    await page.getByTestId('map-layer-toggle-cases').click();
    await expect.poll(() => vis('cases-point')).toBe('none');
    expect(await vis('cases-cluster-count')).toBe('none');
    await page.getByTestId('map-layer-toggle-cases').click();
    await expect.poll(() => vis('cases-point')).toBe('visible');
    expect(await vis('cases-heat')).toBe('none');
    await page.getByTestId('map-layer-toggle-heat').check();
    await expect.poll(() => vis('cases-heat')).toBe('visible');
    // The heat map got the cases it missed while hidden.
    await expect.poll(() => ev<number>(`${MAP}.maplibre.querySourceFeatures('cases-heat').length`), { timeout: 10_000 }).toBeGreaterThan(0);
    await page.getByTestId('map-layer-toggle-heat').uncheck();
    await legend.getByTestId('map-legend-toggle').click();
    await expect.poll(() => legend.getAttribute('data-collapsed')).toBe('true');
  });

  it('replays the past hour with the keyboard: a unit moves along its track', async () => {
    await ev(`${MAP}.fitDistrict(false)`);
    await page.getByTestId('replay-toggle').focus();
    await page.keyboard.press('Enter');
    const bar = page.getByTestId('replay-bar');
    await page.locator('[data-testid="replay-bar"][data-phase="ready"]').waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByTestId('replay-status').textContent()).toMatch(/单元轨迹/);
    // Focus went into the bar; Tab reaches the slider.
    expect(await ev<string>('document.activeElement.dataset.testid')).toBe('replay-period');
    const slider = page.getByTestId('replay-slider');
    await slider.focus();
    await page.keyboard.press('End');
    const end = Number(await bar.getAttribute('data-at'));
    const drawn = () => ev<[number, number] | null>(`${MAP}.unitPosition(${JSON.stringify(UNIT)})`);
    // At the end of the hour the unit stands at its last fix…
    await expect.poll(() => drawn().then((p) => p?.[0]), { timeout: 10_000 }).toBeCloseTo(121.38, 5);
    const t1 = await drawn();
    // …and ←, 1% of the hour (36 s) a press, goes back into its drive.
    const atNow = async () => Number(await bar.getAttribute('data-at'));
    await page.keyboard.press('ArrowLeft');
    expect(await atNow()).toBe(end - 36_000);
    for (let i = 0; i < 200 && (await atNow()) > trackStart + 95_000; i++) await page.keyboard.press('ArrowLeft');
    const when = await atNow();
    expect(when).toBeGreaterThan(trackStart);
    const expected = 121.36 + ((when - trackStart) / 10_000) * 0.002;
    await expect.poll(() => drawn().then((p) => p?.[0]), { timeout: 10_000 }).toBeCloseTo(expected, 5);
    const t0 = await drawn();
    expect(t0).not.toEqual(t1);
    // Space plays (at the chosen speed), and the moment moves on.
    await page.keyboard.press('Home');
    await page.getByTestId('replay-speed').selectOption('3600');
    await slider.focus();
    await page.keyboard.press(' ');
    await expect.poll(() => bar.getAttribute('data-playing')).toBe('true');
    await expect.poll(async () => Number(await bar.getAttribute('data-at')), { timeout: 10_000 }).toBeGreaterThan(end - 3000_000);
    // Back to live: the bar goes, focus returns to its toggle, the map's clock is live again.
    await page.getByTestId('replay-close').click();
    await bar.waitFor({ state: 'detached' });
    expect(await ev<string>('document.activeElement.dataset.testid')).toBe('replay-toggle');
  });

  it('still asked nothing beyond 127.0.0.1', () => {
    const outside = requests.filter((u) => !/^(https?|wss?):\/\/127\.0\.0\.1[:/]/.test(u) && !/^(data|blob):/.test(u));
    expect(outside).toEqual([]);
  });
});
