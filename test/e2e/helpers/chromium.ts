/**
 * Which Chromium the UI tests drive: $CHROME_PATH, else the system's chromium/google-chrome,
 * else the one inside @sparticuz/chromium (binary shipped in the npm package, WebGL through
 * SwiftShader), so `npm test` passes on a fresh machine with no apt step.
 */
import fs from 'node:fs';
import { chromium as playwright, type Browser } from 'playwright-core';

const SYSTEM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

/** Flags for a closed network and software WebGL (DESIGN §7). */
export const CHROMIUM_FLAGS = [
  '--no-sandbox', '--disable-gpu-sandbox', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-quic', '--disable-dev-shm-usage',
  '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist',
];

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

export async function launchChromium(): Promise<Browser> {
  const found = await findChromium();
  return playwright.launch({ executablePath: found.path, headless: true, args: CHROMIUM_FLAGS });
}
