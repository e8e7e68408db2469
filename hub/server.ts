/**
 * The hub as a running server: HTTP (login, sources, statistics, people, health) and socket.io on one port.
 * `startHub` is used by `npm run hub`, by the app for the embedded district, and by tests.
 */
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { Server } from 'socket.io';
import { HubCore } from './core';
import { loadRules } from './rules';
import { seedDistrict } from './seed';
import { createDefaultAccounts, type DefaultCredentials } from './auth/defaults';
import { attachSockets } from './transport/sockets';
import { bearer, readJson, send, sendError, type Route } from './transport/http';
import { sourceRoutes } from './sources/routes';
import { statsRoutes } from './stats/routes';
import { peopleRoutes } from './auth/people';
import { tracksRoutes } from './tracks';
import { ensureSourceKeys } from './sources/keys';
import { DeadlineTimer } from './deadlines/timer';
import { PositionStream } from './positions';
import { Simulator } from './simulator/simulator';
import { activateTyphoonOperation } from './simulator/typhoon';
import { ensureHistory, STORE_FILE, type HistoryProgress, type HistoryResult } from './simulator/history';
import { openPostgresStore, redactUrl } from './store/postgres/store';
import { openView } from './cluster/view';
import { DomainError } from '../shared/domain/errors';
import { LoginRequest } from '../shared/protocol';
import type { NewUser } from './auth/users';

export interface HubOptions {
  dataDir: string;
  host?: string;
  port?: number;
  /** Create the default accounts on first start and print their passwords once. */
  defaultAccounts?: boolean;
  /** Where the first start writes the generated credentials (mode 0600), for the embedded app. */
  credentialsFile?: string | null;
  sessionTtlMs?: number;
  maxFailedLogins?: number;
  lockoutMs?: number;
  /** Compaction keeps this many days of events. */
  keepDays?: number;
  timerIntervalMs?: number;
  positionIntervalMs?: number;
  clock?: () => number;
  /** Run the simulator inside this hub (the embedded district does by default). */
  simulator?: { speed: number; seed: number; scenario: 'day' | 'typhoon' } | null;
  /**
   * On the first start of a store (no hub.sqlite yet), generate this many days of the
   * simulator's recent past before listening (issue 15); later starts reuse the store.
   */
  history?: { days: number; seed: number; casesPerDay?: number; onProgress?: (p: HistoryProgress) => void } | null;
  /**
   * The shared store of a cluster (`postgres://…`): the log, answers, audit, users and keys
   * live there and `dataDir` keeps only this node's view. Null: the embedded SQLite store.
   */
  store?: string | null;
  /** This node's name in logs, health and on the officers' screens (a cluster's nodes differ). */
  node?: string;
  log?: (msg: string) => void;
}

export interface RunningHub {
  url: string;
  port: number;
  core: HubCore;
  positions: PositionStream;
  credentials: DefaultCredentials | null;
  /** What this start generated (null: the store existed, or no history was asked for). */
  history: HistoryResult | null;
  /** The embedded simulator's figures (null without one): tests check it goes on without errors. */
  simulatorStats(): ReturnType<Simulator['stats']> | null;
  createUser(u: NewUser): ReturnType<HubCore['users']['create']>;
  /** Whether this node runs the singleton work (deadline timer, compaction of the shared log): always on the embedded store. */
  leader(): boolean;
  /** Snapshots held for sockets right now (each a full copy of a scope; bounded, see sockets.ts). */
  heldSnapshots(): number;
  close(): Promise<void>;
}

export async function startHub(opts: HubOptions): Promise<RunningHub> {
  const log = opts.log ?? ((m: string) => console.log(`[hub] ${m}`));
  fs.mkdirSync(opts.dataDir, { recursive: true });
  if (opts.store && opts.simulator) throw new Error('the simulator runs only on the embedded store (no --store)');
  const node = opts.node ?? 'hub';
  const shared = opts.store ? await openPostgresStore(opts.store, { log }) : null;
  if (shared) log(`store ${redactUrl(opts.store!)} (log ${shared.log.logId}), node ${node}`);
  if (shared && opts.history) log('history: not generated on a shared store (a cluster keeps what its officers did)');
  const history = opts.history && !shared ? ensureHistory(opts.dataDir, { ...opts.history, log: (m) => log(`[history] ${m}`) }) : null;
  if (history) log(`history: ${history.days} days, ${history.cases} cases, ${history.events} events in ${history.seconds.toFixed(1)} s`);
  // Above 1× the hub lives on the simulator's clock, so deadlines and overdue marks run at that speed.
  const speed = opts.simulator?.speed ?? 1;
  let simulator: Simulator | null = null;
  const clock = opts.clock ?? (speed > 1 ? () => simulator?.now() ?? Date.now() : Date.now);
  const rules = loadRules();
  const auth = { sessionTtlMs: opts.sessionTtlMs ?? 12 * 3600_000, maxFailedLogins: opts.maxFailedLogins ?? 5, lockoutMs: opts.lockoutMs ?? 15 * 60_000 };
  const core = shared ? await openView(opts.dataDir, shared, rules, auth, clock, node, log) : new HubCore(path.join(opts.dataDir, STORE_FILE), rules, auth, clock);
  // Nodes starting together on an empty store: one seeds and makes the accounts and keys (their
  // passwords printed by that node), the others then find them made.
  const firstStart = async () => {
    await seedDistrict(core);
    const keys = await ensureSourceKeys(core);
    return { keys, credentials: opts.defaultAccounts ? await createDefaultAccounts(core, keys, opts.credentialsFile ?? null, log) : null };
  };
  const { keys: sourceKeys, credentials } = shared ? await shared.exclusively('first-start', firstStart) : await firstStart();
  if (sourceKeys && !opts.defaultAccounts) log('source API keys created; set them with rotateSourceKey or restart with default accounts to see them');

  const routes = new Map<string, Route>();
  routes.set('POST /api/login', async (req, res) => {
    const body = LoginRequest.safeParse(await readJson(req));
    if (!body.success) throw new DomainError('invalid_input', 'username and password are required');
    send(res, 200, await core.users.login(body.data.username, body.data.password));
  });
  routes.set('POST /api/logout', async (req, res) => {
    const token = bearer(req);
    if (token) await core.users.logout(token);
    send(res, 200, { ok: true });
  });
  // A monitor (or a workstation choosing a node) learns here whether this node can take commands.
  routes.set('GET /api/health', async (_req, res) => {
    const diverged = core.cluster?.diverged ?? null;
    const up = (shared?.available ?? true) && diverged === null;
    send(res, up ? 200 : 503, { ok: up, headSeq: core.log.headSeq, logId: core.logId, node, store: shared ? 'postgres' : 'embedded', leader: lease?.held ?? true, ...(diverged ? { problem: diverged } : {}) });
  });
  for (const [key, route] of sourceRoutes(core)) routes.set(key, route);
  for (const [key, route] of statsRoutes(core)) routes.set(key, route);
  for (const [key, route] of peopleRoutes(core)) routes.set(key, route);
  for (const [key, route] of tracksRoutes(core)) routes.set(key, route);

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://hub');
    const route = routes.get(`${req.method} ${url.pathname}`);
    if (!route) return send(res, 404, { code: 'not_found', message: `${req.method} ${url.pathname}` });
    route(req, res, url).catch((e: unknown) => {
      if (!(e instanceof DomainError)) log(`${req.method} ${url.pathname}: ${String(e)}`);
      sendError(res, e);
    });
  });
  const io = new Server(server, { serveClient: false, maxHttpBufferSize: 2 * 1024 * 1024, cors: { origin: false } });
  const sockets = attachSockets(io, core, log);
  const positions = new PositionStream(core, (list, scope) => sockets.positions(list, scope), opts.positionIntervalMs ?? 1000);
  // Singleton work runs on the node holding the lease (always here on the embedded store).
  const lease = shared ? shared.lease('singletons', 2000) : null;
  const leader = () => lease?.held ?? true;
  const timer = new DeadlineTimer(core, opts.timerIntervalMs ?? Math.max(250, 30_000 / speed), leader, log);
  const keepMs = (opts.keepDays ?? 30) * 86_400_000;
  const compaction = setInterval(() => {
    // Each node's view keeps its own copy of the log; the shared log is compacted once.
    core.log.compact(clock() - keepMs);
    if (shared && leader()) shared.log.compact(clock() - keepMs).catch((e: unknown) => log(`compaction: ${String(e)}`));
  }, 3600_000);
  compaction.unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  const url = `http://${opts.host ?? '127.0.0.1'}:${port}`;
  log(`listening on ${url} (seq ${core.log.headSeq}${shared ? `, node ${node}` : ''})`);
  if (opts.simulator) {
    // Never run the clock backwards: an earlier, faster run may have stored later times.
    const last = (core.db.prepare('SELECT MAX(at) AS at FROM events').get() as { at: number | null }).at ?? 0;
    const now = Date.now();
    simulator = new Simulator(core, positions, {
      ...opts.simulator, start: speed > 1 && last > now ? last + 1000 : now, log: (m) => log(`[simulator] ${m}`),
      // The typhoon's surge calls for an emergency operation: its coordinator activates the plan.
      onOperationNeeded: (cases) => {
        const r = activateTyphoonOperation(core, cases);
        log(`[simulator] typhoon operation: ${r.ok ? r.entityId : `${r.error.code} ${r.error.message}`}`);
      },
    });
    simulator.start();
  }

  return {
    url, port, core, positions, credentials, history,
    simulatorStats: () => simulator?.stats() ?? null,
    createUser: (u) => core.users.create(u),
    leader,
    heldSnapshots: () => sockets.heldSnapshots(),
    async close() {
      simulator?.dispose();
      clearInterval(compaction);
      timer.stop();
      positions.stop();
      sockets.close();
      await new Promise<void>((r) => io.close(() => r()));
      await core.close();
      await shared?.close();
    },
  };
}
