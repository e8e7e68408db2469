/**
 * `npm run simulate`: starts a hub on a data directory and drives it with the simulator, on
 * the simulator's clock, so deadlines, overdue marks and timelines all run at the chosen speed.
 */
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { startHub } from '../server';
import { Simulator } from './simulator';

export const SIMULATE_HELP = `npm run simulate -- [options]
  --hub-data <dir>        the hub's data directory (./data/sim); created if missing
  --speed <x>             simulated seconds per real second, 1–3600 (60)
  --seed <n>              random seed: the same seed and start replay the same day (1)
  --scenario <s>          day | typhoon (day)
  --duration <d>          simulated time to run, e.g. 90m, 8h, 2d (until Ctrl-C)
  --start <time>          simulated start, ISO 8601, e.g. 2026-07-15T07:00+08:00 (now)
  --cases-per-day <n>     background reports a day across the district (900)
  --host <addr>           hub listen address (127.0.0.1)
  --port <n>              hub port, for the app to watch (7410; 0 = any free port)
The hub runs on simulated time: at --speed 3600 an hour passes every second, and the data
directory keeps those times. Use a directory of its own, never one a running hub uses. A
fresh directory gets the default accounts; their passwords are printed once.`;

const duration = z.string().regex(/^\d+(\.\d+)?(m|h|d)$/, 'a number with m, h or d, e.g. 90m, 8h, 2d')
  .transform((s) => Number(s.slice(0, -1)) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[s.slice(-1) as 'm' | 'h' | 'd']);

export const SimulateOptionsSchema = z.strictObject({
  hubData: z.string().min(1).default('./data/sim'),
  speed: z.coerce.number({ error: 'speed must be a number' }).min(1, 'speed is at least 1').max(3600, 'speed is at most 3600').default(60),
  seed: z.coerce.number({ error: 'seed must be a number' }).int('seed must be an integer').min(0).max(2 ** 32 - 1).default(1),
  scenario: z.enum(['day', 'typhoon'], { error: 'scenario is day or typhoon' }).default('day'),
  duration: duration.optional(),
  start: z.string().refine((s) => /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(s) && !Number.isNaN(Date.parse(s)), 'start is an ISO 8601 time, e.g. 2026-07-15T07:00+08:00')
    .transform((s) => Date.parse(s)).optional(),
  casesPerDay: z.coerce.number({ error: 'cases-per-day must be a number' }).int().min(1).max(100_000).default(900),
  host: z.string().min(1).default('127.0.0.1'),
  port: z.coerce.number({ error: 'port must be a number' }).int().min(0).max(65535).default(7410),
});
export type SimulateOptions = z.infer<typeof SimulateOptionsSchema>;

/** `--key value` / `--key=value` pairs, kebab-case names to camelCase keys. */
function readArgs(argv: readonly string[]): { values: Record<string, string>; help: boolean } {
  const values: Record<string, string> = {};
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--help' || a === '-h') { help = true; continue; }
    if (!a.startsWith('--')) throw new Error(`unexpected argument '${a}'`);
    const [k, inline] = a.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    const next = argv[i + 1];
    const value = inline ?? (next !== undefined && !next.startsWith('--') ? (i++, next) : undefined);
    if (value === undefined) throw new Error(`--${k} needs a value`);
    values[k.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())] = value;
  }
  return { values, help };
}

const kebab = (k: string) => k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** Parses argv; throws an Error whose message lists every bad option. */
export function parseSimulateArgs(argv: readonly string[]): { options: SimulateOptions; help: boolean } {
  const { values, help } = readArgs(argv);
  const parsed = SimulateOptionsSchema.safeParse(values);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => (i.code === 'unrecognized_keys'
      ? `  unknown option(s): ${i.keys.map((k) => `--${kebab(k)}`).join(', ')}`
      : `  --${kebab(String(i.path[0] ?? ''))}: ${i.message}`));
    throw new Error(`invalid options:\n${lines.join('\n')}`);
  }
  return { options: parsed.data, help };
}

const beijing = (t: number) => new Date(t + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseSimulateArgs(process.argv.slice(2));
  } catch (e) {
    console.error((e as Error).message);
    console.error('run with --help for the options');
    process.exit(2);
  }
  if (parsed.help) return void console.log(SIMULATE_HELP);
  const o = parsed.options;
  let sim: Simulator | null = null;
  const hub = await startHub({
    dataDir: o.hubData, host: o.host, port: o.port, defaultAccounts: true,
    // Before the simulator exists (seeding a fresh store) the hub already lives at the chosen start.
    clock: () => sim?.now() ?? o.start ?? Date.now(),
    // Sessions and lockouts are for the people watching: keep them in real time.
    sessionTtlMs: 12 * 3_600_000 * o.speed, lockoutMs: 15 * 60_000 * o.speed,
    // Check deadlines every 15 simulated minutes or 250 ms, whichever is longer.
    timerIntervalMs: Math.min(30_000, Math.max(250, (15 * 60_000) / o.speed)),
  }).catch((e: unknown) => {
    const busy = (e as { code?: string }).code === 'EADDRINUSE';
    console.error(busy ? `port ${o.port} is in use (another hub?); choose --port` : `cannot start the hub: ${(e as Error).message}`);
    process.exit(1);
  });
  // Never run the hub's clock backwards: a faster earlier run may have stored later times.
  const last = (hub.core.db.prepare('SELECT MAX(at) AS at FROM events').get() as { at: number | null }).at ?? 0;
  const wanted = o.start ?? Date.now();
  const start = last > wanted ? last + 1000 : wanted;
  if (o.start !== undefined && start > o.start) console.log(`[simulate] the store already holds events up to ${beijing(last)}; starting after them`);
  sim = new Simulator(hub.core, hub.positions, {
    seed: o.seed, speed: o.speed, scenario: o.scenario, start, casesPerDay: o.casesPerDay,
    log: (m) => console.log(`[simulate] ${m}`),
    onOperationNeeded: (cases) => console.log(`[simulate] emergency operation needed for ${cases.length} cases (${cases.slice(0, 5).map((c) => c.id).join(', ')}…)`),
  });
  sim.start();
  console.log(`[simulate] hub on ${hub.url}, simulated time from ${beijing(start)} (Beijing) at ${o.speed}×`);

  const report = () => {
    const s = sim!.stats();
    const applied = Object.values(s.commands).reduce((a, b) => a + b, 0);
    const refused = Object.values(s.refusals).reduce((a, b) => a + b, 0);
    const byStatus = Object.fromEntries((hub.core.db.prepare('SELECT status, COUNT(*) AS n FROM cases GROUP BY status').all() as { status: string; n: number }[]).map((r) => [r.status, r.n]));
    const open = Object.entries(byStatus).filter(([k]) => k !== 'closed' && k !== 'rejected').reduce((a, [, n]) => a + n, 0);
    console.log(`[simulate] ${beijing(s.simulatedAt)}  commands ${applied} (refused ${refused})  cases open ${open}, closed ${byStatus.closed ?? 0}  ${s.effectiveSpeed}×  ${s.commandsPerRealSecond} cmd/s`);
  };
  const progress = setInterval(report, 10_000);
  const deadline = o.duration === undefined ? null : setInterval(() => {
    if (sim!.now() >= start + o.duration!) void finish();
  }, 200);
  let finishing = false;
  async function finish(): Promise<void> {
    if (finishing) return;
    finishing = true;
    clearInterval(progress);
    if (deadline) clearInterval(deadline);
    sim!.dispose();
    report();
    const s = sim!.stats();
    if (s.refusalLog.length) console.log('[simulate] last refusals:', s.refusalLog.slice(-5));
    await hub.close();
    process.exit(0);
  }
  process.on('SIGINT', () => void finish());
  process.on('SIGTERM', () => void finish());
}

// Only as a program: tests import the parser without starting a hub.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) void main();
