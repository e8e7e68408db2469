/**
 * Reproduction (fuzz finding): one WebSocket frame that is not valid UTF-8 (or larger than
 * maxPayload) crashes browser mode's server process. main/web/server.ts attaches 'message' and
 * 'close' listeners to each bridge WebSocket but no 'error' listener; ws emits 'error' on an
 * invalid frame, and an 'error' event without a listener is thrown as an uncaught exception.
 *   npx tsx test/fuzz/repro/bridge-ws-invalid-frame.ts
 * Prints {uncaught: [...]}; a non-empty list = the bug (without our handler the process dies).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { Session } from '../../../main/core/bridge/session';
import { startWebServer } from '../../../main/web/server';

const uncaught: string[] = [];
process.on('uncaughtException', (e) => uncaught.push(String(e)));

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'repro-ws-'));
fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html>');
const session = new Session({ dataDir: root, hubUrl: 'http://127.0.0.1:9', credentials: null, defaultUser: null, openCore: () => Promise.reject(new Error('no core')), log: () => undefined });
const server = await startWebServer({ session, staticDir: root, log: () => undefined });
for (const frame of [Buffer.from([0x7b, 0xc0, 0xaf, 0x7d]), 'x'.repeat(1024 * 1024 + 1)]) {
  const ws = new WebSocket(`${server.url.replace('http', 'ws')}/bridge?token=${server.token}`, { headers: { origin: server.url } });
  await new Promise((r) => ws.once('open', r));
  ws.send(frame, { binary: false });
  await new Promise((r) => ws.once('close', r));
}
await new Promise((r) => setTimeout(r, 200));
console.log(JSON.stringify({ uncaught }));
await server.close();
await session.close();
fs.rmSync(root, { recursive: true, force: true });
