// Browser mode's bridge over a WebSocket: requests and replies, pushes, the token, and an
// honest account of a lost link (reconnect with backoff, in-flight calls refused, resync).
import { describe, expect, it } from 'vitest';
import type { WireMessage, WireRequest } from '../../shared/bridge/contract';
import { BridgeError, bridgeSocketUrl, createWireBridge, type SocketLike } from '../../renderer/bridge/wire';

class FakeSocket implements SocketLike {
  readyState = 0;
  sent: WireRequest[] = [];
  onopen: ((ev: unknown) => void) | null = null;
  onclose: ((ev: unknown) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  send(data: string) { this.sent.push(JSON.parse(data) as WireRequest); }
  close() { this.drop(); }
  open() { this.readyState = 1; this.onopen?.({}); }
  drop() { this.readyState = 3; this.onclose?.({}); }
  push(m: WireMessage) { this.onmessage?.({ data: JSON.stringify(m) }); }
}

function setup() {
  const sockets: FakeSocket[] = [];
  const timers: Array<{ fn: () => void; ms: number }> = [];
  const bridge = createWireBridge({
    connect: () => { const s = new FakeSocket(); sockets.push(s); return s; },
    setTimer: (fn, ms) => timers.push({ fn, ms }),
    now: () => 1000,
    random: () => 0.5,
    backoff: { initialMs: 100, maxMs: 1000 },
  });
  return { bridge, sockets, timers, last: () => sockets[sockets.length - 1]! };
}

describe('bridge socket URL', () => {
  it('uses the page origin, ws or wss, and carries the token', () => {
    expect(bridgeSocketUrl('http://127.0.0.1:7420/?token=abc', 'abc')).toBe('ws://127.0.0.1:7420/bridge?token=abc');
    expect(bridgeSocketUrl('https://wall.example:8443/wall/main', 'a b')).toBe('wss://wall.example:8443/bridge?token=a+b');
    expect(bridgeSocketUrl('http://localhost:5173/', null)).toBe('ws://localhost:5173/bridge');
  });
});

describe('wire bridge', () => {
  it('queues calls until open, then matches replies by id', async () => {
    const { bridge, last } = setup();
    const p = bridge.search('虹桥');
    expect(last().sent).toEqual([]);
    last().open();
    expect(last().sent).toEqual([{ id: 1, call: 'search', args: ['虹桥'] }]);
    last().push({ kind: 'reply', id: 1, result: { ok: true, value: ['c1'] } });
    await expect(p).resolves.toEqual(['c1']);
  });

  it('turns an error reply into a BridgeError with its code', async () => {
    const { bridge, last } = setup();
    last().open();
    const p = bridge.command('case.register', { caseId: 'c' }, 1);
    last().push({ kind: 'reply', id: 1, result: { ok: false, error: { code: 'invalid_input', message: 'bad' } } });
    await expect(p).rejects.toMatchObject({ name: 'BridgeError', code: 'invalid_input' });
  });

  it('hands change batches to listeners and ignores garbage', () => {
    const { bridge, last } = setup();
    last().open();
    const got: unknown[] = [];
    const off = bridge.onChanges((b) => got.push(b));
    last().onmessage?.({ data: 'not json' });
    last().push({ kind: 'changes', batch: { reset: false, cases: [], units: [], cameras: [], removed: { cases: [], units: [], cameras: [] }, positions: [], answers: [], connection: null, pending: null } });
    off();
    last().push({ kind: 'changes', batch: { reset: true, cases: [], units: [], cameras: [], removed: { cases: [], units: [], cameras: [] }, positions: [], answers: [], connection: null, pending: null } });
    expect(got).toHaveLength(1);
  });

  it('on a lost link: says so, refuses calls in flight, reconnects with backoff, then resyncs', async () => {
    const { bridge, sockets, timers, last } = setup();
    const links: boolean[] = [];
    let resyncs = 0;
    bridge.onLink((up) => links.push(up));
    bridge.onResync(() => resyncs++);
    last().open();
    const inFlight = bridge.caseDetail('c1');
    last().drop();
    await expect(inFlight).rejects.toBeInstanceOf(BridgeError);
    await expect(inFlight).rejects.toMatchObject({ code: 'disconnected' });
    expect(links).toEqual([true, false]);
    expect(timers.map((t) => t.ms)).toEqual([100]);
    const queued = bridge.snapshot(); // made while down: sent after reconnecting
    timers.shift()!.fn();
    expect(sockets).toHaveLength(2);
    last().drop(); // the second try fails too: the wait doubles
    expect(timers.map((t) => t.ms)).toEqual([200]);
    timers.shift()!.fn();
    last().open();
    expect(links).toEqual([true, false, true]);
    expect(resyncs).toBe(1);
    expect(last().sent.map((r) => r.call)).toEqual(['snapshot']);
    last().push({ kind: 'reply', id: last().sent[0]!.id, result: { ok: true, value: 'snap' } });
    await expect(queued).resolves.toBe('snap');
  });

  it('stops for good when closed', async () => {
    const { bridge, timers, last } = setup();
    last().open();
    const p = bridge.accounts();
    bridge.close();
    await expect(p).rejects.toMatchObject({ code: 'disconnected' });
    expect(timers).toHaveLength(0);
    await expect(bridge.snapshot()).rejects.toMatchObject({ code: 'disconnected' });
  });
});
