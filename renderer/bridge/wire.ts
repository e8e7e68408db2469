/**
 * The bridge spoken over a WebSocket (browser mode): WireRequest {id, call, args} out,
 * WireMessage replies and change pushes in. Pure: the socket comes from a factory, so the
 * protocol is tested in Node without a DOM.
 */
import { snapshotFromWire, type BridgeCallResult, type ChangeBatch, type LinkageBridge, type WireMessage, type WireRequest } from '../../shared/bridge/contract';

/** The part of the browser's WebSocket the client uses. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
}

/** A failed bridge call, with a code the UI translates ('disconnected', 'forbidden', …). */
export class BridgeError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'BridgeError';
  }
}

export interface WireBridgeOptions {
  connect: () => SocketLike;
  /** Injected timers, so tests drive reconnection without waiting. */
  setTimer?: (fn: () => void, ms: number) => unknown;
  now?: () => number;
  backoff?: { initialMs: number; maxMs: number };
  random?: () => number;
}

/** The bridge plus what only a remote link has: it can drop, and then batches were missed. */
export interface WireBridge extends LinkageBridge {
  /** The page's own link to the core: up or down since a moment. */
  onLink(listener: (up: boolean, since: number) => void): () => void;
  /** After a reconnection: pushes were lost while down, so the window must re-read everything. */
  onResync(listener: () => void): () => void;
  close(): void;
}

interface Call {
  request: WireRequest;
  sent: boolean;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/** ws:// or wss:// to `/bridge` on the page's own origin, carrying the page's token. */
export function bridgeSocketUrl(pageHref: string, token: string | null): string {
  const page = new URL(pageHref);
  const url = new URL('/bridge', page.origin);
  url.protocol = page.protocol === 'https:' ? 'wss:' : 'ws:';
  if (token) url.searchParams.set('token', token);
  return url.toString();
}

export function createWireBridge(options: WireBridgeOptions): WireBridge {
  const setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const { initialMs, maxMs } = options.backoff ?? { initialMs: 500, maxMs: 15_000 };
  const calls = new Map<number, Call>();
  const changeListeners = new Set<(b: ChangeBatch) => void>();
  const linkListeners = new Set<(up: boolean, since: number) => void>();
  const resyncListeners = new Set<() => void>();
  let socket: SocketLike | null = null;
  let up = false;
  let everUp = false;
  let attempt = 0;
  let nextId = 1;
  let closed = false;

  const setLink = (value: boolean) => {
    if (up === value) return;
    up = value;
    const since = now();
    for (const l of linkListeners) l(value, since);
  };

  const send = (call: Call) => {
    if (!socket || !up) return;
    socket.send(JSON.stringify(call.request));
    call.sent = true;
  };

  const onMessage = (raw: unknown) => {
    let msg: WireMessage;
    try {
      msg = JSON.parse(String(raw)) as WireMessage;
    } catch {
      return; // a garbled frame is dropped; the next snapshot repairs what it carried
    }
    if (msg?.kind === 'changes') {
      for (const l of changeListeners) l(msg.batch);
    } else if (msg?.kind === 'reply') {
      const call = calls.get(msg.id);
      if (!call) return;
      calls.delete(msg.id);
      const result: BridgeCallResult = msg.result;
      if (result.ok) call.resolve(result.value);
      else call.reject(new BridgeError(result.error.code, result.error.message));
    }
  };

  const open = () => {
    if (closed) return;
    const s = options.connect();
    socket = s;
    s.onopen = () => {
      attempt = 0;
      setLink(true);
      for (const call of calls.values()) if (!call.sent) send(call);
      if (everUp) for (const l of resyncListeners) l();
      everUp = true;
    };
    s.onmessage = (ev) => onMessage(ev.data);
    s.onerror = () => { /* onclose follows and handles it */ };
    s.onclose = () => {
      if (socket !== s) return;
      socket = null;
      setLink(false);
      // A call on the wire when the link fell may or may not have reached the core: say so,
      // rather than send it twice (a command is idempotent only through its commandId, which
      // the core makes).
      for (const [id, call] of calls) {
        if (!call.sent) continue;
        calls.delete(id);
        call.reject(new BridgeError('disconnected', 'link to the app core lost before it answered'));
      }
      if (closed) return;
      const delay = Math.min(maxMs, initialMs * 2 ** attempt) * (0.8 + 0.4 * random());
      attempt += 1;
      setTimer(open, delay);
    };
  };

  function call<T>(name: string, args: unknown[]): Promise<T> {
    if (closed) return Promise.reject(new BridgeError('disconnected', 'bridge closed'));
    return new Promise<T>((resolve, reject) => {
      const c: Call = { request: { id: nextId++, call: name, args }, sent: false, resolve: resolve as (v: unknown) => void, reject };
      calls.set(c.request.id, c);
      send(c);
    });
  }

  open();
  return {
    // The cases come as compact rows (shared/bridge/contract.ts CaseRows): the same Case objects again.
    snapshot: () => call('snapshot', []).then(snapshotFromWire),
    district: () => call('district', []),
    command: (type, payload, expectedVersion) => call('command', [type, payload, expectedVersion]),
    search: (text) => call('search', [text]),
    caseDetail: (caseId) => call('caseDetail', [caseId]),
    setSettings: (patch) => call('setSettings', [patch]),
    accounts: () => call('accounts', []),
    switchUser: (username) => call('switchUser', [username]),
    login: (username, password) => call('login', [username, password]),
    history: (range) => call('history', [range]),
    statistics: (query) => call('statistics', [query]),
    onChanges(listener) {
      changeListeners.add(listener);
      return () => changeListeners.delete(listener);
    },
    onLink(listener) {
      linkListeners.add(listener);
      return () => linkListeners.delete(listener);
    },
    onResync(listener) {
      resyncListeners.add(listener);
      return () => resyncListeners.delete(listener);
    },
    close() {
      closed = true;
      socket?.close();
      for (const c of calls.values()) c.reject(new BridgeError('disconnected', 'bridge closed'));
      calls.clear();
    },
  };
}
