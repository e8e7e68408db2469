// Browser mode's server: GET-only pages from one folder, and a bridge that needs the token and
// the server's own Origin; a real hub and a real core process underneath.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import http from 'node:http';
import WebSocket from 'ws';
import { startHub, type RunningHub } from '../../hub/server';
import { startBrowserApp } from '../../main/web/app';
import { resolveStatic } from '../../main/web/server';
import { snapshotFromWire, type WireMessage } from '../../shared/bridge/contract';
import { tmpDir } from './helpers/hub';
import { until } from './helpers/proxy';

let hub: RunningHub;
let app: Awaited<ReturnType<typeof startBrowserApp>>;
const staticDir = tmpDir('static-');

beforeAll(async () => {
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>大联动</title>');
  fs.mkdirSync(path.join(staticDir, 'assets'));
  fs.writeFileSync(path.join(staticDir, 'assets', 'worker.mjs'), 'export {}');
  const dir = tmpDir();
  const credentialsFile = path.join(dir, 'credentials.json');
  hub = await startHub({ dataDir: path.join(dir, 'hub'), port: 0, defaultAccounts: true, credentialsFile, log: () => {} });
  app = await startBrowserApp({ dataDir: dir, hubUrl: hub.url, credentialsFile, defaultUser: 'officer', staticDir, log: () => {} });
});

afterAll(async () => {
  await app.close();
  await hub.close();
});

function get(pathname: string, method = 'GET'): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${app.server.url}${pathname}`, { method }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

function bridge(query: string, origin: string | undefined): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${app.server.url.replace('http', 'ws')}/bridge${query}`, origin ? { origin } : {});
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}

function ask(ws: WebSocket, id: number, call: string, args: unknown[]): Promise<WireMessage> {
  return new Promise((resolve) => {
    const on = (d: WebSocket.RawData) => {
      const m = JSON.parse(String(d)) as WireMessage;
      if (m.kind === 'reply' && m.id === id) {
        ws.off('message', on);
        resolve(m);
      }
    };
    ws.on('message', on);
    ws.send(JSON.stringify({ id, call, args }));
  });
}

describe('browser-mode server', () => {
  it('serves the pages with a CSP, .mjs as JavaScript, and the wall route', async () => {
    const index = await get('/');
    expect(index.status).toBe(200);
    expect(index.headers['content-security-policy']).toContain("script-src 'self'");
    expect((await get('/wall/main')).body).toContain('大联动');
    expect((await get('/assets/worker.mjs')).headers['content-type']).toMatch(/javascript/);
  });

  it('allows GET only and never leaves its folder', async () => {
    expect((await get('/', 'POST')).status).toBe(405);
    expect((await get('/../../etc/passwd')).status).not.toBe(200);
    expect((await get('/%2e%2e/%2e%2e/etc/passwd')).status).not.toBe(200);
    expect(resolveStatic(staticDir, '/%2e%2e/x')).toBeNull();
    expect(resolveStatic(staticDir, '/a%00.js')).toBeNull();
  });

  it('refuses the bridge without the token or from another origin', async () => {
    await expect(bridge('', app.server.url)).rejects.toThrow(/403/);
    await expect(bridge(`?token=${app.server.token}`, 'https://evil.example')).rejects.toThrow(/403/);
    await expect(bridge(`?token=${app.server.token}`, undefined)).rejects.toThrow(/403/);
  });

  it('answers bridge calls for the default officer and refuses bad ones', async () => {
    const ws = await bridge(`?token=${app.server.token}`, app.server.url);
    // The core signs in and catches up in the background: the cameras come from the hub, so the
    // snapshot holds them once the first catch-up is through (under CI load that takes a moment).
    let cameras = 0;
    let id = 100;
    await until('cameras in the snapshot', async () => {
      const snap = await ask(ws, id++, 'snapshot', []);
      expect(snap.kind === 'reply' && snap.result.ok).toBe(true);
      if (snap.kind === 'reply' && snap.result.ok) cameras = (snap.result.value as { cameras: unknown[] }).cameras.length;
      return cameras > 0;
    }, 20_000, 50);
    expect(cameras).toBeGreaterThan(0);
    const unknown = await ask(ws, 2, 'eval', ['process.exit()']);
    expect(unknown).toMatchObject({ result: { ok: false, error: { code: 'invalid_input' } } });
    const bad = await ask(ws, 3, 'command', ['case.report', { point: 'here' }, null]);
    expect(bad).toMatchObject({ result: { ok: false, error: { code: 'invalid_input' } } });
    ws.send('not json');
    const accounts = await ask(ws, 4, 'accounts', []);
    expect(accounts.kind === 'reply' && accounts.result.ok && (accounts.result.value as Array<{ username: string; password?: string }>).every((a) => a.password === undefined)).toBe(true);
    ws.close();
  });
});

describe('the snapshot over the bridge', () => {
  it('carries the cases spliced as the core\'s compact rows, in ASCII, the same as the parsed snapshot', async () => {
    const ws = await bridge(`?token=${app.server.token}`, app.server.url);
    const reported = await ask(ws, 1, 'command', ['case.report', {
      source: 'hotline', categoryCode: '06013', urgency: 'normal', point: [121.38, 31.11], address: '闵行区某路1号', description: 'splice "引号" \\ 😀', attachments: [],
    }, null]);
    expect(reported).toMatchObject({ result: { ok: true } });
    type Snap = { cases: Array<{ id: string }>; units: unknown[]; settings: unknown; user: unknown };
    let direct: Snap | null = null;
    for (let t = 0; t < 20_000 && !direct?.cases.length; t += 100) {
      const r = await app.session.call('snapshot', []);
      if (r.ok) direct = r.value as Snap;
      if (!direct?.cases.length) await new Promise((res) => setTimeout(res, 100));
    }
    expect(direct?.cases.length).toBeGreaterThan(0);
    const raw = await new Promise<string>((resolve) => {
      const on = (d: WebSocket.RawData) => {
        const text = String(d);
        if (text.startsWith('{"kind":"reply","id":2,')) {
          ws.off('message', on);
          resolve(text);
        }
      };
      ws.on('message', on);
      ws.send(JSON.stringify({ id: 2, call: 'snapshot', args: [] }));
    });
    // All ASCII: Chromium makes a string of such a message several times faster (main/core/wire.ts).
    expect(/^[\x00-\x7f]*$/.test(raw)).toBe(true);
    const snap = JSON.parse(raw) as WireMessage;
    expect(snap.kind === 'reply' && snap.result.ok).toBe(true);
    if (snap.kind !== 'reply' || !snap.result.ok) return;
    const wire = snap.result.value as Snap & { caseRows: { fields: string[]; rows: unknown[][] } };
    expect(wire.cases).toEqual([]);
    expect(wire.caseRows.rows).toHaveLength(direct!.cases.length);
    const value = snapshotFromWire(wire) as unknown as Snap;
    expect(Object.keys(value).sort()).toEqual(Object.keys(direct!).sort());
    expect(value.cases).toEqual(direct!.cases);
    expect(value.cases.some((c) => (c as unknown as { description: string }).description === 'splice "引号" \\ 😀')).toBe(true);
    expect(value.units).toEqual(direct!.units);
    expect(value.settings).toEqual(direct!.settings);
    expect(value.user).toEqual(direct!.user);
    ws.close();
  });
});

describe('browser-mode server under hostile frames', () => {
  it('drops a client that sends invalid UTF-8 or an oversized frame, and keeps serving', async () => {
    for (const bad of [Buffer.from([0xff, 0xfe, 0xfd]), Buffer.alloc(2 * 1024 * 1024, 0x61)]) {
      const ws = await bridge(`?token=${app.server.token}`, app.server.url);
      const closed = new Promise<void>((r) => ws.once('close', () => r()));
      ws.on('error', () => {});
      if (bad.length < 10) ws.send(bad, { binary: false });
      else ws.send(bad.toString());
      await closed;
    }
    const ws = await bridge(`?token=${app.server.token}`, app.server.url);
    expect(await ask(ws, 9, 'accounts', [])).toMatchObject({ result: { ok: true } });
    ws.close();
  });

  it('saves settings from many windows at once without losing a write', async () => {
    const ws = await bridge(`?token=${app.server.token}`, app.server.url);
    const replies = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => ask(ws, 100 + i, 'setSettings', [{ layout: { queueWidth: 300 + i } }])));
    expect(replies.every((r) => r.kind === 'reply' && r.result.ok)).toBe(true);
    ws.close();
  });
});
