/**
 * Settings of a standalone hub: defaults < config file < environment < command line. Each bad
 * value is named with what was expected, and the hub does not start.
 */
import fs from 'node:fs';
import { z } from 'zod';

export const HubConfigSchema = z.strictObject({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.coerce.number().int().min(0).max(65535).default(7410),
  dataDir: z.string().min(1).default('./data/hub'),
  defaultAccounts: z.coerce.boolean().default(true),
  credentialsFile: z.string().min(1).nullable().default(null),
  sessionTtlHours: z.coerce.number().positive().max(24 * 30).default(12),
  maxFailedLogins: z.coerce.number().int().min(1).max(100).default(5),
  lockoutMinutes: z.coerce.number().positive().max(24 * 60).default(15),
  keepDays: z.coerce.number().int().min(1).max(3650).default(30),
  simulator: z.coerce.boolean().default(false),
  simulatorSpeed: z.coerce.number().positive().max(3600).default(1),
  simulatorSeed: z.coerce.number().int().default(1),
  simulatorScenario: z.enum(['day', 'typhoon']).default('day'),
  /** Days of the simulator's recent past generated into a new store (0: none). */
  historyDays: z.coerce.number().int().min(0).max(90).default(0),
  /** The shared store of a cluster: a PostgreSQL address; absent = the embedded SQLite store in dataDir. */
  store: z.string().regex(/^postgres(ql)?:\/\/\S+$/, 'a postgres://user:password@host:port/database address').nullable().default(null),
  /** This node's name (logs, health, the officers' connection line). */
  node: z.string().regex(/^[A-Za-z0-9._-]{1,32}$/, 'letters, digits, . _ - (1–32)').default('hub'),
}).refine((c) => !(c.store && c.simulator), { message: 'the simulator runs only on the embedded store: drop --simulator or --store', path: ['simulator'] });
export type HubConfig = z.infer<typeof HubConfigSchema>;

const ENV: Record<string, keyof HubConfig> = {
  LINKAGE_HUB_HOST: 'host', LINKAGE_HUB_PORT: 'port', LINKAGE_HUB_DATA: 'dataDir',
  LINKAGE_HUB_DEFAULT_ACCOUNTS: 'defaultAccounts', LINKAGE_HUB_CREDENTIALS_FILE: 'credentialsFile',
  LINKAGE_HUB_SESSION_TTL_HOURS: 'sessionTtlHours', LINKAGE_HUB_MAX_FAILED_LOGINS: 'maxFailedLogins',
  LINKAGE_HUB_LOCKOUT_MINUTES: 'lockoutMinutes', LINKAGE_HUB_KEEP_DAYS: 'keepDays',
  LINKAGE_HUB_SIMULATOR: 'simulator', LINKAGE_HUB_SIMULATOR_SPEED: 'simulatorSpeed',
  LINKAGE_HUB_SIMULATOR_SEED: 'simulatorSeed', LINKAGE_HUB_SIMULATOR_SCENARIO: 'simulatorScenario',
  LINKAGE_HUB_HISTORY_DAYS: 'historyDays', LINKAGE_STORE: 'store', LINKAGE_HUB_NODE: 'node',
};

function bool(v: string): boolean | string {
  if (/^(1|true|yes|on)$/i.test(v)) return true;
  if (/^(0|false|no|off)$/i.test(v)) return false;
  return v;
}

/** Parses `--key value` / `--key=value` / `--flag` pairs into config keys (kebab → camel). */
export function parseArgs(argv: readonly string[]): { values: Record<string, unknown>; config?: string; help: boolean } {
  const values: Record<string, unknown> = {};
  let config: string | undefined;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--help' || a === '-h') { help = true; continue; }
    if (!a.startsWith('--')) throw new Error(`unexpected argument '${a}'`);
    const [k, inline] = a.slice(2).split('=', 2) as [string, string | undefined];
    const key = k.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    const next = argv[i + 1];
    const value = inline ?? (next !== undefined && !next.startsWith('--') ? (i++, next) : 'true');
    if (key === 'config') config = value;
    else values[key] = bool(value);
  }
  return { values, config, help };
}

export function loadHubConfig(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): { config: HubConfig; help: boolean } {
  const args = parseArgs(argv);
  const file = args.config ?? env.LINKAGE_HUB_CONFIG;
  let fromFile: Record<string, unknown> = {};
  if (file) {
    try {
      fromFile = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch (e) {
      throw new Error(`config file ${file}: ${(e as Error).message}`);
    }
  }
  const fromEnv: Record<string, unknown> = {};
  for (const [name, key] of Object.entries(ENV)) if (env[name] !== undefined) fromEnv[key] = bool(env[name]!);
  const parsed = HubConfigSchema.safeParse({ ...fromFile, ...fromEnv, ...args.values });
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(config)'}: ${i.message}`);
    throw new Error(`invalid hub settings:\n${lines.join('\n')}`);
  }
  return { config: parsed.data, help: args.help };
}

export const HUB_HELP = `npm run hub -- [options]
  --config <file.json>        settings file (also LINKAGE_HUB_CONFIG)
  --host <addr>               listen address (127.0.0.1)
  --port <n>                  port (7410; 0 = any free port)
  --data-dir <dir>            where the SQLite store lives (./data/hub)
  --default-accounts <bool>   create default accounts on first start (true)
  --credentials-file <file>   also write first-start passwords there (mode 0600)
  --session-ttl-hours <n>     login session lifetime (12)
  --max-failed-logins <n>     failures before lockout (5)
  --lockout-minutes <n>       lockout duration (15)
  --keep-days <n>             event log compaction horizon (30)
  --simulator <bool>          run the simulator (false)
  --simulator-speed <x>       simulated time factor, 1–3600 (1)
  --simulator-seed <n>        simulator seed (1)
  --simulator-scenario <s>    day | typhoon (day)
  --history-days <n>          a new store starts with this many days of simulated past, 0–90 (0)
  --store <postgres://…>      run as a node of a cluster on this PostgreSQL (also LINKAGE_STORE);
                              --data-dir then keeps only this node's view (see deploy/README.md)
  --node <name>               this node's name, shown to officers and in /api/health (hub)
The environment, read under the command line (the names differ for --data-dir and --store):
${Object.entries(ENV).map(([env, key]) => `  ${env.padEnd(34)}--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join('\n')}`;
