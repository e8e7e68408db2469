/**
 * The socket.io side of the protocol (ARCHITECTURE §4). Every incoming message is zod-checked; a
 * socket receives only what its user may see; bursts of events leave as one message per socket.
 */
import type { Server, Socket } from 'socket.io';
import { z } from 'zod';
import { randomUUID } from 'node:crypto';
import { canSee, type Actor } from '../../shared/domain/roles';
import { operationDepartments } from '../../shared/domain/operations';
import { CatchupRequest, SnapshotRequest, SubscribeRequest, SOCKET, type Case, type Camera, type HubEvent, type Operation, type Position, type Unit, type User, type CatchupResponse, type SnapshotResponse } from '../../shared/protocol';
import { toActor } from '../auth/users';
import { unavailable, type HubCore } from '../core';

interface SocketData { user: User; actor: Actor; live: boolean; lastSent: number }
type HubSocket = Socket<Record<string, never>, Record<string, never>, Record<string, never>, SocketData>;

const SNAPSHOT_PAGE = 2000;
const SNAPSHOT_TTL_MS = 5 * 60_000;
/**
 * Each held snapshot is a full copy of a user's scope (a district's cases: tens of MB). A socket
 * holds at most one (a new request replaces its previous one; disconnecting drops it), and the
 * hub at most this many at once; beyond that a request is refused with `busy` (fuzz finding:
 * one client asking in a loop made the hub hold hundreds of copies).
 */
export const MAX_HELD_SNAPSHOTS = 16;

interface Snapshot { seq: number; at: number; cases: Case[]; units: Unit[]; cameras: Camera[]; operations: Operation[] }
interface Held { id: string; snap: Snapshot; timer: NodeJS.Timeout }

export function attachSockets(io: Server, hub: HubCore, log: (msg: string) => void): { positions(p: Position[], unitScope: (id: string) => { subdistrict: string; owners: string[] } | null): void; heldSnapshots(): number; close(): void } {
  /** The snapshot each socket is reading, by socket id (at most one per socket). */
  const snapshots = new Map<string, Held>();
  const release = (socketId: string): void => {
    const h = snapshots.get(socketId);
    if (!h) return;
    clearTimeout(h.timer);
    snapshots.delete(socketId);
  };
  let queued: HubEvent[] = [];
  let flushScheduled = false;
  let commandQueue: Array<{ actor: Actor; raw: unknown; ack: (r: unknown) => void }> = [];

  /** Everything that arrived in this turn of the event loop, in one transaction. */
  async function flushCommands(): Promise<void> {
    const batch = commandQueue;
    commandQueue = [];
    let results: unknown[];
    try {
      results = await hub.applyBatch(batch);
    } catch (e) {
      log(`command batch failed: ${String(e)}`);
      results = unavailable(batch, 'the hub could not answer');
    }
    batch.forEach((b, i) => b.ack(results[i]));
  }

  io.use((socket, next) => {
    hub.users.authenticate((socket.handshake.auth as { token?: unknown } | undefined)?.token).then((user) => {
      if (!user) return next(new Error('unauthenticated'));
      Object.assign(socket.data as SocketData, { user, actor: toActor(user), live: false, lastSent: 0 });
      next();
    }, (e: unknown) => {
      log(`cannot check a session: ${String(e)}`);
      next(new Error('unavailable'));
    });
  });

  function emitTo(socket: HubSocket, events: readonly HubEvent[]): void {
    const d = socket.data;
    const mine = events.filter((e) => e.seq > d.lastSent && canSee(d.actor, scopeOf(e)));
    const headSeq = events.length ? Math.max(d.lastSent, events[events.length - 1]!.seq) : d.lastSent;
    d.lastSent = headSeq;
    if (mine.length || headSeq) (socket as Socket).emit(SOCKET.events, { events: mine, headSeq });
  }

  function flush(): void {
    flushScheduled = false;
    const batch = queued;
    queued = [];
    for (const s of io.sockets.sockets.values()) {
      const socket = s as unknown as HubSocket;
      if (socket.data.live) emitTo(socket, batch);
    }
  }

  const off = hub.onEvents((events) => {
    queued.push(...events);
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flush);
    }
  });

  /**
   * socket.io puts the ack last, however many arguments came before it. Every request takes one
   * argument (none: undefined, which the schema judges): more are answered as invalid (a client that sent extra
   * arguments still gets an answer instead of waiting for its timeout — fuzz finding); a message
   * without an ack is dropped, and said so in the log.
   */
  function requestArgs(socket: Socket, name: string, args: unknown[]): { input: unknown; ack: (r: unknown) => void } | null {
    const ack = args[args.length - 1];
    if (typeof ack !== 'function') {
      log(`drop ${name} from ${(socket.data as SocketData).user.username}: no ack`);
      return null;
    }
    const reply = ack as (r: unknown) => void;
    if (args.length > 2) {
      reply({ ok: false, error: { code: 'invalid_input', message: `${name} takes one argument, got ${args.length - 1}` } });
      return null;
    }
    return { input: args.length === 2 ? args[0] : undefined, ack: reply };
  }

  function handler<T extends z.ZodType>(socket: Socket, name: string, schema: T, fn: (input: z.infer<T>) => unknown): void {
    socket.on(name, (...args: unknown[]) => {
      const req = requestArgs(socket, name, args);
      if (!req) return;
      const { input, ack } = req;
      const parsed = schema.safeParse(input);
      if (!parsed.success) {
        ack({ ok: false, error: { code: 'invalid_input', message: z.prettifyError(parsed.error) } });
        return;
      }
      try {
        ack(fn(parsed.data));
      } catch (e) {
        log(`error in ${name}: ${String(e)}`);
        ack({ ok: false, error: { code: 'internal', message: 'the hub could not answer' } });
      }
    });
  }

  /** The events a client may send: the requests of the protocol. */
  const REQUESTS = new Set<string>([SOCKET.whoami, SOCKET.catchup, SOCKET.subscribe, SOCKET.snapshot, SOCKET.command]);

  io.on('connection', (s) => {
    const socket = s as unknown as HubSocket;
    const d = socket.data;
    // `node` only on a cluster: a single hub has no nodes to tell apart on the officer's screen.
    handler(s, SOCKET.whoami, z.unknown(), () => ({ ok: true, user: d.user, headSeq: hub.log.headSeq, logId: hub.logId, ...(hub.cluster ? { node: hub.cluster.name } : {}) }));

    // An event the hub does not know: answered when it asks for an answer, and logged — at most
    // once a minute per connection with the count, so a flood cannot flood the log too.
    let unknownCount = 0;
    let unknownLoggedAt = 0;
    s.onAny((event: unknown, ...args: unknown[]) => {
      if (typeof event === 'string' && REQUESTS.has(event)) return;
      const ack = args[args.length - 1];
      if (typeof ack === 'function') (ack as (r: unknown) => void)({ ok: false, error: { code: 'invalid_input', message: `unknown event ${String(event).slice(0, 40)}` } });
      unknownCount++;
      const now = Date.now();
      if (now - unknownLoggedAt >= 60_000) {
        log(`drop ${unknownCount} unknown event(s) from ${d.user.username}, latest ${JSON.stringify(String(event).slice(0, 40))}`);
        unknownLoggedAt = now;
        unknownCount = 0;
      }
    });

    handler(s, SOCKET.catchup, CatchupRequest, ({ afterSeq, limit }): CatchupResponse => {
      const horizon = hub.log.compactedThrough();
      if (afterSeq < horizon) return { ok: false, error: { code: 'snapshot_needed', message: `events up to ${horizon} were compacted away` }, headSeq: hub.log.headSeq };
      const { events, upTo } = hub.log.readAfter(afterSeq, limit, d.actor);
      return { ok: true, events, upTo, headSeq: hub.log.headSeq };
    });

    // Synchronous from here to the ack: no event can slip between the last catch-up batch and live.
    handler(s, SOCKET.subscribe, SubscribeRequest, ({ afterSeq }) => {
      if (afterSeq < hub.log.compactedThrough()) return { ok: false, error: { code: 'snapshot_needed', message: 'catch up from a snapshot first' } };
      d.lastSent = afterSeq;
      for (;;) {
        const { events, upTo } = hub.log.readAfter(d.lastSent, 2000, d.actor);
        if (events.length) (socket as unknown as Socket).emit(SOCKET.events, { events, headSeq: upTo });
        d.lastSent = upTo;
        if (upTo >= hub.log.headSeq) break;
      }
      // Events queued but not yet flushed are older than lastSent now and get filtered out.
      d.live = true;
      return { ok: true, headSeq: hub.log.headSeq };
    });

    handler(s, SOCKET.snapshot, SnapshotRequest, ({ snapshotId, page }): SnapshotResponse => {
      let held = snapshots.get(s.id);
      if (snapshotId !== null) {
        // Only this socket's current snapshot: an id from another socket is as unknown as an expired one.
        if (!held || held.id !== snapshotId) {
          return { ok: false, error: { code: 'not_found', message: held ? 'snapshot replaced by a newer one on this connection; start again' : 'snapshot expired or unknown; start again' } };
        }
      } else {
        release(s.id);
        if (snapshots.size >= MAX_HELD_SNAPSHOTS) {
          log(`refuse snapshot for ${d.user.username}: ${snapshots.size} held`);
          return { ok: false, error: { code: 'busy', message: `the hub is serving ${snapshots.size} snapshots; try again shortly` } };
        }
        const id = randomUUID();
        const socketId = s.id;
        const timer = setTimeout(() => {
          if (snapshots.get(socketId)?.id === id) snapshots.delete(socketId);
        }, SNAPSHOT_TTL_MS);
        timer.unref();
        held = { id, snap: takeSnapshot(hub, d.actor), timer };
        snapshots.set(socketId, held);
      }
      const { id, snap } = held;
      const pages = Math.max(1, Math.ceil(Math.max(snap.cases.length, snap.units.length, snap.cameras.length, snap.operations.length) / SNAPSHOT_PAGE));
      if (page >= pages) return { ok: false, error: { code: 'invalid_input', message: `page ${page} of ${pages}` } };
      const slice = <T>(a: T[]) => a.slice(page * SNAPSHOT_PAGE, (page + 1) * SNAPSHOT_PAGE);
      return { ok: true, snapshotId: id, seq: snap.seq, page, pages, cases: slice(snap.cases), units: slice(snap.units), cameras: slice(snap.cameras), operations: slice(snap.operations) };
    });

    s.on('disconnect', () => release(s.id));
    // A frame the parser cannot read ends the connection (socket.io closes it); say why. A client
    // can send an event named "error" too, with anything in it (fuzz finding: it crashed the hub
    // through this very handler), so nothing is assumed about the argument.
    s.on('error', (e: unknown) => {
      const why = e instanceof Error ? e.message : typeof e === 'string' ? e : 'an "error" event from the client';
      log(`error on ${d.user.username}'s connection: ${why.slice(0, 120)}`);
    });

    // Commands are answered after their group commit (see HubCore.applyBatch).
    s.on(SOCKET.command, (...args: unknown[]) => {
      const req = requestArgs(s, SOCKET.command, args);
      if (!req) return;
      commandQueue.push({ actor: d.actor, raw: req.input, ack: req.ack });
      if (commandQueue.length === 1) setImmediate(() => void flushCommands());
    });
  });

  return {
    positions(list, unitScope) {
      for (const s of io.sockets.sockets.values()) {
        const socket = s as unknown as HubSocket;
        if (!socket.data.live) continue;
        const mine = list.filter((p) => {
          const sc = unitScope(p.id);
          return sc !== null && canSee(socket.data.actor, { entity: 'unit', subdistrict: sc.subdistrict, owners: sc.owners });
        });
        if (mine.length) (socket as unknown as Socket).emit(SOCKET.positions, { positions: mine });
      }
    },
    heldSnapshots: () => snapshots.size,
    close() {
      off();
      for (const id of [...snapshots.keys()]) release(id);
    },
  };
}

/** Who may receive an event: as for its entity, plus departments that just lost the case. */
export function scopeOf(e: HubEvent): { entity: HubEvent['entity']; subdistrict: string | null; owners: string[] } {
  const st = e.data.state as { subdistrictCode?: string; owners?: string[]; departmentCode?: string };
  const former = Array.isArray(e.data.detail.formerOwners) ? (e.data.detail.formerOwners as string[]) : [];
  const owners = e.entity === 'operation' ? operationDepartments(e.data.state as Operation) : st.owners ?? (st.departmentCode ? [st.departmentCode] : []);
  return { entity: e.entity, subdistrict: st.subdistrictCode ?? null, owners: [...owners, ...former] };
}

/** One consistent read of the user's scope (better-sqlite3 runs it in one go: nothing interleaves). */
function takeSnapshot(hub: HubCore, actor: Actor): Snapshot {
  return hub.db.transaction(() => {
    const seq = hub.log.headSeq;
    const cases = (hub.db.prepare('SELECT state FROM cases ORDER BY id').all() as { state: string }[]).map((r) => JSON.parse(r.state) as Case)
      .filter((c) => canSee(actor, { entity: 'case', subdistrict: c.subdistrictCode, owners: c.owners }));
    const units = (hub.db.prepare('SELECT state FROM units ORDER BY id').all() as { state: string }[]).map((r) => JSON.parse(r.state) as Unit)
      .filter((u) => canSee(actor, { entity: 'unit', subdistrict: u.subdistrictCode, owners: [u.departmentCode] }));
    const cameras = (hub.db.prepare('SELECT state FROM cameras ORDER BY id').all() as { state: string }[]).map((r) => JSON.parse(r.state) as Camera)
      .filter((c) => canSee(actor, { entity: 'camera', subdistrict: c.subdistrictCode, owners: [] }));
    const operations = (hub.db.prepare('SELECT state FROM operations ORDER BY id').all() as { state: string }[]).map((r) => JSON.parse(r.state) as Operation)
      .filter((o) => canSee(actor, { entity: 'operation', subdistrict: null, owners: operationDepartments(o) }));
    return { seq, at: Date.now(), cases, units, cameras, operations };
  })();
}
