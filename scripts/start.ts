/**
 * `npm start`: builds what is stale, starts the embedded hub with the default district and the
 * simulator (unless --hub is given), then the console: Electron when its binary is there or can
 * be fetched, otherwise browser mode.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { z } from 'zod';
import { startHub } from '../hub/server';
import { HubAddressesSchema } from '../main/core/sync/hubs';
import { STORE_FILE } from '../hub/simulator/history';
import { startBrowserApp } from '../main/web/app';
import { findBrowser } from '../main/web/browser';
import { progressPrinter } from '../hub/simulator/progress';

const ROOT = path.resolve(import.meta.dirname, '..');

const HELP = `npm start -- [options]
  --browser            browser mode even when Electron is available
  --no-open            do not open a window (servers, walls, scripts); the address is printed
  --hub <url>[,<url>…]  use this hub instead of the embedded one (login required); a cluster's
                       nodes as a list, tried in order when one cannot be reached
  --data-dir <dir>     where the app keeps its files (default: the user data folder)
  --host <addr>        browser mode address (127.0.0.1; off loopback needs --tls-key/--tls-cert)
  --port <n>           browser mode port (7420; 0 = any)
  --tls-key <file>     --tls-cert <file>   TLS for browser mode
  --speed <x>          simulator speed on the embedded district (1)
  --scenario <s>       day | typhoon (day)
  --no-simulator       embedded district without the simulator
  --history-days <n>   days of recent past a new embedded store starts with (30; 0 = none)
  --reset              remove the embedded hub's store and the workstation replicas first
                       (a fresh district: new accounts, a newly generated month)
  --help               this text
Environment: LINKAGE_DATA_DIR, CHROME_PATH (the browser to open in browser mode).`;

const Options = z.object({
  browser: z.boolean().default(false),
  open: z.boolean().default(true),
  hub: HubAddressesSchema.nullable().default(null),
  dataDir: z.string().min(1).default(process.env.LINKAGE_DATA_DIR ?? userDataDir()),
  host: z.string().default('127.0.0.1'),
  port: z.coerce.number().int().min(0).max(65535).default(7420),
  tlsKey: z.string().nullable().default(null),
  tlsCert: z.string().nullable().default(null),
  speed: z.coerce.number().positive().max(3600).default(1),
  scenario: z.enum(['day', 'typhoon']).default('day'),
  simulator: z.boolean().default(true),
  historyDays: z.coerce.number().int().min(0).max(90).default(30),
  reset: z.boolean().default(false),
  help: z.boolean().default(false),
});

function userDataDir(): string {
  const home = os.homedir();
  if (process.platform === 'win32') return path.join(process.env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'linkage-command-center');
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'linkage-command-center');
  return path.join(process.env.XDG_DATA_HOME ?? path.join(home, '.local', 'share'), 'linkage-command-center');
}

function parse(argv: string[]): z.infer<typeof Options> {
  const raw: Record<string, unknown> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) throw new Error(`unexpected argument '${a}'`);
    const key = a.slice(2).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    if (key.startsWith('no') && key.length > 2) raw[key[2]!.toLowerCase() + key.slice(3)] = false;
    else if (['browser', 'help', 'reset'].includes(key)) raw[key] = true;
    else raw[key] = argv[++i];
  }
  const r = Options.safeParse(raw);
  if (!r.success) throw new Error(r.error.issues.map((x) => `--${x.path.join('.')}: ${x.message}`).join('\n'));
  return r.data;
}

/** Newest modification time under a folder (sources) or of a file. */
function newest(p: string): number {
  if (!fs.existsSync(p)) return 0;
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(0, ...fs.readdirSync(p).map((f) => newest(path.join(p, f))));
}

function buildRendererIfStale(log: (m: string) => void): void {
  const out = path.join(ROOT, 'dist/renderer/index.html');
  const sources = Math.max(newest(path.join(ROOT, 'renderer')), newest(path.join(ROOT, 'shared')), newest(path.join(ROOT, 'vite.config.ts')));
  if (fs.existsSync(out) && fs.statSync(out).mtimeMs >= sources) return;
  log('building the renderer (vite build)…');
  const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('the renderer did not build');
}

/** The Electron binary's path when present, else null (ARCHITECTURE §7: it may not be downloadable). */
function electronBinary(log: (m: string) => void): string | null {
  const pkg = path.join(ROOT, 'node_modules/electron');
  if (!fs.existsSync(pkg)) return null;
  const pathTxt = path.join(pkg, 'path.txt');
  if (!fs.existsSync(pathTxt)) {
    log('fetching the Electron binary (first start)…');
    const r = spawnSync(process.execPath, [path.join(pkg, 'install.js')], { cwd: pkg, stdio: 'pipe', timeout: 120_000 });
    if (r.status !== 0 || !fs.existsSync(pathTxt)) return null;
  }
  const bin = path.join(pkg, 'dist', fs.readFileSync(pathTxt, 'utf8').trim());
  return fs.existsSync(bin) ? bin : null;
}

/** `--reset`: the embedded hub's store and every workstation's replica and outbox go; said before it is done. */
function reset(dataDir: string, say: (m: string) => void): void {
  for (const dir of ['hub', 'workstation']) {
    const p = path.join(dataDir, dir);
    if (!fs.existsSync(p)) continue;
    say(`--reset: removing ${p}${dir === 'workstation' ? ' (replicas and any commands not yet sent)' : ' (the embedded district and its accounts)'}`);
    fs.rmSync(p, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  let o: z.infer<typeof Options>;
  try {
    o = parse(process.argv.slice(2));
  } catch (e) {
    console.error((e as Error).message);
    console.error('npm start -- --help lists the options');
    process.exit(2);
  }
  if (o.help) return console.log(HELP);

  fs.mkdirSync(path.join(o.dataDir, 'logs'), { recursive: true });
  const logFile = fs.createWriteStream(path.join(o.dataDir, 'logs', 'app.log'), { flags: 'a' });
  const log = (m: string) => logFile.write(`${new Date().toISOString()} ${m}\n`);
  const say = (m: string) => {
    console.log(m);
    log(m);
  };
  say(`data and logs: ${o.dataDir}`);
  if (o.reset) reset(o.dataDir, say);

  buildRendererIfStale(say);

  let hubUrl = o.hub;
  let credentialsFile: string | null = null;
  let closeHub = async () => {};
  if (!hubUrl) {
    credentialsFile = path.join(o.dataDir, 'hub', 'credentials.json');
    const hubDir = path.join(o.dataDir, 'hub');
    const firstStart = !fs.existsSync(path.join(hubDir, STORE_FILE));
    // The month is made only with the simulator, which goes on from where it ends.
    const history = firstStart && o.simulator && o.historyDays > 0;
    if (history) say(`first start: generating the last ${o.historyDays} days of the district (about ${Math.max(5, Math.round(o.historyDays * 1.5))} s here)…`);
    const progress = progressPrinter();
    const hub = await startHub({
      dataDir: hubDir, host: '127.0.0.1', port: 0, defaultAccounts: true, credentialsFile,
      simulator: o.simulator ? { speed: o.speed, seed: 1, scenario: o.scenario } : null,
      history: history ? { days: o.historyDays, seed: 1, onProgress: (p) => progress.onProgress(p) } : null,
      log: (m) => (m.startsWith('  ') || m.startsWith('default') || m.startsWith('history') ? say(`[hub] ${m}`) : log(`[hub] ${m}`)),
    });
    progress.done();
    hubUrl = hub.url;
    closeHub = () => hub.close();
    say(`embedded hub: ${hub.url} (default district${o.simulator ? `, simulator ×${o.speed}` : ''})`);
  }

  const electron = o.browser ? null : electronBinary(log);
  if (!o.browser && !electron) say('Electron binary not available here (it could not be downloaded): running in browser mode.');
  if (electron) {
    const child = spawn(electron, [path.join(ROOT, 'dist/main/electron/app.js'), `--hub=${hubUrl}`, `--data-dir=${o.dataDir}`, ...(credentialsFile ? [`--credentials=${credentialsFile}`] : [])], { stdio: 'inherit' });
    child.on('exit', () => void closeHub().then(() => process.exit(0)));
    return;
  }

  const app = await startBrowserApp({
    dataDir: o.dataDir, hubUrl, credentialsFile, defaultUser: credentialsFile ? 'officer' : null,
    staticDir: path.join(ROOT, 'dist/renderer'), host: o.host, port: o.port,
    tls: o.tlsKey && o.tlsCert ? { key: o.tlsKey, cert: o.tlsCert } : null, log,
  });
  say(`console: ${app.server.openUrl}`);
  say(`wall:    ${app.server.url}/wall/main?token=${app.server.token}`);
  if (o.open) {
    const browser = findBrowser();
    if (browser) {
      spawn(browser, [`--app=${app.server.openUrl}`, '--no-first-run', '--enable-unsafe-swiftshader', `--user-data-dir=${path.join(o.dataDir, 'browser')}`], { stdio: 'ignore', detached: true }).unref();
      say(`opened ${path.basename(browser)}`);
    } else {
      say('no Chromium found to open (set CHROME_PATH); open the console address above in a browser.');
    }
  }
  const stop = async () => {
    await app.close();
    await closeHub();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

void main().catch((e: unknown) => {
  console.error(`npm start failed: ${(e as Error).message}`);
  process.exit(1);
});
