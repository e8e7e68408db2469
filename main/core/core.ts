/**
 * The app core (ARCHITECTURE §2): the replica, the outbox and the sync client of one user on one
 * workstation, and the queries the windows ask. Plain Node; it runs in its own process
 * (host/entry.ts) so no window ever waits on SQLite.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { KeptTrackSchema, PeopleResponseSchema, TRACKS_MAX_SAMPLES, TracksResponseSchema, type Case, type KeptTrack, type CommandType, type Position } from '../../shared/protocol';
import { BATCH_ENTITIES } from '../../shared/bridge/batch';
import { HistoryRangeSchema, type History } from '../../shared/bridge/contract';
import { DomainError, ERROR_CODES, type ErrorCode } from '../../shared/domain/errors';
import { STATISTICS_ANSWERS, StatisticsQuerySchema, statisticsPath, type StatisticsQuery, type StatisticsResult } from '../../shared/bridge/statistics';
import type { CoreApi } from './api';
import { ChangeCoalescer } from './changes';
import {
  casesFromRowsJson, CommandArgsSchema, CoreOptionsSchema, IdArgSchema, SearchArgsSchema,
  type Answer, type CaseDetail, type ChangeBatch, type Checksum, type CommandAccepted, type ConnectionState,
  type CoreOptions, type CoreSnapshot, type CoreSnapshotWire, type PendingCommand,
} from './model';
import { OutboxSender, type SenderHooks } from './outbox/sender';
import { OutboxStore } from './outbox/store';
import { ReplicaHistory } from './replica/history';
import { META_TRACKS_BACKFILL, Replica } from './replica/replica';
import { hubList } from './sync/hubs';
import { SyncClient } from './sync/client';

/** Points where fault tests stop the process; unset in the product. */
export interface CoreHooks extends SenderHooks {
  afterEnqueue?(commandId: string): void;
}

export interface CoreInternals {
  hooks?: CoreHooks;
  log?(msg: string): void;
  /** Shorter reconnection delays for tests; the defaults suit a real network. */
  reconnect?: { delayMs: number; delayMaxMs: number; randomization: number };
  changeIntervalMs?: number;
  positionFlushMs?: number;
  /** How often the people directory is fetched again while online (default PEOPLE_REFRESH_MS). */
  peopleRefreshMs?: number;
}

/**
 * A shift lasts twelve hours and a link may stay up all of it: a colleague added meanwhile gets
 * a name in timelines and command logs within this, not only after the next reconnect.
 */
export const PEOPLE_REFRESH_MS = 10 * 60_000;

/** A new workstation's replay starts with this much of the hub's kept unit tracks (issue 15). */
export const TRACKS_BACKFILL_MS = 24 * 3600_000;
/** Replay samples kept in memory while the disk refuses them (a wall of 10,000 units: ~1 min). */
const MAX_UNSAVED_SAMPLES = 600_000;

/** One folder per user: each has their own scope (replica) and their own actions (outbox). */
export function userFolder(username: string): string {
  const safe = username.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 32);
  return `${safe}-${createHash('sha256').update(username).digest('hex').slice(0, 8)}`;
}

export class Core implements CoreApi {
  private readonly coalescer: ChangeCoalescer;
  private readonly listeners = new Set<(b: ChangeBatch) => void>();
  private readonly sync: SyncClient;
  private readonly sender: OutboxSender;
  private readonly positions = new Map<string, Position>();
  private readonly dirtyPositions = new Map<string, Position>();
  private positionTimer: NodeJS.Timeout | null = null;
  /** Replay's unit tracks: samples waiting for the next flush, and when old ones were last pruned. */
  private readonly tracks: ReplicaHistory;
  private samples: Position[] = [];
  private prunedAt = 0;
  /** Answers whose event the replica has not applied yet (see releaseAnswers). */
  private parked: Answer[] = [];
  private started = false;
  private closed = false;
  /** The link was online at its last change: the people directory is fetched on each new "online". */
  private wasOnline = false;
  private peopleFetch: Promise<void> | null = null;
  private peopleTimer: NodeJS.Timeout | null = null;
  private tracksFetch: Promise<void> | null = null;
  /** Counts replica refills (onReset): tracks fetched for the scope before one are not stored. */
  private resets = 0;
  private readonly aborts = new AbortController();

  private constructor(
    readonly options: CoreOptions,
    readonly dir: string,
    private readonly replica: Replica,
    private readonly outbox: OutboxStore,
    private readonly internals: CoreInternals,
  ) {
    this.coalescer = new ChangeCoalescer((b) => this.emit(b), internals.changeIntervalMs ?? 16);
    for (const p of replica.positions()) this.positions.set(p.id, p);
    this.tracks = new ReplicaHistory(replica.db);
    this.sync = new SyncClient(replica, {
      hubs: hubList(options.hubUrl), username: options.username, password: options.password, token: options.token,
      ackTimeoutMs: options.ackTimeoutMs, catchupLimit: options.catchupLimit, reconnect: internals.reconnect, log: internals.log,
    }, {
      onChanges: (c) => {
        for (const kind of BATCH_ENTITIES) if (c[kind].length) this.coalescer.addEntities(kind, c[kind]);
        if (BATCH_ENTITIES.some((kind) => c.removed[kind].length)) this.coalescer.addRemoved(c.removed);
      },
      onReset: () => {
        // Units that left the replica (another scope) take their last positions with them.
        const units = new Set(this.replica.units().map((u) => u.id));
        for (const id of this.positions.keys()) if (!units.has(id)) this.positions.delete(id);
        this.resets++;
        this.coalescer.markReset();
      },
      onPositions: (list) => this.takePositions(list),
      onLink: (link) => {
        this.releaseAnswers();
        this.coalescer.setConnection(this.connectionState());
        const online = link.state === 'online';
        if (online && !this.wasOnline) {
          this.refreshPeople();
          this.backfillTracks();
        }
        this.wasOnline = online;
      },
      onConnected: () => this.sender.linkUp(),
    });
    this.sender = new OutboxSender(outbox, this.sync, {
      timeoutMs: options.ackTimeoutMs,
      hooks: internals.hooks,
      log: internals.log,
      onAnswer: (a) => {
        this.parked.push(a);
        this.releaseAnswers();
      },
      onPendingChange: () => this.pendingChanged(),
    });
  }

  /** Opens (creating if needed) the user's replica and outbox under `dataDir`. */
  static async open(input: unknown, internals: CoreInternals = {}): Promise<Core> {
    const parsed = CoreOptionsSchema.safeParse(input);
    if (!parsed.success) throw new DomainError('invalid_input', z.prettifyError(parsed.error));
    const options = parsed.data;
    const dir = path.join(options.dataDir, userFolder(options.username));
    const replica = Replica.open(path.join(dir, 'replica.sqlite'), options.nativeBinding);
    let outbox: OutboxStore;
    try {
      outbox = OutboxStore.open(path.join(dir, 'outbox.sqlite'), Date.now, options.nativeBinding);
    } catch (e) {
      replica.close();
      throw e;
    }
    return new Core(options, dir, replica, outbox, internals);
  }

  async start(): Promise<void> {
    this.assertOpen();
    if (this.started) return;
    this.started = true;
    this.positionTimer = setInterval(() => {
      try {
        this.flushPositions();
      } catch (e) {
        // A locked or full disk: positions stay dirty and are written on a later tick (they are
        // latest-value); the timer must not end the core.
        this.internals.log?.(`positions not saved yet: ${e instanceof Error ? e.message : String(e)}`);
        if (this.samples.length > MAX_UNSAVED_SAMPLES) this.samples.splice(0, this.samples.length - MAX_UNSAVED_SAMPLES);
      }
    }, this.internals.positionFlushMs ?? 1000);
    this.positionTimer.unref();
    this.peopleTimer = setInterval(() => {
      if (this.wasOnline) this.refreshPeople();
    }, this.internals.peopleRefreshMs ?? PEOPLE_REFRESH_MS);
    this.peopleTimer.unref();
    this.sync.start();
  }

  async stop(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.aborts.abort();
    this.sender.stop();
    await this.sync.stop();
    if (this.positionTimer) clearInterval(this.positionTimer);
    if (this.peopleTimer) clearInterval(this.peopleTimer);
    this.flushPositions();
    this.coalescer.flush();
    this.coalescer.dispose();
    this.listeners.clear();
    this.replica.close();
    this.outbox.close();
  }

  onChanges(listener: (batch: ChangeBatch) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async snapshot(): Promise<CoreSnapshot> {
    const { caseRowsJson, ...rest } = await this.snapshotWire();
    return { ...rest, cases: casesFromRowsJson(caseRowsJson) };
  }

  /** The snapshot with the cases as the JSON text of their compact rows (what crosses the process host; issue 5). */
  async snapshotWire(): Promise<CoreSnapshotWire> {
    this.assertOpen();
    return {
      caseRowsJson: this.replica.caseRowsJson(),
      units: this.replica.units(),
      cameras: this.replica.cameras(),
      operations: this.replica.operations(),
      positions: [...this.positions.values()],
      pending: this.outbox.list(),
      connection: this.connectionState(),
      people: this.replica.people(),
    };
  }

  /**
   * The officer acted: validate, write to the outbox (on disk when this resolves), then send.
   * Refusals of bad input throw DomainError('invalid_input') and nothing is written.
   */
  async command(type: CommandType, payload: unknown, expectedVersion: number | null): Promise<CommandAccepted> {
    this.assertOpen();
    const args = CommandArgsSchema.safeParse([type, payload, expectedVersion]);
    if (!args.success) throw new DomainError('invalid_input', z.prettifyError(args.error));
    const cmd = this.outbox.enqueue(args.data[0], args.data[1], args.data[2]);
    this.internals.hooks?.afterEnqueue?.(cmd.commandId);
    this.pendingChanged();
    // Sending starts after we have answered: the commandId is the officer's before any network.
    setImmediate(() => this.sender.kick());
    return { commandId: cmd.commandId };
  }

  async search(q: string, limit?: number): Promise<Case[]> {
    this.assertOpen();
    const args = SearchArgsSchema.safeParse([q, limit]);
    if (!args.success) throw new DomainError('invalid_input', z.prettifyError(args.error));
    return this.replica.search(args.data[0], args.data[1] ?? 50);
  }

  async caseDetail(id: string): Promise<CaseDetail | null> {
    this.assertOpen();
    const args = IdArgSchema.safeParse([id]);
    if (!args.success) throw new DomainError('invalid_input', z.prettifyError(args.error));
    const c = this.replica.caseById(args.data[0]);
    return c ? { case: c, timeline: this.replica.timeline(c.id) } : null;
  }

  /** Replay: the cases, case events and unit tracks of a period, from the replica. */
  async history(range: { from: number; to: number }): Promise<History> {
    this.assertOpen();
    const r = HistoryRangeSchema.safeParse(range);
    if (!r.success) throw new DomainError('invalid_input', z.prettifyError(r.error));
    this.flushPositions(); // the latest samples too
    return this.tracks.read(r.data);
  }

  /**
   * Statistics (issue 9) are the hub's, not the replica's: the query goes to the hub's HTTP API
   * with this session's token and the answer is checked before a window sees it. No token or no
   * answer from the hub → `offline`; the hub's refusals keep their code.
   */
  async statistics(query: StatisticsQuery): Promise<StatisticsResult> {
    this.assertOpen();
    const q = StatisticsQuerySchema.safeParse(query);
    if (!q.success) throw new DomainError('invalid_input', z.prettifyError(q.error));
    const session = this.sync.httpSession;
    if (!session) throw new DomainError('offline', 'not signed in to the hub yet');
    let res: Response;
    try {
      res = await fetch(`${session.hubUrl}${statisticsPath(q.data)}`, {
        headers: { authorization: `Bearer ${session.token}` }, signal: AbortSignal.timeout(Math.max(this.options.ackTimeoutMs, 15_000)),
      });
    } catch (e) {
      throw new DomainError('offline', `the hub cannot be reached: ${e instanceof Error ? e.message : String(e)}`);
    }
    const body: unknown = await res.json().catch(() => null);
    if (!res.ok) {
      const err = body as { code?: unknown; message?: unknown } | null;
      const code = typeof err?.code === 'string' && (ERROR_CODES as readonly string[]).includes(err.code) ? (err.code as ErrorCode) : res.status === 401 ? 'unauthenticated' : 'internal';
      throw new DomainError(code, typeof err?.message === 'string' ? err.message.slice(0, 500) : `the hub answered ${res.status}`);
    }
    const answer = STATISTICS_ANSWERS[q.data.kind].safeParse(body);
    if (!answer.success) throw new DomainError('internal', `the hub's ${q.data.kind} statistics have an unexpected shape: ${z.prettifyError(answer.error).slice(0, 300)}`);
    return answer.data;
  }

  async checksum(): Promise<Checksum> {
    this.assertOpen();
    return this.replica.checksum();
  }

  async connection(): Promise<ConnectionState> {
    this.assertOpen();
    return this.connectionState();
  }

  async pending(): Promise<PendingCommand[]> {
    this.assertOpen();
    return this.outbox.list();
  }

  async answer(commandId: string): Promise<Answer | null> {
    this.assertOpen();
    const args = IdArgSchema.safeParse([commandId]);
    if (!args.success) throw new DomainError('invalid_input', z.prettifyError(args.error));
    return this.outbox.answer(args.data[0]);
  }

  async answers(limit = 100): Promise<Answer[]> {
    this.assertOpen();
    const n = z.number().int().min(1).max(1000).safeParse(limit);
    if (!n.success) throw new DomainError('invalid_input', z.prettifyError(n.error));
    return this.outbox.recentAnswers(n.data);
  }

  // ---- internals ----------------------------------------------------------------------------

  /**
   * The hub's people directory (who the user ids of timelines and command logs are), fetched
   * after each (re)connect and every PEOPLE_REFRESH_MS while online, with the session's token,
   * checked, and kept in the replica so the names are there offline too. Windows get it in a
   * batch when it changed. A failed fetch keeps the kept directory and says so in the log; sync
   * neither waits for it nor fails with it.
   */
  private refreshPeople(): void {
    if (this.peopleFetch || this.closed) return;
    this.peopleFetch = this.fetchPeople()
      .catch((e: unknown) => {
        if (!this.closed) this.internals.log?.(`people directory not refreshed, keeping the one kept: ${e instanceof Error ? e.message : String(e)}`);
      })
      .finally(() => {
        this.peopleFetch = null;
      });
  }

  private async fetchPeople(): Promise<void> {
    const session = this.sync.httpSession;
    if (!session) throw new Error('not signed in to the hub yet');
    const res = await fetch(`${session.hubUrl}/api/people`, {
      headers: { authorization: `Bearer ${session.token}` },
      signal: AbortSignal.any([this.aborts.signal, AbortSignal.timeout(Math.max(this.options.ackTimeoutMs, 15_000))]),
    });
    if (!res.ok) throw new Error(`the hub answered ${res.status}`);
    const body = PeopleResponseSchema.safeParse(await res.json());
    if (!body.success) throw new Error(`unexpected shape: ${z.prettifyError(body.error).slice(0, 300)}`);
    if (this.closed) return;
    if (this.replica.replacePeople(body.data.people)) this.coalescer.setPeople(this.replica.people());
  }

  /**
   * A new workstation (no replay sample yet when it first caught up) fetches the hub's kept unit
   * tracks of the last TRACKS_BACKFILL_MS (`GET /api/tracks`, scoped by the hub) once, checks
   * them and stores them in position_samples in one transaction, with the flag that says it is
   * done (META_TRACKS_BACKFILL). Like the people directory it runs beside sync, never before it;
   * a failure is logged and tried again after the next connect.
   */
  private backfillTracks(): void {
    if (this.tracksFetch || this.closed) return;
    try {
      let state = this.replica.getMeta(META_TRACKS_BACKFILL);
      if (state === null) {
        // Decided once per replica: one that has sampled the stream already has its own past.
        state = this.tracks.empty() && this.samples.length === 0 ? 'pending' : 'done';
        this.replica.setMeta(META_TRACKS_BACKFILL, state);
      }
      if (state !== 'pending') return;
    } catch (e) {
      this.internals.log?.(`unit tracks not fetched: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    this.tracksFetch = this.fetchTracks()
      .catch((e: unknown) => {
        if (!this.closed) this.internals.log?.(`unit tracks of the last day not fetched from the hub, trying again on the next connect: ${e instanceof Error ? e.message : String(e)}`);
      })
      .finally(() => {
        this.tracksFetch = null;
      });
  }

  private async fetchTracks(): Promise<void> {
    const session = this.sync.httpSession;
    if (!session) throw new Error('not signed in to the hub yet');
    const resets = this.resets;
    const to = Date.now();
    const res = await fetch(`${session.hubUrl}/api/tracks?from=${to - TRACKS_BACKFILL_MS}&to=${to}`, {
      headers: { authorization: `Bearer ${session.token}` },
      signal: AbortSignal.any([this.aborts.signal, AbortSignal.timeout(Math.max(this.options.ackTimeoutMs, 60_000))]),
    });
    if (!res.ok) throw new Error(`the hub answered ${res.status}`);
    const raw: unknown = await res.json();
    // The shared schema, checked a few units at a time with live events let in between (a full
    // day of a fleet, 200k fixes, is ~0.3 s of checking in one go): the envelope, each track,
    // and the answer's bound on fixes.
    const envelope = TracksResponseSchema.safeParse(raw && typeof raw === 'object' ? { ...raw, tracks: [] } : raw);
    if (!envelope.success) throw new Error(`unexpected shape: ${z.prettifyError(envelope.error).slice(0, 300)}`);
    const list = (raw as { tracks?: unknown }).tracks;
    if (!Array.isArray(list) || list.length > TRACKS_MAX_SAMPLES) throw new Error('unexpected shape: `tracks` is not a list of at most TRACKS_MAX_SAMPLES');
    const checked: KeptTrack[] = [];
    let total = 0;
    for (let i = 0; i < list.length; i++) {
      const t = KeptTrackSchema.safeParse(list[i]);
      if (!t.success) throw new Error(`unexpected shape of track ${i}: ${z.prettifyError(t.error).slice(0, 300)}`);
      total += t.data.at.length;
      if (total > TRACKS_MAX_SAMPLES) throw new Error(`unexpected shape: more than ${TRACKS_MAX_SAMPLES} fixes`);
      checked.push(t.data);
      if (i % 20 === 19) await new Promise((r) => setImmediate(r));
      if (this.closed) return;
    }
    // Refilled for another scope meanwhile: the flag is unset again and the next connect asks anew.
    if (resets !== this.resets) throw new Error('the replica was refilled meanwhile');
    const fixes: Position[] = [];
    for (const t of checked) {
      for (let i = 0; i < t.at.length; i++) fixes.push({ id: t.unitId, at: t.at[i]!, point: [t.lng[i]!, t.lat[i]!], heading: t.heading[i]!, speed: 0 });
    }
    this.flushPositions(); // the live samples taken meanwhile are on disk: backfill goes before them
    const stored = this.replica.db.transaction(() => {
      const n = this.tracks.backfill(fixes, Date.now());
      this.replica.setMeta(META_TRACKS_BACKFILL, 'done');
      return n;
    })();
    this.internals.log?.(`replay: ${stored} unit track samples of the last day from the hub${envelope.data.truncated ? ' (cut by the hub)' : ''}`);
  }

  private connectionState(): ConnectionState {
    return { ...this.sync.state, pending: this.outbox.count() };
  }

  /**
   * Read-your-writes: an answer reaches the windows only once the replica holds its event
   * (lastSeq ≥ the answer's seq), so "done" never shows beside the case as it was before.
   * The answer is durable in the outbox's answers table from the moment it arrived.
   */
  private releaseAnswers(): void {
    if (this.parked.length === 0) return;
    const lastSeq = this.replica.lastSeq;
    const keep: Answer[] = [];
    for (const a of this.parked) {
      if (a.result.ok && a.result.seq > lastSeq) keep.push(a);
      else this.coalescer.addAnswer(a);
    }
    this.parked = keep;
  }

  private pendingChanged(): void {
    if (this.closed) return;
    this.coalescer.setPending(this.outbox.list());
    this.coalescer.setConnection(this.connectionState());
  }

  /** Latest value per unit, older reports ignored; written to disk once per flush interval. */
  private takePositions(list: readonly Position[]): void {
    const fresh: Position[] = [];
    for (const p of list) {
      const known = this.positions.get(p.id);
      if (known && known.at > p.at) continue;
      this.positions.set(p.id, p);
      this.dirtyPositions.set(p.id, p);
      fresh.push(p);
    }
    if (fresh.length) {
      this.coalescer.addPositions(fresh);
      for (const p of this.tracks.due(fresh)) this.samples.push(p);
    }
  }

  private flushPositions(): void {
    if (!this.replica.db.open) return;
    if (this.dirtyPositions.size) {
      this.replica.savePositions([...this.dirtyPositions.values()]);
      this.dirtyPositions.clear();
    }
    if (this.samples.length) {
      this.tracks.save(this.samples);
      this.samples = [];
    }
    const now = Date.now();
    if (now - this.prunedAt >= 3600_000) {
      this.prunedAt = now;
      this.tracks.prune(now);
    }
  }

  private emit(batch: ChangeBatch): void {
    for (const l of this.listeners) {
      try {
        l(batch);
      } catch (e) {
        this.internals.log?.(`change listener failed: ${String(e)}`);
      }
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new DomainError('invalid_input', 'the core is stopped');
  }
}
