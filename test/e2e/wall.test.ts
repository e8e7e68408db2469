// Issue 7's UI test: the video wall in browser mode (/wall/main) against a real hub and core.
// Live figures follow the hub, layouts rotate (?rotate=2), an urgent case interrupts the
// rotation and it comes back (?alert=4), a camera tile plays a local MJPEG stream and shows the
// placeholder when the stream dies (and plays again when it returns), a stream on another origin
// is reported as blocked by the CSP, and cutting the hub shows the stale banner within 2 s.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import type { Camera } from '../../shared/protocol';
import { pointIn, report, XINZHUANG } from '../integration/helpers/hub';
import { startTestApp, type TestApp } from './helpers/app';

let t: TestApp;
let page: Page;
let cams: CameraServer;
const source = { userId: 'source:test', role: 'officer' as const, subdistricts: [] };

/** A local MJPEG camera: JPEG frames drawn by Chromium on a canvas, sent as multipart/x-mixed-replace. */
interface CameraServer { url: string; port: number; down: boolean; kill(): void; close(): Promise<void> }

async function jpegFrames(n: number): Promise<Buffer[]> {
  const p = await t.browser.newPage();
  // Runs in the page (a string: this file is compiled without the DOM's types).
  const urls = await p.evaluate(`(() => {
    const c = document.createElement('canvas');
    c.width = 320;
    c.height = 180;
    const g = c.getContext('2d');
    const out = [];
    for (let i = 0; i < ${n}; i++) {
      g.fillStyle = 'hsl(' + (i * 360 / ${n}) + ', 70%, 35%)';
      g.fillRect(0, 0, 320, 180);
      g.fillStyle = '#fff';
      g.font = 'bold 48px sans-serif';
      g.fillText('CAM ' + i, 40, 110);
      out.push(c.toDataURL('image/jpeg', 0.7));
    }
    return out;
  })()`) as string[];
  await p.close();
  return urls.map((u) => Buffer.from(u.split(',')[1]!, 'base64'));
}

async function startCameraServer(frames: Buffer[]): Promise<CameraServer> {
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const state = { down: false };
  const server = http.createServer((req, res) => {
    if (state.down) {
      res.writeHead(503).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'multipart/x-mixed-replace; boundary=frame', 'cache-control': 'no-store', 'access-control-allow-origin': '*' });
    let i = 0;
    const send = () => {
      const f = frames[i++ % frames.length]!;
      res.write(`--frame\r\nContent-Type: image/jpeg\r\nContent-Length: ${f.length}\r\n\r\n`);
      res.write(f);
      res.write('\r\n');
    };
    send();
    const timer = setInterval(send, 100);
    timers.add(timer);
    req.on('close', () => {
      clearInterval(timer);
      timers.delete(timer);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get down() { return state.down; },
    set down(v: boolean) { state.down = v; },
    kill() {
      state.down = true;
      for (const s of sockets) s.destroy();
    },
    async close() {
      for (const x of timers) clearInterval(x);
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** The hub has no command for a camera's stream address (it comes with the district's camera data): set it as the hub itself would, state and event together. */
function setCameraStream(id: string, stream: string | null): void {
  t.hub.core.systemNow('camera.streamSet', id, (ctx) => {
    const row = ctx.db.prepare('SELECT state FROM cameras WHERE id = ?').get(id) as { state: string };
    const before = JSON.parse(row.state) as Camera;
    const c: Camera = { ...before, stream, version: before.version + 1, updatedAt: ctx.now };
    ctx.db.prepare('UPDATE cameras SET version = ?, state = ? WHERE id = ?').run(c.version, JSON.stringify(c), id);
    ctx.emit({ type: 'camera.streamChanged', entity: 'camera', id, subdistrict: c.subdistrictCode, owners: [], state: c, by: null, commandId: null, detail: { stream } });
    return { before, after: c };
  });
}

function newCase(over: Parameters<typeof report>[1] = {}): string {
  const r = t.hub.core.applyNow(source, { commandId: randomUUID(), type: 'case.report', expectedVersion: null, payload: report(pointIn(null, XINZHUANG), { source: 'hotline', ...over }) });
  if (!r.ok) throw new Error(r.error.message);
  return r.entityId;
}

const wall = () => page.getByTestId('wall');
const kpi = async (k: string) => Number(await page.locator(`[data-testid="wall-kpi-${k}"]`).getAttribute('data-value'));

async function openWall(path: string): Promise<Page> {
  const p = await t.browser.newPage({ viewport: { width: 1600, height: 900 } });
  p.on('pageerror', (e) => console.error('[wall page]', e.message));
  // The test camera is served "from the app's origin", as a reverse proxy in front of a video
  // gateway would: the page's CSP allows same-origin fetches only (see the CSP test below).
  await p.route('**/test-camera/**', (route) => {
    const u = new URL(route.request().url());
    return route.continue({ url: `${cams.url}${u.pathname}` });
  });
  await p.goto(`${t.app.server.url}${path}${path.includes('?') ? '&' : '?'}token=${t.app.server.token}`);
  return p;
}

beforeAll(async () => {
  t = await startTestApp();
  cams = await startCameraServer(await jpegFrames(10));
  page = await openWall('/wall/main?rotate=2&alert=4');
  await wall().waitFor({ timeout: 30_000 });
  await page.locator('[data-testid="wall-link"][data-state="online"]').waitFor({ timeout: 30_000 });
});
afterAll(async () => {
  await cams?.close();
  await t?.close();
});

describe('video wall', () => {
  it('shows live figures: cases created at the hub appear in the KPIs and the ticker', async () => {
    await page.locator('[data-testid="wall-kpi-reported"]').waitFor({ state: 'attached' });
    const before = await kpi('reported');
    const ids = [newCase({ description: '墙测试一' }), newCase({ description: '墙测试二', source: 'patrol' })];
    await expect.poll(() => kpi('reported'), { timeout: 15_000 }).toBe(before + 2);
    for (const id of ids) await page.locator(`[data-testid="wall-ticker-item"][data-case-id="${id}"]`).first().waitFor({ state: 'attached', timeout: 10_000 });
    await page.getByTestId('wall-chart-sources').waitFor({ state: 'attached' });
    expect(await kpi('open')).toBeGreaterThanOrEqual(2);
    // Read-only: no buttons, no inputs (the map legend's layer switches are the map's own, and inert here).
    expect(await page.locator('[data-testid="wall"] button, [data-testid="wall"] input:not([data-testid="map-legend"] input)').count()).toBe(0);
  });

  it('rotates its layouts on the schedule', async () => {
    const seen = new Set<string>();
    const until = Date.now() + 7_000;
    while (Date.now() < until && seen.size < 2) {
      seen.add((await wall().getAttribute('data-layout')) ?? '');
      await page.waitForTimeout(250);
    }
    expect([...seen].sort()).toEqual(['cameras', 'overview']);
  });

  it('plays a camera stream, shows the placeholder when it dies, and plays again when it returns', async () => {
    // A wall of cameras only, stored in settings like any layout (no rotation to wait for).
    const cameraWall = {
      rotateSeconds: 60, alertSeconds: 90,
      layouts: [{ id: 'cams', title: 'Test cameras', columns: 4, rows: 2, panels: [{ kind: 'cameras', col: 1, row: 1, colSpan: 4, rowSpan: 2, options: { size: 2, follow: false, ids: ['cam-0001', 'cam-0002'] } }] }],
    };
    await page.evaluate(`window.linkage.setSettings(${JSON.stringify({ walls: { cams: cameraWall } })})`);
    const p = await openWall('/wall/cams');
    try {
      const cell = (id: string, state?: string) => p.locator(`[data-layout-id="cams"] [data-testid="wall-camera"][data-camera-id="${id}"]${state ? `[data-state="${state}"]` : ''}`);
      const tile = cell('cam-0001');
      await tile.waitFor({ timeout: 30_000 });
      expect(await tile.getAttribute('data-state')).toBe('none');
      await expect.poll(() => tile.getByTestId('wall-camera-placeholder').textContent()).toMatch(/视频流|stream/);

      setCameraStream('cam-0001', `${t.app.server.url}/test-camera/cam1.mjpg`);
      await cell('cam-0001', 'playing').waitFor({ timeout: 15_000 });
      expect(await tile.getByTestId('wall-camera-placeholder').count()).toBe(0);
      // The canvas took the frames' size (a canvas's width and height are reflected attributes).
      const canvas = tile.getByTestId('wall-camera-canvas');
      expect([await canvas.getAttribute('width'), await canvas.getAttribute('height')]).toEqual(['320', '180']);

      cams.kill(); // the gateway goes away mid-stream, and refuses new connections
      await cell('cam-0001', 'retrying').waitFor({ timeout: 10_000 });
      expect(await tile.getByTestId('wall-camera-canvas').count()).toBe(0);
      await expect.poll(() => tile.getByTestId('wall-camera-placeholder').textContent()).toMatch(/重试|retry/);

      cams.down = false;
      await cell('cam-0001', 'playing').waitFor({ timeout: 20_000 });

      // A stream on another origin: the page's CSP (connect-src 'self') refuses it, and the tile says so.
      setCameraStream('cam-0002', `${cams.url}/cam2.mjpg`);
      await cell('cam-0002', 'blocked').waitFor({ timeout: 15_000 });
    } finally {
      await p.close();
    }
  });

  it('an urgent case interrupts the rotation, takes the wall to it, then the rotation resumes', async () => {
    const id = newCase({ categoryCode: '90001', urgency: 'urgent', description: '道路积水 紧急 墙测试', address: '莘庄镇 测试路 1 号' });
    await page.locator(`[data-testid="wall"][data-layout="alert"][data-alert="case:${id}"]`).waitFor({ timeout: 10_000 });
    const card = page.locator(`[data-testid="wall-alert"][data-id="${id}"]`).first();
    await card.waitFor({ timeout: 10_000 });
    expect(await card.textContent()).toContain('莘庄镇 测试路 1 号');
    // The tiles follow the case: nearest cameras, with their distance.
    await expect.poll(() => page.locator('[data-layout-id="alert"] [data-testid="wall-cameras"]').getAttribute('data-following')).toBe(id);
    // ?alert=4: back to the rotation after 4 s.
    await expect.poll(() => wall().getAttribute('data-layout'), { timeout: 10_000 }).not.toBe('alert');
    expect(await wall().getAttribute('data-alert')).toBe('');
  });

  it('shows the stale banner within 2 s of the hub going away, and every live panel marked', async () => {
    expect(await page.getByTestId('wall-stale-banner').count()).toBe(0);
    // When the banner appears, as the page saw it (Playwright's own polling may lag a busy page).
    await page.evaluate(`window.__bannerAt = 0; new MutationObserver((_, o) => {
      if (document.querySelector('[data-testid="wall-stale-banner"]')) { window.__bannerAt = Date.now(); o.disconnect(); }
    }).observe(document.body, { childList: true, subtree: true })`);
    const cut = Date.now();
    await t.cutHub();
    await page.getByTestId('wall-stale-banner').waitFor({ timeout: 10_000 });
    const took = (await page.evaluate('window.__bannerAt')) as number - cut;
    expect(took).toBeGreaterThan(0);
    expect(took).toBeLessThanOrEqual(2_000);
    expect(await page.getByTestId('wall-stale-banner').textContent()).toMatch(/自|since/);
    expect(await wall().getAttribute('data-stale')).toBe('true');
    const kinds = await page.locator('[data-testid="wall-panel"]').evaluateAll((els) => els.map((e) => [e.getAttribute('data-kind'), e.getAttribute('data-stale')]));
    for (const [kind, stale] of kinds) expect(stale, kind ?? '').toBe(kind === 'clock' ? 'false' : 'true');

    await t.restoreHub();
    await page.getByTestId('wall-stale-banner').waitFor({ state: 'detached', timeout: 30_000 });
    expect(await wall().getAttribute('data-stale')).toBe('false');
  });

  it("edits a wall's layouts as checked JSON in the editor page, and the wall follows", async () => {
    const ed = await openWall('/wall/lobby?edit');
    try {
      await ed.getByTestId('wall-editor').waitFor({ timeout: 30_000 });
      expect(await ed.getByTestId('wall-editor-check').getAttribute('data-ok')).toBe('true');
      const text = ed.getByTestId('wall-editor-text');
      const config = JSON.parse(await text.inputValue()) as { rotateSeconds: number; layouts: Array<{ panels: Array<{ kind: string }> }> };
      config.layouts[0]!.panels[0]!.kind = 'radar';
      await text.fill(JSON.stringify(config));
      expect(await ed.getByTestId('wall-editor-check').getAttribute('data-ok')).toBe('false');
      expect(await ed.getByTestId('wall-editor-check').textContent()).toMatch(/radar/);
      expect(await ed.getByTestId('wall-editor-save').isDisabled()).toBe(true);
      config.layouts[0]!.panels[0]!.kind = 'clock';
      config.rotateSeconds = 45;
      await text.fill(JSON.stringify(config));
      await ed.getByTestId('wall-editor-save').click();
      await ed.getByTestId('wall-editor-note').waitFor();
      await expect.poll(() => ed.getByTestId('wall-editor-source').textContent(), { timeout: 15_000 }).toMatch(/设置|settings/);
      // The wall page itself shows the saved layout.
      const lobby = await openWall('/wall/lobby');
      await lobby.locator('[data-testid="wall"][data-wall="lobby"] [data-layout-id="overview"] [data-testid="wall-panel"][data-kind="clock"]').first().waitFor({ state: 'attached', timeout: 30_000 });
      await lobby.close();
    } finally {
      await ed.close();
    }
  });
});
