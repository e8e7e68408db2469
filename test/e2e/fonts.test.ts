// Issue 15: every window reads in Chinese with the fonts the app ships. The test Chromium sees no
// font of the machine's (scripts/browser/bundled-fonts-only.conf), so whatever is drawn here was
// drawn by the bundled Noto Sans SC — or not at all. Chromium's DevTools say which font drew each
// text node (CSS.getPlatformFontsForNode); a canvas shows that two characters have real, different
// shapes; the map's labels load their font files from the app's own origin.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CDPSession, Page } from 'playwright-core';
import { startTestApp, type TestApp } from './helpers/app';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
}, 120_000);

afterAll(async () => {
  await t?.close();
});

interface PlatformFont { familyName: string; postScriptName?: string; isCustomFont: boolean; glyphCount: number }

/** The fonts that drew the text of the first element matching `selector` (and its children's text nodes). */
async function fontsOf(page: Page, cdp: CDPSession, selector: string): Promise<PlatformFont[]> {
  const { root } = await cdp.send('DOM.getDocument', { depth: -1 }) as { root: { nodeId: number } };
  const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector }) as { nodeId: number };
  expect(nodeId, `no element ${selector} on ${page.url()}`).toBeGreaterThan(0);
  const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId }) as { fonts: PlatformFont[] };
  return fonts;
}

async function expectBundled(page: Page, selector: string, text: RegExp): Promise<void> {
  await page.locator(selector).first().waitFor({ timeout: 30_000 });
  await expect.poll(() => page.locator(selector).first().textContent(), { timeout: 10_000 }).toMatch(text);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('DOM.enable');
  await cdp.send('CSS.enable');
  // A slice arrives after first paint (font-display: swap): ask until it has drawn the text.
  let fonts: PlatformFont[] = [];
  await expect.poll(async () => {
    fonts = await fontsOf(page, cdp, selector);
    return fonts.every((f) => f.isCustomFont && /Noto Sans SC/.test(f.familyName)) && fonts.length > 0;
  }, { timeout: 15_000 }).toBe(true);
  expect(fonts.reduce((n, f) => n + f.glyphCount, 0)).toBeGreaterThan(1);
  await cdp.detach();
}

describe('bundled fonts (issue 15)', () => {
  it('the console draws its Chinese and Latin text with the bundled Noto Sans SC, and two characters have different real shapes', async () => {
    const page = await t.open('/');
    await page.locator('[data-testid="connection-bar"][data-state="online"]').waitFor({ timeout: 30_000 });
    await expectBundled(page, 'h1', /闵行|大联动|指挥/);

    // Drawn on a canvas, as ECharts and the map draw: the bundled face once loaded, and the same
    // characters in a family nobody ships, which this browser can only draw as blanks or boxes.
    const shapes = await page.evaluate(`(async () => {
      await document.fonts.load("48px 'Noto Sans SC Variable'", '统计报告');
      const draw = (ch, family) => {
        const c = document.createElement('canvas');
        c.width = 64; c.height = 64;
        const g = c.getContext('2d');
        g.fillStyle = '#fff'; g.fillRect(0, 0, 64, 64);
        g.fillStyle = '#000'; g.font = '48px ' + family; g.textBaseline = 'middle';
        g.fillText(ch, 8, 32);
        const d = g.getImageData(0, 0, 64, 64).data;
        let ink = 0; let sig = '';
        for (let i = 0; i < d.length; i += 4) { const on = d[i] < 128; if (on) ink++; sig += on ? '1' : '0'; }
        return { ink, sig };
      };
      const a = draw('统', "'Noto Sans SC Variable'");
      const b = draw('计', "'Noto Sans SC Variable'");
      const none1 = draw('统', "'No Such Font'");
      const none2 = draw('计', "'No Such Font'");
      return { a: a.ink, b: b.ink, differ: a.sig !== b.sig, fallbackSame: none1.sig === none2.sig, fallbackDiffers: a.sig !== none1.sig };
    })()`) as { a: number; b: number; differ: boolean; fallbackSame: boolean; fallbackDiffers: boolean };
    expect(shapes.a).toBeGreaterThan(100);
    expect(shapes.b).toBeGreaterThan(100);
    expect(shapes.differ).toBe(true);
    // Without the bundled font this browser has nothing to draw Chinese with: both characters
    // come out alike (blank or the same box) — the failure the issue saw, and what we are not.
    expect(shapes.fallbackSame).toBe(true);
    expect(shapes.fallbackDiffers).toBe(true);

    // Every font file came from the app's own origin.
    const fontUrls = await page.evaluate(`performance.getEntriesByType('resource').map((e) => e.name).filter((n) => /\\.woff2/.test(n))`) as string[];
    expect(fontUrls.length).toBeGreaterThan(0);
    for (const u of fontUrls) expect(new URL(u).origin).toBe(new URL(t.app.server.url).origin);
    await page.close();
  });

  it("the map's labels load the bundled font's files (maplibre font-faces), not the OS's", async () => {
    const page = await t.open('/');
    await page.locator('[data-testid="connection-bar"][data-state="online"]').waitFor({ timeout: 30_000 });
    // maplibre registers each file it loads for a drawn label under a family of its own making.
    await expect.poll(() => page.evaluate(`[...document.fonts].filter((f) => f.family.startsWith('maplibre-gl-font-face-') && f.status === 'loaded').length`), { timeout: 45_000 })
      .toBeGreaterThan(0);
    const style = await page.evaluate(`(() => {
      const m = window.__linkageMap && window.__linkageMap.maplibre;
      const s = m && m.getStyle ? m.getStyle() : null;
      return s ? { faces: Object.keys(s['font-faces'] || {}), files: (s['font-faces'] || {})['Noto Sans SC Variable']?.length ?? 0 } : null;
    })()`) as { faces: string[]; files: number } | null;
    if (style) {
      expect(style.faces).toEqual(['Noto Sans SC Variable']);
      expect(style.files).toBeGreaterThan(50);
    }
    await page.close();
  });

  it('the wall, the statistics window and the operation page draw Chinese with the bundled font', async () => {
    const wall = await t.open('/wall/main');
    await wall.locator('[data-testid="wall"]').waitFor({ timeout: 30_000 });
    await expectBundled(wall, '.wall-header h1', /[\u4e00-\u9fff]/);
    await wall.close();

    const stats = await t.open('/statistics');
    await stats.locator('[data-testid="statistics"][data-state="ready"]').waitFor({ timeout: 30_000 });
    await expectBundled(stats, '[data-testid="statistics"] h1, [data-testid="statistics"] h2', /[\u4e00-\u9fff]/);
    await stats.close();

    const board = await t.open('/operation');
    await board.locator('[data-testid="op-listpage"]').waitFor({ timeout: 30_000 });
    await expectBundled(board, '[data-testid="op-listpage"] h2', /[\u4e00-\u9fff]/);
    await board.close();
  });
});
