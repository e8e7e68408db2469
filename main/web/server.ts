/**
 * Browser mode (ARCHITECTURE §2, §4.8): the built renderer and the bridge over a WebSocket, on 127.0.0.1 by
 * default. Pages are GET-only from one folder (no traversal); the bridge needs the per-start
 * token and the server's own Origin, so another site in the same browser cannot drive it.
 */
import http from 'node:http';
import https from 'node:https';
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import { WireRequestSchema, type WireMessage } from '../../shared/bridge/contract';
import { isPage, pageOrAsset } from '../../shared/bridge/pages';
import { contentSecurityPolicy } from '../core/bridge/csp';
import type { Session } from '../core/bridge/session';

export interface WebServerOptions {
  session: Session;
  staticDir: string;
  host?: string;
  port?: number;
  /** Required off loopback: the bridge carries the district's cases. */
  tls?: { key: string; cert: string } | null;
  /** Fixed token (tests); otherwise a random one per start. */
  token?: string;
  /** Video gateways the pages may fetch camera streams from (see main/core/bridge/csp.ts). */
  cameraOrigins?: string[];
  log(message: string): void;
}

export interface RunningWebServer {
  url: string;
  /** The address to open, with the token. */
  openUrl: string;
  token: string;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.woff2': 'font/woff2', '.wav': 'audio/wav', '.mp3': 'audio/mpeg', '.ogg': 'audio/ogg', '.ico': 'image/x-icon', '.map': 'application/json',
};

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}



/** The file under `root` a URL path names, or null when it would leave the folder. */
export function resolveStatic(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.split(/[\/\\]/).includes('..')) return null;
  const rel = pageOrAsset(decoded);
  const file = path.resolve(root, '.' + path.posix.normalize(rel));
  return file === root || file.startsWith(root + path.sep) ? file : null;
}

export async function startWebServer(opts: WebServerOptions): Promise<RunningWebServer> {
  const host = opts.host ?? '127.0.0.1';
  if (!isLoopback(host) && !opts.tls) {
    throw new Error(`browser mode on ${host} needs TLS (--tls-key, --tls-cert): the bridge carries the district's cases`);
  }
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const root = path.resolve(opts.staticDir);
  let origin = '';
  let csp = '';

  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const headers = { 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'cross-origin-opener-policy': 'same-origin', 'content-security-policy': csp };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...headers, allow: 'GET, HEAD' }).end();
      return;
    }
    const url = new URL(req.url ?? '/', origin);
    const file = resolveStatic(root, url.pathname);
    if (!file) {
      res.writeHead(400, headers).end('bad path');
      return;
    }
    fs.stat(file, (err, st) => {
      if (err || !st.isFile()) {
        const missingBuild = isPage(url.pathname);
        res.writeHead(404, { ...headers, 'content-type': 'text/plain; charset=utf-8' })
          .end(missingBuild ? 'The renderer is not built: run `npm start` (it builds what is stale).' : 'not found');
        return;
      }
      res.writeHead(200, { ...headers, 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'content-length': st.size, 'cache-control': file.endsWith('index.html') ? 'no-store' : 'max-age=3600' });
      if (req.method === 'HEAD') res.end();
      else fs.createReadStream(file).pipe(res);
    });
  };
  const server = opts.tls ? https.createServer({ key: fs.readFileSync(opts.tls.key), cert: fs.readFileSync(opts.tls.cert) }, onRequest) : http.createServer(onRequest);

  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  const expected = Buffer.from(token);
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', origin);
    const presented = Buffer.from(url.searchParams.get('token') ?? '');
    const tokenOk = presented.length === expected.length && timingSafeEqual(presented, expected);
    if (url.pathname !== '/bridge' || !tokenOk || req.headers.origin !== origin) {
      opts.log(`refused bridge connection (${url.pathname !== '/bridge' ? 'path' : !tokenOk ? 'token' : 'origin ' + String(req.headers.origin)})`);
      socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  const clients = new Set<WebSocket>();
  const send = (ws: WebSocket, m: WireMessage) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(m));
  };
  const offChanges = opts.session.onChanges((batch) => {
    for (const ws of clients) send(ws, { kind: 'changes', batch });
  });
  wss.on('connection', (ws: WebSocket) => {
    clients.add(ws);
    ws.on('close', () => clients.delete(ws));
    // A malformed frame (bad UTF-8, over the size limit) is an 'error' on this socket: without
    // a listener it would bring the whole process down. Drop that client, say why, go on.
    ws.on('error', (e) => {
      opts.log(`bridge connection dropped: ${e.message}`);
      clients.delete(ws);
      ws.terminate();
    });
    ws.on('message', (data) => {
      let parsed;
      try {
        parsed = WireRequestSchema.safeParse(JSON.parse(String(data)));
      } catch {
        parsed = null;
      }
      if (!parsed?.success) {
        opts.log('dropped a malformed bridge message');
        return;
      }
      const { id, call, args } = parsed.data;
      // The reply is spliced as text: the snapshot's cases arrive from the core as JSON text (issue 5).
      void opts.session.callJson(call, args).then((result) => {
        if (ws.readyState === ws.OPEN) ws.send(`{"kind":"reply","id":${id},"result":${result}}`);
      });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  origin = `${opts.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
  csp = contentSecurityPolicy({ connectSelf: [origin.replace(/^http/, 'ws')], cameraOrigins: opts.cameraOrigins ?? [] });
  return {
    url: origin,
    openUrl: `${origin}/?token=${token}`,
    token,
    async close() {
      offChanges();
      for (const ws of clients) ws.terminate();
      wss.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
