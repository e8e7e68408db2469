/**
 * The hub: commands applied per second (the whole command path: validation, rules, store,
 * event log, audit chain, stored answer, one transaction each) and events per second delivered
 * to 50 live clients.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { startHub } from '../hub/server';
import type { Figure } from './figures';

// A throwaway user of a throwaway hub; still no fixed password in the repository.
const PASSWORD = randomBytes(12).toString('base64url');

export async function benchHub(): Promise<Figure[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-hub-'));
  const hub = await startHub({ dataDir: dir, port: 0, defaultAccounts: false, log: () => {}, timerIntervalMs: 3_600_000 });
  await hub.createUser({ username: 'bench', password: PASSWORD, displayName: 'bench', role: 'officer' });
  const seat = (JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../resources/district/subdistricts.geojson'), 'utf8')) as {
    features: Array<{ properties: { seat: [number, number] } }>;
  }).features[0]!.properties.seat;
  const actor = { userId: 'bench', role: 'officer' as const, subdistricts: [] };
  const report = () => ({ commandId: randomUUID(), type: 'case.report', expectedVersion: null, payload: { source: 'officer', categoryCode: '06010', urgency: 'normal', point: seat, address: '基准测试', description: 'bench' } });

  // 1. The command path in-process, one transaction (one fsync) per command: the floor.
  const N = 1000;
  let start = performance.now();
  for (let i = 0; i < N; i++) hub.core.applyNow(actor, report());
  const single = N / ((performance.now() - start) / 1000);
  // 2. Group commit, as the socket path does when commands arrive together (batches of 50).
  start = performance.now();
  for (let b = 0; b < 100; b++) hub.core.applyBatchNow(Array.from({ length: 50 }, () => ({ actor, raw: report() })));
  const batched = 5000 / ((performance.now() - start) / 1000);

  // 2. Events to 50 live clients: each applied command is one event every client must receive.
  const res = await fetch(`${hub.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'bench', password: PASSWORD }) });
  const { token } = (await res.json()) as { token: string };
  // 3. Over the network: 20 officers acting at once, each waiting for its answer before the next.
  const writers: Socket[] = [];
  for (let i = 0; i < 20; i++) {
    const s = io(hub.url, { auth: { token }, transports: ['websocket'], forceNew: true });
    await new Promise<void>((r) => s.once('connect', () => r()));
    writers.push(s);
  }
  start = performance.now();
  await Promise.all(writers.map(async (s) => {
    for (let i = 0; i < 100; i++) await s.emitWithAck('command', report());
  }));
  const overSocket = 2000 / ((performance.now() - start) / 1000);
  writers.forEach((s) => s.close());

  const clients: Socket[] = [];
  for (let i = 0; i < 50; i++) {
    const s = io(hub.url, { auth: { token }, transports: ['websocket'], forceNew: true });
    await new Promise<void>((r) => s.once('connect', () => r()));
    await s.emitWithAck('subscribe', { afterSeq: hub.core.log.headSeq });
    clients.push(s);
  }
  const E = 2000;
  const target = hub.core.log.headSeq + E;
  const done = Promise.all(clients.map((s) => new Promise<void>((r) => s.on('events', (m: { headSeq: number }) => {
    if (m.headSeq >= target) r();
  }))));
  start = performance.now();
  for (let i = 0; i < E; i++) {
    hub.core.applyNow(actor, report());
    // Let the broadcast run between bursts, as commands arriving over the network would.
    if (i % 50 === 49) await new Promise((r) => setImmediate(r));
  }
  await done;
  const deliveries = (E * clients.length) / ((performance.now() - start) / 1000);
  clients.forEach((s) => s.close());
  await hub.close();
  fs.rmSync(dir, { recursive: true, force: true });
  return [
    { name: 'hub.commands.single', value: Math.round(single), unit: 'commands/s' },
    { name: 'hub.commands.batched', value: Math.round(batched), unit: 'commands/s' },
    { name: 'hub.commands.socket.20clients', value: Math.round(overSocket), unit: 'commands/s' },
    { name: 'hub.events.delivered.50clients', value: Math.round(deliveries), unit: 'events/s' },
  ];
}
