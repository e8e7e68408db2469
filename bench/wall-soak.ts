/**
 * The video wall runs for weeks (ARCHITECTURE §1): this soak runs it for 10 minutes (WALL_SOAK_MINUTES)
 * against a hub whose simulator goes at 50× (a third of a simulated day of reports, dispatches,
 * overdue marks and urgent alerts), rotating every 20 s with camera tiles playing local MJPEG
 * streams, and reports the page's JS heap (after a forced GC), DOM nodes and event listeners at
 * the start and at the end. Bounded means: the end is about the start, whatever ran in between.
 *
 * `npm run bench -- wall` (it is not part of a plain `npm run bench`: it takes 10 minutes).
 * Needs the renderer built (it builds it when dist/renderer is missing) and a Chromium
 * (CHROME_PATH, the system's, or @sparticuz/chromium's), as the UI tests do.
 *
 * The viewport is 1920×1080 by default (WALL_SOAK_VIEWPORT=3840x2160 for 4K): the wall sizes
 * everything in vh, so the picture is the same; but without a GPU (SwiftShader, 2 CPUs here) a
 * 4K page draws about 0.4 frames/s with the map on screen (3.6 without it), too slow to drive
 * for 10 minutes. Heap and DOM do not depend on the pixel count.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { chromium, type Page } from 'playwright-core';
import { startHub } from '../hub/server';
import { startBrowserApp } from '../main/web/app';
import type { Camera } from '../shared/protocol/entities';
import { withBudget, type Figure } from './figures';

const ROOT = path.resolve(import.meta.dirname, '..');
const FLAGS = [
  '--no-sandbox', '--disable-gpu-sandbox', '--no-first-run', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--disable-quic', '--disable-dev-shm-usage', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist',
];

async function chromiumPath(): Promise<string> {
  const env = process.env.CHROME_PATH;
  if (env) return env;
  const system = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => fs.existsSync(p));
  if (system) return system;
  const { default: packaged } = await import('@sparticuz/chromium');
  return packaged.executablePath();
}

function ensureBuilt(): void {
  if (fs.existsSync(path.join(ROOT, 'dist/renderer/index.html'))) return;
  const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'error'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('vite build failed');
}

/** An MJPEG camera on loopback (frames drawn once by the browser itself). */
async function cameraServer(frames: Buffer[]): Promise<{ url: string; close(): Promise<void> }> {
  const timers = new Set<NodeJS.Timeout>();
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'multipart/x-mixed-replace; boundary=frame', 'cache-control': 'no-store' });
    let i = 0;
    const timer = setInterval(() => {
      const f = frames[i++ % frames.length]!;
      res.write(`--frame\r\nContent-Type: image/jpeg\r\nContent-Length: ${f.length}\r\n\r\n`);
      res.write(f);
      res.write('\r\n');
    }, 200);
    timers.add(timer);
    req.on('close', () => { clearInterval(timer); timers.delete(timer); });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    async close() {
      for (const t of timers) clearInterval(t);
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

interface Sample { heapMB: number; nodes: number; domElements: number; listeners: number; reported: number; ticker: number }

async function sample(page: Page): Promise<Sample> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('Performance.enable');
  const { metrics } = await cdp.send('Performance.getMetrics');
  const m = (name: string) => metrics.find((x) => x.name === name)?.value ?? NaN;
  const dom = await page.evaluate(`({
    elements: document.getElementsByTagName('*').length,
    reported: Number(document.querySelector('[data-testid="wall-kpi-reported"]')?.getAttribute('data-value') ?? NaN),
    ticker: document.querySelectorAll('[data-testid="wall-ticker-item"]').length,
  })`) as { elements: number; reported: number; ticker: number };
  await cdp.detach();
  return { heapMB: m('JSHeapUsedSize') / 1024 / 1024, nodes: m('Nodes'), domElements: dom.elements, listeners: m('JSEventListeners'), reported: dom.reported, ticker: dom.ticker };
}

export async function benchWallSoak(): Promise<Figure[]> {
  const minutes = Number(process.env.WALL_SOAK_MINUTES ?? 10);
  const [w, h] = (process.env.WALL_SOAK_VIEWPORT ?? '1920x1080').split('x').map(Number) as [number, number];
  ensureBuilt();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-wall-'));
  const credentialsFile = path.join(dir, 'hub', 'credentials.json');
  const hub = await startHub({ dataDir: path.join(dir, 'hub'), port: 0, defaultAccounts: true, credentialsFile, log: () => {}, simulator: { speed: 50, seed: 7, scenario: 'day' } });
  const app = await startBrowserApp({ dataDir: dir, hubUrl: hub.url, credentialsFile, defaultUser: 'wall', staticDir: path.join(ROOT, 'dist/renderer'), log: () => {} });
  const browser = await chromium.launch({ executablePath: await chromiumPath(), headless: true, args: FLAGS });
  let cams: Awaited<ReturnType<typeof cameraServer>> | null = null;
  try {
    const scratch = await browser.newPage();
    const urls = await scratch.evaluate(`(() => {
      const c = document.createElement('canvas'); c.width = 640; c.height = 360;
      const g = c.getContext('2d'); const out = [];
      for (let i = 0; i < 20; i++) { g.fillStyle = 'hsl(' + i * 18 + ',60%,30%)'; g.fillRect(0, 0, 640, 360); g.fillStyle = '#fff'; g.font = 'bold 64px sans-serif'; g.fillText('SOAK ' + i, 60, 200); out.push(c.toDataURL('image/jpeg', 0.8)); }
      return out;
    })()`) as string[];
    await scratch.close();
    cams = await cameraServer(urls.map((u) => Buffer.from(u.split(',')[1]!, 'base64')));

    // Four cameras get a stream (served "from the app's origin", as a reverse proxy would, see
    // the CSP note in test/e2e/wall.test.ts); the cameras layout plays them every other rotation.
    const ids = (hub.core.db.prepare('SELECT id FROM cameras ORDER BY id LIMIT 4').all() as Array<{ id: string }>).map((r) => r.id);
    for (const id of ids) {
      hub.core.systemNow('camera.streamSet', id, (ctx) => {
        const before = JSON.parse((ctx.db.prepare('SELECT state FROM cameras WHERE id = ?').get(id) as { state: string }).state) as Camera;
        const c: Camera = { ...before, stream: `${app.server.url}/soak-camera/${id}.mjpg`, version: before.version + 1, updatedAt: ctx.now };
        ctx.db.prepare('UPDATE cameras SET version = ?, state = ? WHERE id = ?').run(c.version, JSON.stringify(c), id);
        ctx.emit({ type: 'camera.streamChanged', entity: 'camera', id, subdistrict: c.subdistrictCode, owners: [], state: c, by: null, commandId: null, detail: {} });
        return { before, after: c };
      });
    }

    const page = await browser.newPage({ viewport: { width: w, height: h } });
    const camsUrl = cams.url;
    await page.route('**/soak-camera/**', (route) => route.continue({ url: `${camsUrl}${new URL(route.request().url()).pathname}` }));
    await page.goto(`${app.server.url}/wall/main?rotate=20&alert=15&token=${app.server.token}`);
    await page.locator('[data-testid="wall-link"][data-state="online"]').waitFor({ timeout: 120_000 });
    await page.waitForTimeout(30_000); // warm: the map, the charts and a first rotation
    const hubCount = () => ({
      cases: (hub.core.db.prepare('SELECT COUNT(*) AS n FROM cases').get() as { n: number }).n,
      seq: hub.core.log.headSeq,
    });
    const hubStart = hubCount();
    const start = await sample(page);
    console.error(`[wall soak] start ${JSON.stringify(start)}; running ${minutes} min at 50×, ${w}×${h}`);

    const layouts = new Set<string>();
    let rotations = 0;
    let alerts = 0;
    let last = '';
    let lastAlert = '';
    const end = Date.now() + minutes * 60_000;
    while (Date.now() < end) {
      await page.waitForTimeout(1000);
      const [layout, alert] = await Promise.all([page.getByTestId('wall').getAttribute('data-layout'), page.getByTestId('wall').getAttribute('data-alert')]);
      if (layout && layout !== last) { rotations += 1; layouts.add(layout); last = layout; }
      if (alert && alert !== lastAlert) alerts += 1;
      lastAlert = alert ?? '';
    }
    const fin = await sample(page);
    const hubEnd = hubCount();
    console.error(`[wall soak] end ${JSON.stringify(fin)}; ${rotations} layout changes over ${[...layouts].join(', ')}, ${alerts} alerts`);
    return [
      { name: 'wall.soak.heap.start', value: start.heapMB, unit: 'MB' },
      { name: 'wall.soak.heap.end', value: fin.heapMB, unit: 'MB' },
      withBudget({ name: 'wall.soak.heap.growth', value: fin.heapMB - start.heapMB, unit: 'MB' }, { max: 30 }),
      { name: 'wall.soak.dom.start', value: start.domElements, unit: 'elements' },
      withBudget({ name: 'wall.soak.dom.end', value: fin.domElements, unit: 'elements' }, { max: Math.round(start.domElements * 1.25) + 100 }),
      { name: 'wall.soak.nodes.start', value: start.nodes, unit: 'nodes' },
      { name: 'wall.soak.nodes.end', value: fin.nodes, unit: 'nodes' },
      { name: 'wall.soak.listeners.start', value: start.listeners, unit: 'listeners' },
      { name: 'wall.soak.listeners.end', value: fin.listeners, unit: 'listeners' },
      { name: 'wall.soak.cases', value: hubEnd.cases - hubStart.cases, unit: 'cases reported at the hub during the soak' },
      { name: 'wall.soak.events', value: hubEnd.seq - hubStart.seq, unit: 'hub events during the soak' },
      { name: 'wall.soak.layout-changes', value: rotations, unit: 'changes' },
      { name: 'wall.soak.alerts', value: alerts, unit: 'alerts' },
      { name: 'wall.soak.minutes', value: minutes, unit: 'min' },
    ];
  } finally {
    await browser.close();
    await cams?.close();
    await app.close();
    await hub.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
