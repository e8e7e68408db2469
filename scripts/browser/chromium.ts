/**
 * The Chromium that the UI tests and the benches drive: $CHROME_PATH, else the system's
 * chromium/google-chrome, else the one inside @sparticuz/chromium (binary shipped in the npm
 * package, WebGL through SwiftShader), so `npm test` passes on a fresh machine with no apt step.
 *
 * It never sees the machine's fonts (issue 15): its fontconfig lists only DejaVu, from the
 * `dejavu-fonts-ttf` package — what a fresh Debian workstation has, Latin with no Chinese — so a
 * page that reads well here reads well on a workstation without CJK fonts, and a machine that
 * happens to have them cannot hide a missing bundled font. (With no font at all Chromium's
 * renderer crashes on the console page; a real machine always has some.)
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium as playwright, type Browser } from 'playwright-core';

const SYSTEM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

/** Flags for a closed network and software WebGL (ARCHITECTURE §7). */
export const CHROMIUM_FLAGS = [
  '--no-sandbox', '--disable-gpu-sandbox', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-quic', '--disable-dev-shm-usage',
  '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist',
];

const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * Writes the fontconfig file (absolute paths: Chromium's bundled fontconfig ignores relative
 * ones and falls back to the machine's fonts when it finds no folder) under node_modules/.cache,
 * with its font cache beside it: nothing in the temp dir, and reused across runs.
 */
export function workstationFontConfig(): string {
  const fonts = path.join(ROOT, 'node_modules/dejavu-fonts-ttf/ttf');
  if (!fs.existsSync(path.join(fonts, 'DejaVuSans.ttf'))) throw new Error(`no DejaVu fonts at ${fonts}: run npm install`);
  const dir = path.join(ROOT, 'node_modules/.cache/linkage-fontconfig');
  const file = path.join(dir, 'fonts.conf');
  const xml = `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<!-- Written by scripts/browser/chromium.ts: the test browser sees DejaVu only, never the machine's fonts. -->
<fontconfig>
  <dir>${fonts}</dir>
  <cachedir>${path.join(dir, 'cache')}</cachedir>
</fontconfig>
`;
  if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== xml) {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(file, xml);
  }
  return file;
}

export async function findChromium(): Promise<{ path: string; origin: string }> {
  const env = process.env.CHROME_PATH;
  if (env) {
    if (!fs.existsSync(env)) throw new Error(`CHROME_PATH=${env} does not exist`);
    return { path: env, origin: 'CHROME_PATH' };
  }
  const system = SYSTEM.find((p) => fs.existsSync(p));
  if (system) return { path: system, origin: 'system' };
  const { default: packaged } = await import('@sparticuz/chromium');
  return { path: await packaged.executablePath(), origin: '@sparticuz/chromium' };
}

/** The environment of the browser process: ours, with the machine's fonts out of sight. */
export function chromiumEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== 'FONTCONFIG_PATH') env[k] = v;
  env.FONTCONFIG_FILE = workstationFontConfig();
  return env;
}

export async function launchChromium(): Promise<Browser> {
  const found = await findChromium();
  return playwright.launch({ executablePath: found.path, headless: true, args: CHROMIUM_FLAGS, env: chromiumEnv() });
}
