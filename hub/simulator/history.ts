/**
 * A month of the district's recent past for a new store (issue 15): the simulator's normal day
 * driven in simulated time from `end − days` to `end`, synchronously and without timers, into
 * a store of its own. The hub's clock is the simulator's, so every event, audit entry, kept
 * answer and case timeline carries its historical time; the deadline watch runs every few
 * simulated minutes, so due-soon and overdue marks fall when they would have; storm episodes
 * bring emergency operations that are escalated, worked and stood down.
 *
 * Crash safety, simply: the month is generated into `hub.sqlite.generating` (synchronous=OFF:
 * nothing of it is worth an fsync until it is whole), closed, synced, and renamed into place.
 * A generation killed half-way leaves no `hub.sqlite`, so the next start throws the leftover
 * away and generates again; a store that exists is always whole and is reused.
 */
import fs from 'node:fs';
import path from 'node:path';
import { HubCore } from '../core';
import { loadRules } from '../rules';
import { seedDistrictNow } from '../seed';
import { PositionStream } from '../positions';
import { DeadlineWatch } from '../deadlines/timer';
import { StatsStore } from '../stats/store';
import { Simulator } from './simulator';
import { StormEpisodes } from './episode';
import { Rng } from './random';
import { TrackRecorder, TRACK_EVERY_MS, TRACKS_KEPT_MS } from './tracks';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Deadline passes, simulated: the live hub looks every 30 s; every 5 minutes is as good for a month. */
const DEADLINE_EVERY_MS = 5 * MIN;
/** Units go out in the last days only (their tracks are kept for the last one): see SimulatorOptions.unitsFrom. */
const UNITS_DAYS = 3;
/** One outer transaction per simulated hour: hundreds of commands per commit. */
const CHUNK_MS = HOUR;

export const HISTORY_META = 'history';
export const STORE_FILE = 'hub.sqlite';
const PARTIAL_SUFFIX = '.generating';

export interface HistoryOptions {
  days: number;
  seed: number;
  /** The end of the history (default: now); it starts `days` before. */
  end?: number;
  casesPerDay?: number;
  /** Start times of storm episodes; default: two in a month, one in a short history, none under 2 days. */
  storms?: readonly number[];
  onProgress?: (p: HistoryProgress) => void;
  log?: (msg: string) => void;
}

export interface HistoryProgress {
  /** 0..1 of the simulated span done. */
  fraction: number;
  /** The simulated day being generated (1-based) and how many there are. */
  day: number;
  days: number;
  elapsedMs: number;
  /** Estimated real time left, from the pace so far (null before the first chunk). */
  leftMs: number | null;
}

export interface HistoryResult {
  from: number;
  to: number;
  days: number;
  seed: number;
  seconds: number;
  /** CPU seconds of this process meanwhile: the figure that holds on a machine shared with others. */
  cpuSeconds: number;
  cases: number;
  events: number;
  commands: number;
  refusals: number;
  errors: number;
  operations: { activated: number; stoodDown: number };
  trackSamples: number;
}

/** Default storm starts: spread over the span, each in a morning, each with a day and a half to run its course. */
export function planStorms(rng: Rng, from: number, to: number): number[] {
  const span = to - from;
  const n = span >= 10 * DAY ? 2 : span >= 2 * DAY ? 1 : 0;
  const usable = span - 36 * HOUR;
  const out: number[] = [];
  for (let k = 0; k < n; k++) {
    const day = from + Math.floor(((k + rng.between(0.15, 0.85)) * usable) / n / DAY) * DAY;
    // A Beijing morning, 05:00–10:00 (days start at 16:00 UTC).
    const midnight = day - ((day + 8 * HOUR) % DAY);
    out.push(Math.max(from + HOUR, midnight + rng.between(5, 10) * HOUR));
  }
  return out;
}

/**
 * Generates the history into `file` (which must not exist yet) and returns what it made.
 * Throws on failure, leaving whatever partial file for the caller to remove.
 */
export function generateHistory(file: string, opts: HistoryOptions): HistoryResult {
  if (fs.existsSync(file)) throw new Error(`${file} exists: history is generated only into a new store`);
  const log = opts.log ?? (() => {});
  const started = performance.now();
  const cpu = process.cpuUsage();
  const to = Math.floor((opts.end ?? Date.now()) / MIN) * MIN;
  const from = to - opts.days * DAY;
  let sim: Simulator | null = null;
  const core = new HubCore(file, loadRules(), { sessionTtlMs: HOUR, maxFailedLogins: 5, lockoutMs: 15 * MIN }, () => sim?.now() ?? from);
  try {
    // Nothing of a partial month is worth keeping (it is thrown away, see above): no fsync, the
    // rollback journal (savepoints of refused commands need one) and temp files in memory, and
    // an hour's pages in the cache until its commit.
    core.db.pragma('journal_mode = MEMORY');
    core.db.pragma('synchronous = OFF');
    core.db.pragma('temp_store = MEMORY');
    core.db.pragma('cache_size = -131072');
    seedDistrictNow(core);
    // The simulator reports positions to a stream nobody reads; tracks are sampled on purpose below.
    const positions = new PositionStream(core, () => {}, 24 * HOUR);
    positions.stop();
    let episodes: StormEpisodes | null = null;
    sim = new Simulator(core, positions, {
      seed: opts.seed, speed: 1, scenario: 'day', start: from, casesPerDay: opts.casesPerDay, log, unitsFrom: to - UNITS_DAYS * DAY,
      onOperationNeeded: (cases) => episodes!.activate(cases),
    });
    const s = sim;
    episodes = new StormEpisodes(core, s, new Rng(opts.seed, 'history-operations'), log);
    for (const at of opts.storms ?? planStorms(new Rng(opts.seed, 'history-storms'), from, to)) if (at >= from && at < to) s.scheduleStorm(at);
    const watch = new DeadlineWatch(core);
    const deadlines = (t: number): void => {
      watch.tick();
      s.schedule(t + DEADLINE_EVERY_MS, deadlines);
    };
    s.schedule(from + DEADLINE_EVERY_MS, deadlines);
    // The last day's tracks, one fix per unit per minute, for the replay of a new workstation.
    const tracks = new TrackRecorder(core);
    const sampleTracks = (t: number): void => {
      s.sampleFleet(t, tracks);
      s.schedule(t + TRACK_EVERY_MS, sampleTracks);
    };
    s.schedule(Math.max(from, to - TRACKS_KEPT_MS), sampleTracks);

    for (let t = from; t < to;) {
      const next = Math.min(to, t + CHUNK_MS);
      core.bulk(() => s.runUntil(next));
      t = next;
      if (opts.onProgress) {
        const fraction = (t - from) / (to - from);
        const elapsedMs = performance.now() - started;
        opts.onProgress({ fraction, day: Math.min(opts.days, Math.floor((t - from - 1) / DAY) + 1), days: opts.days, elapsedMs, leftMs: fraction > 0 ? (elapsedMs * (1 - fraction)) / fraction : null });
      }
    }
    // Statistics read facts derived from the log: derive them here, not on the first query.
    const stats = new StatsStore(core);
    stats.catchUp();
    const st = s.stats();
    const result: HistoryResult = {
      from, to, days: opts.days, seed: opts.seed, seconds: 0, cpuSeconds: 0,
      cases: core.db.prepare('SELECT COUNT(*) FROM cases').pluck().get() as number,
      events: core.log.headSeq,
      commands: Object.values(st.commands).reduce((a, b) => a + b, 0),
      refusals: Object.values(st.refusals).reduce((a, b) => a + b, 0) + episodes.stats.refused,
      errors: st.errors,
      operations: { activated: episodes.stats.activated, stoodDown: episodes.stats.stoodDown },
      trackSamples: tracks.count,
    };
    result.seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    result.cpuSeconds = (used.user + used.system) / 1e6;
    // The marker, last: a store holding it was generated to its end.
    core.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value')
      .run(HISTORY_META, JSON.stringify({ ...result, generatedAt: Date.now() }));
    // A standalone file (no -wal beside it) can be renamed into place.
    core.db.pragma('journal_mode = DELETE');
    return result;
  } finally {
    core.close();
  }
}

/** What `history` in meta says, or null when the store was not generated. */
export function historyMarker(core: HubCore): (HistoryResult & { generatedAt: number }) | null {
  const v = core.db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(HISTORY_META) as string | undefined;
  return v ? (JSON.parse(v) as HistoryResult & { generatedAt: number }) : null;
}

/**
 * The first start of a store in `dataDir`: generates the history into a side file and renames
 * it into place. Returns null when the store already exists (a later start: reused as it is).
 */
export function ensureHistory(dataDir: string, opts: HistoryOptions): HistoryResult | null {
  const file = path.join(dataDir, STORE_FILE);
  if (fs.existsSync(file)) return null;
  const partial = file + PARTIAL_SUFFIX;
  for (const leftover of [partial, `${partial}-wal`, `${partial}-shm`, `${partial}-journal`]) {
    if (fs.existsSync(leftover)) {
      opts.log?.(`removing ${path.basename(leftover)} left by an interrupted history generation`);
      fs.rmSync(leftover, { force: true });
    }
  }
  const result = generateHistory(partial, opts);
  const fd = fs.openSync(partial, 'r+');
  fs.fsyncSync(fd);
  fs.closeSync(fd);
  fs.renameSync(partial, file);
  syncDir(dataDir);
  return result;
}

function syncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
    fs.closeSync(fd);
  } catch {
    // Directories cannot be opened for sync on every platform (Windows): the rename still stands.
  }
}
