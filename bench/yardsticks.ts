/**
 * Yardsticks measured in the same run as our figures: what the machine's raw tools do with no
 * code of ours in the way. Our figures are reported as a ratio to these.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import http from 'node:http';
import { Server } from 'socket.io';
import { io } from 'socket.io-client';
import type { Figure } from './figures';

/** Plain better-sqlite3 insert loop in one transaction, WAL + synchronous=FULL like our stores. */
export function sqliteInsertRate(rows = 100_000): Figure {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-sqlite-'));
  const db = new Database(path.join(dir, 'y.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT NOT NULL, b INTEGER NOT NULL, c TEXT NOT NULL)');
  const ins = db.prepare('INSERT INTO t (a, b, c) VALUES (?, ?, ?)');
  const payload = JSON.stringify({ status: 'reported', point: [121.38, 31.11], description: '暴露垃圾'.repeat(8) });
  const start = performance.now();
  db.transaction(() => {
    for (let i = 0; i < rows; i++) ins.run(`case-${i}`, i, payload);
  })();
  const s = (performance.now() - start) / 1000;
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
  return { name: 'yardstick.sqlite.insert', value: Math.round(rows / s), unit: 'rows/s' };
}

/** Raw socket.io loopback: small server→client events per second, no code of ours. */
export async function socketIoThroughput(events = 100_000): Promise<Figure> {
  const server = http.createServer();
  const ioServer = new Server(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  const client = io(`http://127.0.0.1:${port}`, { transports: ['websocket'] });
  const socket = await new Promise<import('socket.io').Socket>((r) => ioServer.once('connection', r));
  await new Promise<void>((r) => (client.connected ? r() : client.once('connect', () => r())));
  let got = 0;
  const done = new Promise<void>((r) => client.on('e', () => {
    if (++got === events) r();
  }));
  const start = performance.now();
  for (let i = 0; i < events; i++) socket.emit('e', { seq: i, type: 'case.reported' });
  await done;
  const s = (performance.now() - start) / 1000;
  client.close();
  await new Promise<void>((r) => ioServer.close(() => r()));
  return { name: 'yardstick.socketio.events', value: Math.round(events / s), unit: 'events/s' };
}
