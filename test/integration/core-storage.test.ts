/**
 * The core survives a replica it cannot write (fault run finding: another writer held the file
 * past busy_timeout while live events arrived, and the exception ended the core process). The
 * link drops with a `storage` error and, once the file is free again, the replica catches up
 * to the hub's head with nothing lost.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import type { RunningHub } from '../../hub/server';
import { userFolder } from '../../main/core/core';
import { CoreClient } from '../../main/core/host/client';
import { PASSWORD, pointIn, report, testHub, tmpDir, userClient, XINZHUANG, type Client } from './helpers/hub';

let root: string;
let hub: RunningHub;
let reporter: Client;
let core: CoreClient;
const exits: string[] = [];
const errors: unknown[] = [];
const onError = (e: unknown) => errors.push(e);

beforeAll(async () => {
  root = tmpDir('core-storage-');
  hub = await testHub({ dataDir: path.join(root, 'hub') });
  reporter = await userClient(hub, { username: 'reporter', displayName: 'reporter', role: 'officer', subdistricts: [], departmentCode: null });
  await hub.createUser({ username: 'watcher', password: PASSWORD, displayName: 'watcher', role: 'officer', subdistricts: [], departmentCode: null });
  process.on('uncaughtException', onError);
  process.on('unhandledRejection', onError);
});

afterAll(async () => {
  process.off('uncaughtException', onError);
  process.off('unhandledRejection', onError);
  await core?.stop().catch(() => undefined);
  reporter?.close();
  await hub?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

async function until(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) if (await check()) return true;
  return check();
}

it('a locked replica drops the link instead of ending the core, and catches up once free', async () => {
  const dataDir = path.join(root, 'app');
  // The core in its own process, as in the app: better-sqlite3 waits for a lock synchronously
  // (busy_timeout), which would also stall a hub in the same process.
  core = await CoreClient.spawn({ dataDir, hubUrl: hub.url, username: 'watcher', password: PASSWORD, ackTimeoutMs: 1500 });
  core.onExit((code, signal) => exits.push(`${code ?? signal}`));
  await core.start();
  expect(await until(async () => (await core.connection()).state === 'online', 10_000)).toBe(true);

  // Another writer takes the replica and keeps it past the core's busy_timeout (5 s).
  const lock = new Database(path.join(dataDir, userFolder('watcher'), 'replica.sqlite'));
  lock.exec('BEGIN EXCLUSIVE');
  let refused: string | null = null;
  try {
    for (let i = 0; i < 3; i++) {
      const r = await reporter.command('case.report', report(pointIn(hub, XINZHUANG), { description: `锁定期间 ${i}` }), null, randomUUID());
      expect(r.ok).toBe(true);
    }
    // The write waits busy_timeout, then fails: the link says why.
    expect(await until(async () => {
      const c = await core.connection();
      if (c.error?.code === 'storage') refused = c.error.message;
      return refused !== null;
    }, 12_000)).toBe(true);
  } finally {
    lock.exec('ROLLBACK');
    lock.close();
  }
  expect(refused).toMatch(/replica write failed/);

  // Free again: the core (still alive in this process) catches up to the head.
  const head = hub.core.log.headSeq;
  expect(await until(async () => {
    const c = await core.connection();
    return c.state === 'online' && c.lastSeq >= head;
  }, 20_000)).toBe(true);
  const snap = await core.snapshot();
  expect(snap.cases.filter((c) => c.description.startsWith('锁定期间')).length).toBe(3);
  expect(errors).toEqual([]);
  expect(exits).toEqual([]); // the core process lived through it
}, 60_000);
