/** Real hubs and real socket.io clients on 127.0.0.1 for the integration tests. */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { startHub, type HubOptions, type RunningHub } from '../../../hub/server';
import type { NewUser } from '../../../hub/auth/users';
import type { CommandResult, CommandType, ReportPayload } from '../../../shared/protocol';
import { atFileEnd, tmpDir } from '../../helpers/tmp';
import { startPostgres, type RunningPostgres } from '../../helpers/postgres';
import pg from 'pg';

/** Made in the temp dir and removed when the test file ends (test/helpers/tmp.ts). */
export { tmpDir };

/**
 * The store the hubs of this test file run on. A file of test/integration/on-postgres/ imports a
 * hub test file and calls `hubsOnPostgres()`: the same tests then run on a PostgreSQL of the
 * file's own (one server, a fresh database per hub), as a one-node cluster.
 */
let onPostgres: { server: Promise<RunningPostgres>; databases: number } | null = null;

export function hubsOnPostgres(): void {
  const server = startPostgres();
  onPostgres = { server, databases: 0 };
  // After the file's own afterAll hooks, which close its hubs.
  atFileEnd(async () => (await server).stop());
}

export async function testHub(opts: Partial<HubOptions> = {}): Promise<RunningHub> {
  let store: string | undefined;
  if (onPostgres && opts.store === undefined && !opts.simulator && !opts.history) {
    const server = await onPostgres.server;
    const name = `hub${++onPostgres.databases}`;
    const c = new pg.Client({ connectionString: server.url });
    await c.connect();
    await c.query(`CREATE DATABASE ${name}`).finally(() => c.end());
    store = server.url.replace(/\/[^/]+$/, `/${name}`);
  }
  return startHub({ dataDir: opts.dataDir ?? tmpDir(), host: '127.0.0.1', port: 0, defaultAccounts: false, timerIntervalMs: 3_600_000, positionIntervalMs: 50, log: () => {}, ...(store ? { store } : {}), ...opts });
}

// Random per run: no fixed password in the repository, not even a test's.
export const PASSWORD = randomBytes(12).toString('base64url');

export async function login(url: string, username: string, password = PASSWORD): Promise<{ token: string }> {
  const res = await fetch(`${url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  const body = (await res.json()) as { token: string; code?: string; message?: string };
  if (!res.ok) throw new Error(`${body.code}: ${body.message}`);
  return body;
}

export interface Client {
  socket: Socket;
  command<T extends CommandType>(type: T, payload: unknown, expectedVersion?: number | null, commandId?: string): Promise<CommandResult>;
  close(): void;
}

export async function connect(hub: { url: string }, user: Omit<NewUser, 'password'> & { create?: (u: NewUser) => unknown }): Promise<Client> {
  const { token } = await login(hub.url, user.username);
  const socket = io(hub.url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (e) => reject(e));
  });
  return {
    socket,
    command: (type, payload, expectedVersion = null, commandId = randomUUID()) =>
      socket.timeout(10_000).emitWithAck('command', { commandId, type, payload, expectedVersion }) as Promise<CommandResult>,
    close: () => socket.close(),
  };
}

/** Creates the user on the hub and connects as them. */
export async function userClient(hub: RunningHub, u: Omit<NewUser, 'password'>): Promise<Client> {
  await hub.createUser({ ...u, password: PASSWORD });
  return connect(hub, u);
}

/** A point well inside 莘庄镇 and one inside 七宝镇 (looked up, so the tests follow the data). */
export const XINZHUANG = '310112101';
export const QIBAO = '310112102';

export function pointIn(hub: RunningHub | null, subdistrictCode: string): [number, number] {
  const f = (JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../../resources/district/subdistricts.geojson'), 'utf8')) as {
    features: Array<{ properties: { code: string; seat: [number, number] } }>;
  }).features.find((x) => x.properties.code === subdistrictCode)!;
  void hub;
  return f.properties.seat;
}

export function report(point: [number, number], over: Partial<ReportPayload> = {}): ReportPayload {
  return { source: 'officer', categoryCode: '06010', urgency: 'normal', point, address: '测试地址', description: '暴露垃圾 测试', attachments: [], ...over } as ReportPayload;
}
