/**
 * Socket requests with the wrong number of arguments, and unknown events (fuzz findings): the
 * hub answers each one that carries an ack, so no client waits for its timeout, and changes
 * nothing.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import type { RunningHub } from '../../hub/server';
import { SOCKET } from '../../shared/protocol';
import { testHub, tmpDir, userClient, type Client } from './helpers/hub';

let root: string;
let hub: RunningHub;
let c: Client;

beforeAll(async () => {
  root = tmpDir('hub-socket-');
  hub = await testHub({ dataDir: path.join(root, 'hub') });
  c = await userClient(hub, { username: 'duty', displayName: 'duty', role: 'officer', subdistricts: [], departmentCode: null });
});

afterAll(async () => {
  c?.close();
  await hub?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

const ask = (event: string, ...args: unknown[]) => c.socket.timeout(3000).emitWithAck(event, ...args) as Promise<{ ok: boolean; error?: { code: string; message: string } }>;

it('answers a request with extra arguments as invalid instead of leaving it unanswered', async () => {
  const head = hub.core.log.headSeq;
  for (const event of [SOCKET.subscribe, SOCKET.catchup, SOCKET.snapshot, SOCKET.command]) {
    const r = await ask(event, { afterSeq: 0 }, 'extra', 42);
    expect(r.ok).toBe(false);
    expect(r.error).toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/one argument, got 3/) });
  }
  expect(hub.core.log.headSeq).toBe(head);
});

it('still answers the ordinary forms: one argument, or none where the request needs none', async () => {
  expect((await ask(SOCKET.whoami)).ok).toBe(true);
  expect((await ask(SOCKET.whoami, {})).ok).toBe(true);
  expect((await ask(SOCKET.catchup, { afterSeq: 0 })).ok).toBe(true);
  expect((await ask(SOCKET.catchup)).error?.code).toBe('invalid_input');
});

it('answers an unknown event that asks for an answer, and keeps the connection', async () => {
  const r = await ask('deleteEverything', { all: true });
  expect(r).toMatchObject({ ok: false, error: { code: 'invalid_input', message: 'unknown event deleteEverything' } });
  expect(c.socket.connected).toBe(true);
  expect((await ask(SOCKET.whoami)).ok).toBe(true);
});

it('survives a client that sends an event named "error", with or without data', async () => {
  c.socket.emit('error');
  c.socket.emit('error', undefined);
  c.socket.emit('error', { message: 42 });
  c.socket.emit('error', 'text', () => undefined);
  expect((await ask(SOCKET.whoami)).ok).toBe(true);
  expect((await fetch(`${hub.url}/api/health`)).ok).toBe(true);
});
