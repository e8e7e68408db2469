/** The whole app for UI tests: a real hub, the browser-mode app (real core processes), Chromium. */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startHub, type RunningHub, type HubOptions } from '../../../hub/server';
import { startBrowserApp } from '../../../main/web/app';
import { tmpDir } from '../../integration/helpers/hub';
import { launchChromium } from './chromium';

export const ROOT = path.resolve(import.meta.dirname, '../../..');

export interface TestApp {
  dir: string;
  hub: RunningHub;
  hubPort: number;
  app: Awaited<ReturnType<typeof startBrowserApp>>;
  browser: Browser;
  credentials: { accounts: Array<{ username: string; password: string }> };
  open(path?: string, user?: string): Promise<Page>;
  /** Cut the hub (close it) and bring it back on the same port and store. */
  cutHub(): Promise<void>;
  restoreHub(): Promise<void>;
  close(): Promise<void>;
}

export async function startTestApp(opts: { defaultUser?: string | null; hub?: Partial<HubOptions> } = {}): Promise<TestApp> {
  // Removed by close(), and in any case when the test file ends (test/helpers/tmp.ts).
  const dir = tmpDir('e2e-');
  const credentialsFile = path.join(dir, 'hub', 'credentials.json');
  const hubOpts: HubOptions = { dataDir: path.join(dir, 'hub'), port: 0, defaultAccounts: true, credentialsFile, log: () => {}, timerIntervalMs: 1000, positionIntervalMs: 200, ...opts.hub };
  let hub: RunningHub | null = await startHub(hubOpts);
  const hubPort = hub.port;
  // Half started: stop what did start (the app's core processes included) before failing.
  const app = await startBrowserApp({ dataDir: dir, hubUrl: hub.url, credentialsFile, defaultUser: opts.defaultUser === undefined ? 'officer' : opts.defaultUser, staticDir: process.env.LINKAGE_TEST_STATIC_DIR ?? path.join(ROOT, 'dist/renderer'), log: () => {} })
    .catch(async (e: unknown) => { await stopAll([hub]); throw e; });
  const browser = await launchChromium().catch(async (e: unknown) => { await stopAll([app, hub]); throw e; });
  const credentials = JSON.parse(fs.readFileSync(credentialsFile, 'utf8')) as TestApp['credentials'];
  const t: TestApp = {
    dir, get hub() { return hub!; }, hubPort, app, browser, credentials,
    async open(p = '/') {
      const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
      page.on('pageerror', (e) => console.error('[page]', e.message));
      await page.goto(`${app.server.url}${p}${p.includes('?') ? '&' : '?'}token=${app.server.token}`);
      return page;
    },
    async cutHub() {
      await hub!.close();
      hub = null;
    },
    async restoreHub() {
      hub = await startHub({ ...hubOpts, port: hubPort });
    },
    async close() {
      await stopAll([browser, app, hub]);
      // Everything that wrote there is stopped; also when used outside vitest (a probe script).
      fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    },
  };
  return t;
}

/** Closes each in turn, the later ones even when an earlier one fails; then throws the first failure. */
async function stopAll(parts: Array<{ close(): Promise<unknown> } | null>): Promise<void> {
  let failure: unknown = null;
  for (const p of parts) {
    try {
      await p?.close();
    } catch (e) {
      failure ??= e;
    }
  }
  if (failure) throw failure;
}
