/**
 * Reproduction (fault run finding): a write error on the outbox while the sender is sending
 * (here: another writer holds the file longer than busy_timeout, so `markSent` throws
 * SQLITE_BUSY) ends OutboxSender's loop. Nothing restarts it until the officer acts again or
 * the link drops and comes back, so a command already in the outbox waits, online, forever.
 *   npx tsx test/faults/repro/outbox-write-error.ts
 * Prints {drainedWithin30s, state, pending, appliedOnHub}; drainedWithin30s false = the bug.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { startHub } from '../../../hub/server';
import { CoreClient } from '../../../main/core/host/client';
import { FaultProxy } from '../proxy';
import { outboxFile } from '../checks';
import { reportPayload } from '../world';
import { rng, sleep, waitFor } from '../random';

const PASSWORD = randomBytes(12).toString('base64url');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'repro-outbox-'));
const hub = await startHub({ dataDir: path.join(root, 'hub'), port: 0, log: () => undefined });
await hub.createUser({ username: 'duty', password: PASSWORD, displayName: 'duty', role: 'officer', subdistricts: [], departmentCode: null });
const proxy = new FaultProxy(hub.port);
await proxy.start();
const logs: string[] = [];
const core = await CoreClient.spawn({ dataDir: path.join(root, 'core'), hubUrl: proxy.url, username: 'duty', password: PASSWORD, ackTimeoutMs: 1500 }, { onLog: (m) => logs.push(m) });
try {
  await core.start();
  await waitFor(async () => (await core.connection()).state === 'online', 20_000);
  // 1. Offline: the officer acts; the command is on disk in the outbox.
  proxy.set('drop');
  await waitFor(async () => (await core.connection()).state !== 'online', 20_000);
  const { commandId } = await core.command('case.report', reportPayload(rng(1)), null);
  // 2. Another writer holds the outbox file (an antivirus, a backup tool, a full disk…).
  const lock = new Database(outboxFile(path.join(root, 'core'), 'duty'));
  lock.exec('BEGIN EXCLUSIVE');
  // 3. The link comes back: the sender starts, markSent waits 5 s, then throws.
  proxy.set('pass');
  await sleep(8000);
  lock.exec('ROLLBACK');
  lock.close();
  console.log('core log:', logs.filter((l) => /outbox/.test(l)));
  // 4. The disk is fine again and the link is up: the command should go out now.
  const drained = await waitFor(async () => (await core.pending()).length === 0, 30_000);
  const conn = await core.connection();
  console.log(JSON.stringify({
    drainedWithin30s: drained, state: conn.state, pending: (await core.pending()).length,
    appliedOnHub: hub.core.db.prepare('SELECT COUNT(*) FROM audit WHERE command_id = ?').pluck().get(commandId),
  }));
} finally {
  await core.stop();
  await proxy.close();
  await hub.close();
  fs.rmSync(root, { recursive: true, force: true });
}
