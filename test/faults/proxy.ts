/**
 * A TCP proxy on 127.0.0.1 between one app core and the hub, whose link we can break:
 *   pass   forward both ways
 *   drop   close every connection (FIN) and refuse new ones
 *   stall  keep the connections but hold all data (released in order when the mode changes)
 *   delay  forward each chunk `delayMs` later, order kept
 *   reset  destroy every connection with a TCP RST, and new ones too
 * Only loopback; bounded buffers (a stalled pair that holds too much is dropped).
 */
import net from 'node:net';

export type ProxyMode = 'pass' | 'drop' | 'stall' | 'delay' | 'reset';

interface Chunk { data: Buffer; at: number }

/** Bytes a stalled or delayed pair may hold before it is cut (a bound, not a feature). */
const MAX_HELD = 8 * 1024 * 1024;

class Pair {
  readonly toUpstream: Chunk[] = [];
  readonly toClient: Chunk[] = [];
  held = 0;
  closed = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(readonly proxy: FaultProxy, readonly client: net.Socket, readonly upstream: net.Socket) {}

  push(dir: 'up' | 'down', data: Buffer): void {
    if (this.closed) return;
    const q = dir === 'up' ? this.toUpstream : this.toClient;
    const mode = this.proxy.mode;
    if (mode === 'pass' && q.length === 0) {
      this.write(dir, data);
      return;
    }
    const last = q.length ? q[q.length - 1]!.at : 0;
    const at = mode === 'delay' ? Math.max(Date.now() + this.proxy.delayMs, last) : Math.max(Date.now(), last);
    q.push({ data, at });
    this.held += data.length;
    if (this.held > MAX_HELD) {
      this.destroy(false);
      return;
    }
    this.pump();
  }

  /** Sends what is due now; schedules itself for what is due later. */
  pump(): void {
    if (this.closed) return;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const mode = this.proxy.mode;
    if (mode === 'stall') return;
    const now = Date.now();
    let nextAt = Infinity;
    for (const [dir, q] of [['up', this.toUpstream], ['down', this.toClient]] as const) {
      while (q.length && (mode !== 'delay' || q[0]!.at <= now)) {
        const c = q.shift()!;
        this.held -= c.data.length;
        this.write(dir, c.data);
      }
      if (q.length) nextAt = Math.min(nextAt, q[0]!.at);
    }
    if (nextAt !== Infinity) this.timer = setTimeout(() => this.pump(), Math.max(1, nextAt - now));
  }

  private write(dir: 'up' | 'down', data: Buffer): void {
    const s = dir === 'up' ? this.upstream : this.client;
    if (!s.destroyed) s.write(data);
  }

  destroy(rst: boolean): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    for (const s of [this.client, this.upstream]) {
      if (s.destroyed) continue;
      if (rst && typeof s.resetAndDestroy === 'function' && s.readyState !== 'opening') s.resetAndDestroy();
      else s.destroy();
    }
    this.proxy.forget(this);
  }
}

export class FaultProxy {
  private server: net.Server | null = null;
  private readonly pairs = new Set<Pair>();
  mode: ProxyMode = 'pass';
  delayMs = 0;
  port = 0;
  readonly stats = { connections: 0, refused: 0, dropped: 0, reset: 0 };

  constructor(private readonly targetPort: number, private readonly host = '127.0.0.1') {}

  get url(): string {
    return `http://${this.host}:${this.port}`;
  }

  async start(port = 0): Promise<void> {
    this.server = net.createServer((client) => this.accept(client));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, this.host, () => resolve());
    });
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  private accept(client: net.Socket): void {
    client.on('error', () => undefined);
    if (this.mode === 'drop' || this.mode === 'reset') {
      this.stats.refused++;
      if (this.mode === 'reset') client.resetAndDestroy();
      else client.destroy();
      return;
    }
    this.stats.connections++;
    const upstream = net.connect(this.targetPort, this.host);
    upstream.on('error', () => undefined);
    const pair = new Pair(this, client, upstream);
    this.pairs.add(pair);
    client.on('data', (d: Buffer) => pair.push('up', d));
    upstream.on('data', (d: Buffer) => pair.push('down', d));
    const close = (): void => pair.destroy(false);
    client.on('close', close);
    upstream.on('close', close);
  }

  forget(pair: Pair): void {
    this.pairs.delete(pair);
  }

  /** Changes the link's behaviour; drop and reset act on the current connections at once. */
  set(mode: ProxyMode, delayMs = 0): void {
    this.mode = mode;
    this.delayMs = delayMs;
    if (mode === 'drop' || mode === 'reset') {
      for (const p of [...this.pairs]) {
        if (mode === 'drop') this.stats.dropped++;
        else this.stats.reset++;
        p.destroy(mode === 'reset');
      }
    } else {
      for (const p of this.pairs) p.pump();
    }
  }

  get connectionCount(): number {
    return this.pairs.size;
  }

  async close(): Promise<void> {
    this.set('drop');
    const s = this.server;
    this.server = null;
    if (s) await new Promise<void>((r) => s.close(() => r()));
  }
}
