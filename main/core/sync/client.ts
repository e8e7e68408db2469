/**
 * The sync client (ARCHITECTURE §4): logs in, connects with the session token, catches up from the
 * replica's lastSeq (a snapshot when the hub has compacted that far), subscribes to live events,
 * and reconnects with jittered backoff. Every message from the hub is zod-checked; a message
 * that fails the check is dropped and the connection is restarted, never half-applied.
 */
import { io, type Socket } from 'socket.io-client';
import { z } from 'zod';
import {
  CatchupResponse, EventsMessage, PositionsMessage, SnapshotResponse, SOCKET, UserSchema,
  type CommandEnvelope, type HubEvent, type Operation, type Position, type User,
} from '../../../shared/protocol';
import { hasEntityChanges } from '../../../shared/bridge/batch';
import { canSee } from '../../../shared/domain/roles';
import { operationDepartments } from '../../../shared/domain/operations';
import { Backoff, cancellableDelay } from '../backoff';
import type { ConnectionState } from '../model';
import type { CommandTransport } from '../outbox/sender';
import type { Replica, ReplicaChanges } from '../replica/replica';
import { loginAny } from './hubs';
import { LinkError } from './login';

export type LinkState = Omit<ConnectionState, 'pending'>;

export interface SyncCallbacks {
  /** Entities that changed in the replica (already committed). */
  onChanges(changes: ReplicaChanges): void;
  /** The replica was replaced (snapshot, or wiped for another scope): re-read it. */
  onReset(): void;
  onPositions(positions: Position[]): void;
  onLink(state: LinkState): void;
  /** The socket is up: the outbox can send. */
  onConnected(): void;
}

export interface SyncOptions {
  /** The hub, or the nodes of a cluster in the order to try them (sync/hubs.ts). */
  hubs: readonly string[];
  username: string;
  password?: string | undefined;
  token?: string | undefined;
  ackTimeoutMs: number;
  catchupLimit: number;
  /** socket.io's own reconnection: first delay, cap, and randomization (jitter). */
  reconnect?: { delayMs: number; delayMaxMs: number; randomization: number };
  log?(msg: string): void;
}

const META_SCOPE = 'scope';
const META_USER = 'user';
/** The log the replica was filled from: another log (a restored or replaced hub) starts it over. */
const META_LOG = 'log_id';

const WhoamiResponse = z.object({ ok: z.literal(true), user: UserSchema, logId: z.string().min(1).max(100).optional(), node: z.string().min(1).max(64).optional() });
const SubscribeResponse = z.union([
  z.object({ ok: z.literal(true), headSeq: z.number().int().nonnegative() }),
  z.object({ ok: z.literal(false), error: z.object({ code: z.string(), message: z.string() }) }),
]);

/** Thrown out of a loop whose connection is gone; not an error worth a word. */
class Superseded extends Error {}

export class SyncClient implements CommandTransport {
  private socket: Socket | null = null;
  private token: string | null;
  private stopped = false;
  /** Bumped on every connect and disconnect: async work of an older connection stops. */
  private epoch = 0;
  private link: LinkState;
  private readonly loginBackoff = new Backoff();
  private readonly retryBackoff = new Backoff();
  private readonly waits = new Set<{ cancel(): void }>();
  /** The hub of `opts.hubs` in use, and how many in a row failed to connect. */
  private current = 0;
  private failed = 0;

  constructor(private readonly replica: Replica, private readonly opts: SyncOptions, private readonly cb: SyncCallbacks) {
    this.token = opts.token ?? null;
    const user = replica.getMeta(META_USER);
    const now = Date.now();
    this.link = {
      state: 'offline', since: now, lastOnlineAt: null, lastSeq: replica.lastSeq, headSeq: null, caughtUp: null,
      user: user ? UserSchema.parse(JSON.parse(user)) : null, error: null, hub: opts.hubs[0] ?? null, node: null,
    };
  }

  get state(): LinkState {
    return this.link;
  }

  /** The hub's address and this session's token, for plain HTTP queries (statistics); null before a login. */
  get httpSession(): { hubUrl: string; token: string } | null {
    return this.token ? { hubUrl: this.hubUrl, token: this.token } : null;
  }

  private get hubUrl(): string {
    return this.opts.hubs[this.current]!;
  }

  /** Connected and past the hub's authentication: an emit goes out now. */
  get connected(): boolean {
    return this.socket?.connected === true;
  }

  start(): void {
    if (this.socket || this.stopped) return;
    this.connectFirst().catch((e: unknown) => this.opts.log?.(`sync: could not start: ${e instanceof Error ? e.message : String(e)}`));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.epoch += 1;
    for (const w of this.waits) w.cancel();
    const s = this.socket;
    this.socket = null;
    if (s) {
      s.removeAllListeners();
      s.io.removeAllListeners();
      s.disconnect();
    }
    this.setLink({ state: 'offline', error: null, caughtUp: null });
  }

  sendCommand(envelope: CommandEnvelope, timeoutMs: number): Promise<unknown> {
    const s = this.socket;
    // Never emit while down: socket.io would buffer it and send it on reconnect, beside our resend.
    if (!s?.connected) return Promise.reject(new LinkError('unreachable', 'not connected'));
    return s.timeout(timeoutMs).emitWithAck(SOCKET.command, envelope);
  }

  // ---- connection ---------------------------------------------------------------------------

  private async connectFirst(): Promise<void> {
    if (!(await this.ensureToken())) return;
    if (this.stopped) return;
    const r = this.opts.reconnect ?? { delayMs: 500, delayMaxMs: 10_000, randomization: 0.5 };
    const s = io(this.hubUrl, {
      // A function, so a reconnect after a re-login carries the new token.
      auth: (send) => send({ token: this.token }),
      transports: ['websocket'],
      autoConnect: false,
      reconnection: true,
      reconnectionDelay: r.delayMs,
      reconnectionDelayMax: r.delayMaxMs,
      randomizationFactor: r.randomization,
      timeout: Math.max(this.opts.ackTimeoutMs, 1000),
    });
    this.socket = s;
    s.on('connect', () => void this.onConnect());
    s.on('disconnect', (reason) => this.onDisconnect(reason));
    s.on('connect_error', (err) => {
      this.onConnectError(err).catch((e: unknown) => this.opts.log?.(`sync: ${e instanceof Error ? e.message : String(e)}`));
    });
    s.io.on('reconnect_attempt', () => this.setLink({ state: 'connecting' }));
    s.on(SOCKET.events, (msg: unknown) => this.onEventsMessage(msg));
    s.on(SOCKET.positions, (msg: unknown) => this.onPositionsMessage(msg));
    this.setLink({ state: 'connecting', hub: this.hubUrl, node: null });
    s.connect();
  }

  /**
   * The hub in use cannot be reached: a cluster's workstation moves to the next node at once,
   * and waits (backoff) only after a whole round of the list failed. The new connection catches
   * up from lastSeq and the outbox resends, as after any reconnect.
   */
  private nextHub(): void {
    const s = this.socket;
    this.socket = null;
    this.epoch += 1;
    if (s) {
      s.removeAllListeners();
      s.io.removeAllListeners();
      s.disconnect();
    }
    this.failed += 1;
    const from = this.hubUrl;
    this.current = (this.current + 1) % this.opts.hubs.length;
    this.opts.log?.(`sync: ${from} unreachable; trying ${this.hubUrl}`);
    const wait = this.failed % this.opts.hubs.length === 0 ? this.retryBackoff.next() : 0;
    void this.sleep(wait).then((ok) => {
      if (ok && !this.socket) this.start();
    });
  }

  /** A token to connect with: the given one, or a login (retried while the hub is unreachable). */
  private async ensureToken(): Promise<boolean> {
    while (!this.stopped) {
      if (this.token) return true;
      if (!this.opts.password) {
        this.setLink({ state: 'offline', error: { code: 'unauthenticated', message: 'the session has ended; log in again' } });
        return false;
      }
      this.setLink({ state: 'connecting' });
      try {
        const { session, index } = await loginAny(this.opts.hubs, this.current, this.opts.username, this.opts.password, this.opts.ackTimeoutMs);
        if (this.stopped) return false; // stopped while the hub was answering: the files are closed
        this.current = index;
        this.token = session.token;
        this.loginBackoff.reset();
        this.adoptUser(session.user);
        return true;
      } catch (e) {
        const err = e instanceof LinkError ? e : new LinkError('unreachable', String(e));
        this.setLink({ state: 'offline', error: { code: err.code, message: err.message } });
        // A wrong password does not become right by retrying (and retrying would lock the account).
        if (!err.retryable) return false;
        if (!(await this.sleep(this.loginBackoff.next()))) return false;
      }
    }
    return false;
  }

  private onDisconnect(reason: string): void {
    this.epoch += 1;
    if (this.stopped) return;
    const wasOnline = this.link.state === 'online';
    // When we closed it ourselves, the reason we did is already in `error`: keep it.
    const error = reason === 'io client disconnect' && this.link.error ? this.link.error : { code: 'unreachable', message: `disconnected: ${reason}` };
    this.setLink({ state: 'offline', caughtUp: null, error, ...(wasOnline ? { lastOnlineAt: Date.now() } : {}) });
    // A cluster: the node went away (killed, shut down, its machine or link lost). Its manager
    // would first wait and retry that same node; the next one serves the same log now.
    if (this.opts.hubs.length > 1 && reason !== 'io client disconnect') {
      this.nextHub();
      return;
    }
    // socket.io reconnects by itself except when the server or we closed the socket.
    if (reason === 'io server disconnect' || reason === 'io client disconnect') this.reconnectLater();
  }

  private async onConnectError(err: Error): Promise<void> {
    if (this.stopped) return;
    if (err.message !== 'unauthenticated') {
      this.setLink({ state: 'offline', error: { code: 'unreachable', message: err.message } });
      // One hub: its manager retries by itself. A cluster: the next node.
      if (this.opts.hubs.length > 1) this.nextHub();
      return;
    }
    // The token expired or was revoked. socket.io does not retry a refusal: log in again, then connect.
    this.token = null;
    this.setLink({ state: 'offline', error: { code: 'unauthenticated', message: 'session refused by the hub' } });
    if (await this.ensureToken()) this.reconnectLater(0);
  }

  private reconnectLater(ms = this.retryBackoff.next()): void {
    void this.sleep(ms).then((ok) => {
      if (ok && !this.stopped && this.socket && !this.socket.connected) {
        this.setLink({ state: 'connecting' });
        this.socket.connect();
      }
    });
  }

  private async onConnect(): Promise<void> {
    const epoch = ++this.epoch;
    this.setLink({ state: 'catching_up', error: null });
    this.cb.onConnected();
    try {
      await this.whoami(epoch);
      await this.catchUp(epoch);
      await this.subscribe(epoch);
      this.retryBackoff.reset();
      this.failed = 0;
      const now = Date.now();
      this.setLink({ state: 'online', caughtUp: null, error: null, lastOnlineAt: now });
    } catch (e) {
      if (e instanceof Superseded || epoch !== this.epoch || this.stopped) return;
      const err = e instanceof LinkError ? e : new LinkError('protocol', e instanceof Error ? e.message : String(e));
      this.opts.log?.(`sync: ${err.code}: ${err.message}; reconnecting`);
      this.setLink({ state: 'offline', error: { code: err.code, message: err.message } });
      // Start over on a fresh connection rather than guess where this one stands.
      this.socket?.disconnect();
    }
  }

  // ---- catch-up, snapshot, live -------------------------------------------------------------

  private async request(epoch: number, name: string, arg: unknown): Promise<unknown> {
    const s = this.socket;
    if (epoch !== this.epoch || this.stopped || !s?.connected) throw new Superseded();
    try {
      return await s.timeout(this.opts.ackTimeoutMs).emitWithAck(name, arg);
    } catch (e) {
      if (epoch !== this.epoch) throw new Superseded();
      throw new LinkError('unreachable', `${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /**
   * Who the hub says we are, on every connect: with a token from elsewhere the user is not
   * known yet, and an administrator may have changed the scope since the login.
   */
  private async whoami(epoch: number): Promise<void> {
    const r = WhoamiResponse.safeParse(await this.request(epoch, SOCKET.whoami, {}));
    if (!r.success) {
      this.opts.log?.('sync: unreadable whoami answer; keeping the known user');
      return;
    }
    if (r.data.logId) this.adoptLog(r.data.logId);
    this.adoptUser(r.data.user);
    this.setLink({ node: r.data.node ?? null });
  }

  /**
   * Another log (a restored or replaced hub, another district's): our lastSeq means nothing
   * there, so the replica starts over. Nodes of one cluster share one log: moving between them
   * keeps it. (The outbox stays: those are the officer's actions, whichever hub takes them.)
   */
  private adoptLog(logId: string): void {
    const known = this.replica.getMeta(META_LOG);
    if (known !== null && known !== logId) {
      this.opts.log?.(`sync: the hub serves log ${logId}, the replica was filled from ${known}; refilling it`);
      this.replica.wipe();
      this.replica.replacePeople([]);
      this.cb.onReset();
    }
    this.replica.setMeta(META_LOG, logId);
  }

  /**
   * A user whose scope differs from the one the replica was filled for (role or subdistricts
   * changed by an administrator) starts from an empty replica: the old one may hold cases the
   * user may no longer see, and lack ones they now may.
   */
  private adoptUser(user: User): void {
    const scope = JSON.stringify({ id: user.id, role: user.role, subdistricts: [...user.subdistricts].sort(), departmentCode: user.departmentCode });
    const known = this.replica.getMeta(META_SCOPE);
    if (known !== null && known !== scope) {
      this.opts.log?.(`sync: scope of ${user.username} changed; refilling the replica`);
      this.replica.wipe();
      this.cb.onReset();
    }
    this.replica.setMeta(META_SCOPE, scope);
    this.replica.setMeta(META_USER, JSON.stringify(user));
    this.setLink({ user, lastSeq: this.replica.lastSeq });
  }

  private async catchUp(epoch: number): Promise<void> {
    const start = this.replica.lastSeq;
    let snapshots = 0;
    for (;;) {
      const before = this.replica.lastSeq;
      const raw = await this.request(epoch, SOCKET.catchup, { afterSeq: before, limit: this.opts.catchupLimit });
      const r = CatchupResponse.safeParse(raw);
      if (!r.success) throw new LinkError('protocol', `catch-up answer: ${z.prettifyError(r.error).slice(0, 500)}`);
      const res = r.data;
      if (!res.ok) {
        if (res.error.code !== 'snapshot_needed') throw new LinkError(res.error.code, res.error.message);
        if (++snapshots > 3) throw new LinkError('protocol', 'the hub keeps asking for a snapshot');
        await this.loadSnapshot(epoch);
        continue;
      }
      if (res.headSeq < before) {
        // The hub's log ends before ours: a different or restored hub. Its history is not ours.
        this.opts.log?.(`sync: hub head ${res.headSeq} is behind our lastSeq ${before}; loading a snapshot`);
        if (++snapshots > 3) throw new LinkError('protocol', 'the hub keeps going back in time');
        await this.loadSnapshot(epoch);
        continue;
      }
      const changes = this.replica.applyEvents(res.events, res.upTo, this.inScope);
      this.emitChanges(changes);
      const after = this.replica.lastSeq;
      this.setLink({ lastSeq: after, headSeq: res.headSeq, caughtUp: { n: after - start, m: Math.max(res.headSeq - start, after - start) } });
      if (after >= res.headSeq || after === before) return;
    }
  }

  private async loadSnapshot(epoch: number): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const writer = this.replica.beginSnapshot();
      try {
        const first = this.parseSnapshot(await this.request(epoch, SOCKET.snapshot, { snapshotId: null, page: 0 }));
        if (!first) continue;
        writer.addPage(first);
        let complete = true;
        for (let page = 1; page < first.pages; page++) {
          const next = this.parseSnapshot(await this.request(epoch, SOCKET.snapshot, { snapshotId: first.snapshotId, page }));
          if (!next || next.seq !== first.seq || next.snapshotId !== first.snapshotId) {
            complete = false; // expired or changed under us: start again from page 0
            break;
          }
          writer.addPage(next);
          this.setLink({ caughtUp: { n: page + 1, m: first.pages } });
        }
        if (!complete) continue;
        writer.commit(first.seq);
        this.setLink({ lastSeq: this.replica.lastSeq });
        this.cb.onReset();
        return;
      } finally {
        writer.abandon();
      }
    }
    throw new LinkError('protocol', 'could not load a snapshot');
  }

  private parseSnapshot(raw: unknown): Extract<SnapshotResponse, { ok: true }> | null {
    const r = SnapshotResponse.safeParse(raw);
    if (!r.success) throw new LinkError('protocol', `snapshot answer: ${z.prettifyError(r.error).slice(0, 500)}`);
    if (!r.data.ok) {
      this.opts.log?.(`sync: snapshot refused: ${r.data.error.code} ${r.data.error.message}`);
      return null;
    }
    return r.data;
  }

  private async subscribe(epoch: number): Promise<void> {
    // The hub sends what happened since lastSeq as events messages before this ack.
    const r = SubscribeResponse.safeParse(await this.request(epoch, SOCKET.subscribe, { afterSeq: this.replica.lastSeq }));
    if (!r.success) throw new LinkError('protocol', `subscribe answer: ${z.prettifyError(r.error).slice(0, 500)}`);
    if (!r.data.ok) throw new LinkError(r.data.error.code, r.data.error.message);
    // Everything up to the ack's head has been sent before the ack, in order.
    this.replica.applyEvents([], r.data.headSeq);
    this.setLink({ lastSeq: this.replica.lastSeq, headSeq: Math.max(r.data.headSeq, this.link.headSeq ?? 0) });
  }

  private onEventsMessage(msg: unknown): void {
    if (this.stopped) return;
    const r = EventsMessage.safeParse(msg);
    if (!r.success) {
      this.opts.log?.(`sync: unreadable events message: ${z.prettifyError(r.error).slice(0, 500)}`);
      // Applying what follows would skip this batch; reconnect and catch up instead.
      this.socket?.disconnect();
      return;
    }
    let changes: ReplicaChanges;
    try {
      changes = this.replica.applyEvents(r.data.events, r.data.headSeq, this.inScope);
    } catch (e) {
      // The replica's disk refused the write (locked, full, I/O error): nothing of the batch
      // was applied (one transaction). Drop the link and catch up from lastSeq once it heals,
      // rather than letting the exception end the core (seen in the fault run: disk-lock).
      this.storageFailed(e);
      return;
    }
    this.emitChanges(changes);
    this.setLink({ lastSeq: this.replica.lastSeq, headSeq: Math.max(r.data.headSeq, this.link.headSeq ?? 0) });
  }

  private onPositionsMessage(msg: unknown): void {
    if (this.stopped) return;
    const r = PositionsMessage.safeParse(msg);
    if (!r.success) {
      this.opts.log?.(`sync: unreadable positions message dropped`);
      return; // latest-value: the next message replaces it anyway
    }
    if (r.data.positions.length) this.cb.onPositions(r.data.positions);
  }

  // ---- helpers ------------------------------------------------------------------------------

  private storageFailed(e: unknown): void {
    const message = e instanceof Error ? e.message : String(e);
    this.opts.log?.(`sync: replica write failed, will catch up again: ${message}`);
    this.setLink({ error: { code: 'storage', message: `replica write failed: ${message}`.slice(0, 300) } });
    this.socket?.disconnect();
  }

  private emitChanges(c: ReplicaChanges): void {
    if (hasEntityChanges(c)) this.cb.onChanges(c);
  }

  /** The user's scope as the hub applies it; unknown user (token, no whoami yet): keep all. */
  private readonly inScope = (e: HubEvent): boolean => {
    const user = this.link.user;
    if (!user) return true;
    const actor = { userId: user.id, role: user.role, subdistricts: user.subdistricts, departmentCode: user.departmentCode ?? undefined };
    const st = e.data.state as { subdistrictCode: string; owners?: string[]; departmentCode?: string };
    const owners = e.entity === 'case' ? (st.owners ?? [])
      : e.entity === 'unit' && st.departmentCode ? [st.departmentCode]
        : e.entity === 'operation' ? operationDepartments(e.data.state as Operation) : [];
    return canSee(actor, { entity: e.entity, subdistrict: st.subdistrictCode, owners });
  };

  private setLink(patch: Partial<LinkState>): void {
    const next: LinkState = { ...this.link, ...patch };
    if (patch.state && patch.state !== this.link.state) next.since = Date.now();
    if (sameLink(next, this.link)) return;
    this.link = next;
    this.cb.onLink(next);
  }

  /** Resolves true after `ms`, or false at once when stopped. */
  private async sleep(ms: number): Promise<boolean> {
    if (this.stopped) return false;
    const d = cancellableDelay(ms);
    this.waits.add(d);
    const ok = await d.promise;
    this.waits.delete(d);
    return ok && !this.stopped;
  }
}

function sameLink(a: LinkState, b: LinkState): boolean {
  return a.state === b.state && a.since === b.since && a.lastOnlineAt === b.lastOnlineAt && a.lastSeq === b.lastSeq
    && a.headSeq === b.headSeq && a.caughtUp?.n === b.caughtUp?.n && a.caughtUp?.m === b.caughtUp?.m
    && a.user === b.user && a.error?.code === b.error?.code && a.error?.message === b.error?.message
    && a.hub === b.hub && a.node === b.node;
}
