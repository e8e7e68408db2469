/** Low-level clients for the fuzzer: HTTP with any headers and bytes, raw TCP, raw WebSocket. */
import http from 'node:http';
import net from 'node:net';
import WebSocket from 'ws';

export interface HttpAnswer { status: number; body: string; headers: http.IncomingHttpHeaders }

/** One HTTP request on its own connection; null status when the server closed without answering. */
export function httpRequest(port: number, req: { method: string; path: string; headers?: Record<string, string | string[]>; body?: Buffer | string | null; timeoutMs?: number }): Promise<HttpAnswer | { error: string }> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (v: HttpAnswer | { error: string }): void => {
      if (done) return;
      done = true;
      resolve(v);
    };
    let r: http.ClientRequest;
    try {
      r = http.request({ host: '127.0.0.1', port, method: req.method, path: req.path, headers: req.headers ?? {}, agent: false, timeout: req.timeoutMs ?? 15_000 }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size < 1_000_000) chunks.push(c);
        });
        res.on('end', () => finish({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
        res.on('error', (e) => finish({ error: `response: ${e.message}` }));
      });
    } catch (e) {
      // Node refuses some headers or paths on the client side: nothing reached the hub.
      finish({ error: `client refused: ${(e as Error).message}` });
      return;
    }
    r.on('timeout', () => {
      r.destroy(new Error('timeout'));
      finish({ error: 'timeout' });
    });
    r.on('error', (e) => finish({ error: e.message }));
    if (req.body !== null && req.body !== undefined) r.end(req.body);
    else r.end();
  });
}

/** Raw bytes on a fresh TCP connection; what came back before the server closed (or `ms` passed). */
export function rawTcp(port: number, bytes: Buffer, ms = 3000): Promise<{ response: string; closed: boolean }> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let closed = false;
    const t = setTimeout(() => {
      s.destroy();
      resolve({ response: Buffer.concat(chunks).toString('latin1'), closed });
    }, ms);
    s.on('data', (d: Buffer) => {
      chunks.push(d);
      // An HTTP answer is enough: do not wait for the keep-alive timeout.
      if (/^HTTP\/1\.[01] \d{3}[\s\S]*\r\n\r\n/.test(Buffer.concat(chunks).toString('latin1'))) {
        clearTimeout(t);
        s.destroy();
        resolve({ response: Buffer.concat(chunks).toString('latin1'), closed: false });
      }
    });
    s.on('error', () => undefined);
    s.on('close', () => {
      closed = true;
      clearTimeout(t);
      resolve({ response: Buffer.concat(chunks).toString('latin1'), closed: true });
    });
    s.write(bytes);
  });
}

/** A WebSocket whose frames we read as they come, with waiting helpers. */
export class RawSocket {
  readonly frames: Array<{ data: Buffer; binary: boolean }> = [];
  closed: { code: number; reason: string } | null = null;
  private waiters: Array<() => void> = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      this.frames.push({ data: Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer), binary: isBinary });
      if (this.frames.length > 1000) this.frames.splice(0, this.frames.length - 1000);
      this.wake();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.wake();
    });
    ws.on('error', () => undefined);
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  static open(url: string, headers: Record<string, string> = {}, ms = 5000): Promise<RawSocket | { refused: string }> {
    return new Promise((resolve) => {
      const ws = new WebSocket(url, { headers, handshakeTimeout: ms, maxPayload: 50 * 1024 * 1024 });
      const sock = new RawSocket(ws);
      ws.once('open', () => resolve(sock));
      ws.once('unexpected-response', (_req, res) => {
        resolve({ refused: `HTTP ${res.statusCode}` });
        res.resume();
      });
      ws.once('error', (e) => resolve({ refused: e.message }));
    });
  }

  /** Forgets the frames received so far: the next waitFor looks at what comes after. */
  reset(): void {
    this.frames.length = 0;
  }

  /** Waits until a frame matches `pred`, the socket closes, or `ms` pass. */
  async waitFor(pred: (text: string, binary: boolean) => boolean, ms: number): Promise<string | null> {
    const end = Date.now() + ms;
    for (;;) {
      for (const f of this.frames) {
        const text = f.data.toString('utf8');
        if (pred(text, f.binary)) return text;
      }
      if (this.closed || Date.now() > end) return null;
      await new Promise<void>((r) => {
        const t = setTimeout(r, Math.max(1, end - Date.now()));
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  send(data: string | Buffer, binary = false): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    this.ws.send(data, { binary });
  }

  close(): void {
    this.ws.terminate();
  }
}
