/**
 * The district map in Chromium (software WebGL, 1920×1080): 50,000 cases and 10,000 units whose
 * positions update at 1 Hz. Frames per second and time to the first idle, for the map as built
 * (DistrictMapView: positions coalesced per frame, only visibly moved units sent by
 * `updateData`) and, in the same run, the naive way (the whole units collection re-sent by
 * `setData` on every update) as the yardstick. Both at district zoom (the console's view) and
 * at street zoom (where units visibly move and glide). The page is
 * renderer/features/map/bench/, built here with Vite; nothing leaves 127.0.0.1.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { build } from 'vite';
import type { Figure } from './figures';
import { launchChromium } from './chromium';

const ROOT = path.resolve(import.meta.dirname, '..');
const CASES = 50_000;
const UNITS = 10_000;
const MEASURE_MS = 6_000;

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.geojson': 'application/json' };

/** The page and the district files, on loopback only. */
function serve(dir: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/+/, '') || 'index.html';
    const file = rel.startsWith('district/') ? path.join(ROOT, 'resources', rel) : path.join(dir, rel);
    const base = rel.startsWith('district/') ? path.join(ROOT, 'resources', 'district') : dir;
    if (!path.resolve(file).startsWith(base) || !fs.existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  })));
}

interface Stats { fps: number; p50: number; p95: number; renders: number; longTaskMs: number; unitFeaturesPerS: number }
interface Run { timeToIdleMs: number; district: Stats; street: Stats; streetIdle: Stats }

async function run(browser: Browser, url: string, mode: 'ours' | 'naive'): Promise<Run> {
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  const outside: string[] = [];
  page.on('request', (r) => {
    if (!/^(http:\/\/127\.0\.0\.1[:/]|data:|blob:)/.test(r.url())) outside.push(r.url());
  });
  page.on('pageerror', (e) => console.error(`[bench map ${mode}]`, e.message));
  await page.goto(url);
  await page.waitForFunction('!!window.__mapBench');
  // Strings, not functions: tsx's name helper does not exist in the page.
  const { timeToIdleMs } = (await page.evaluate(`window.__mapBench.start(${JSON.stringify(mode)}, ${CASES}, ${UNITS})`)) as { timeToIdleMs: number };
  await page.evaluate('window.__mapBench.startUpdates()');
  const district = (await page.evaluate(`window.__mapBench.measure(${MEASURE_MS})`)) as Stats;
  await page.evaluate('window.__mapBench.zoomTo(14.5)');
  // The street's tiles and glyphs first: the window measures the updates, not the zoom.
  await page.evaluate('window.__mapBench.tilesLoaded(10000)');
  await page.waitForTimeout(1000);
  const street = (await page.evaluate(`window.__mapBench.measure(${MEASURE_MS})`)) as Stats;
  // Updates stop: does the map come to rest (no repaint when nothing changes)?
  await page.evaluate('window.__mapBench.stopUpdates()');
  await page.evaluate('window.__mapBench.idle(15000)');
  const streetIdle = (await page.evaluate('window.__mapBench.measure(3000)')) as Stats;
  await page.close();
  if (outside.length) throw new Error(`the map bench page asked outside 127.0.0.1: ${outside.slice(0, 3).join(', ')}`);
  return { timeToIdleMs, district, street, streetIdle };
}

export async function benchMap(): Promise<Figure[]> {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-map-'));
  await build({
    root: path.join(ROOT, 'renderer/features/map/bench'),
    base: './',
    configFile: false,
    logLevel: 'error',
    build: { outDir: out, emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 5000 },
  });
  const server = await serve(out);
  const browser = await launchChromium();
  try {
    const ours = await run(browser, server.url, 'ours');
    const naive = await run(browser, server.url, 'naive');
    const f = (name: string, value: number, unit: string, yard?: number): Figure =>
      ({ name: `map.${name}`, value, unit, ...(yard !== undefined ? { ratio: value / yard, yardstick: `map.naive.${name.split('.').slice(1).join('.')}` } : {}) });
    const figures: Figure[] = [];
    for (const [label, o, n] of [['district', ours.district, naive.district], ['street', ours.street, naive.street]] as const) {
      const perS = (x: number) => x / (MEASURE_MS / 1000);
      figures.push(
        f(`ours.${label}.fps`, o.fps, 'frames/s', n.fps),
        f(`ours.${label}.repaints`, perS(o.renders), 'renders/s', perS(n.renders) || undefined),
        f(`ours.${label}.frame_p95`, o.p95, 'ms', n.p95),
        f(`ours.${label}.long_tasks`, perS(o.longTaskMs), 'ms/s', perS(n.longTaskMs) || undefined),
        f(`ours.${label}.unit_features`, o.unitFeaturesPerS, 'features/s', n.unitFeaturesPerS),
        f(`naive.${label}.fps`, n.fps, 'frames/s'),
        f(`naive.${label}.repaints`, perS(n.renders), 'renders/s'),
        f(`naive.${label}.frame_p95`, n.p95, 'ms'),
        f(`naive.${label}.long_tasks`, perS(n.longTaskMs), 'ms/s'),
        f(`naive.${label}.unit_features`, n.unitFeaturesPerS, 'features/s'),
      );
    }
    figures.push(
      // What the machine was doing besides (these figures are repaint-bound in software GL).
      { name: 'map.loadavg_1min', value: os.loadavg()[0]!, unit: 'runnable' },
      f('ours.time_to_idle', ours.timeToIdleMs, 'ms', naive.timeToIdleMs),
      f('naive.time_to_idle', naive.timeToIdleMs, 'ms'),
      f('ours.repaints_at_rest', ours.streetIdle.renders / 3, 'renders/s'),
      f('naive.repaints_at_rest', naive.streetIdle.renders / 3, 'renders/s'),
    );
    return figures;
  } finally {
    await browser.close();
    await server.close();
    fs.rmSync(out, { recursive: true, force: true });
  }
}

// `npx tsx bench/map.ts`: this bench alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  for (const fig of await benchMap()) console.log(JSON.stringify(fig));
}
