/**
 * Reproduction (fault run finding): a write error on the replica while a live `events` message
 * is applied kills the core process. SyncClient.onEventsMessage (main/core/sync/client.ts)
 * calls replica.applyEvents inside socket.io's event handler without a try/catch; the
 * SqliteError propagates out of the handler as an uncaught exception and the process exits
 * with code 1. (Nothing is lost — the outbox is on disk and the replica transaction rolls
 * back — but every window's calls now fail until someone signs in again.) Core.flushPositions
 * (a setInterval writing positions to the replica) has the same shape.
 *   npx tsx test/faults/repro/replica-write-error.ts
 * Prints {coreAlive, exit}; coreAlive false = the bug.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { startHub } from '../../../hub/server';
import { CoreClient } from '../../../main/core/host/client';
import { replicaFile } from '../checks';
import { reportPayload } from '../world';
import { rng, waitFor, withTimeout } from '../random';

const PASSWORD = randomBytes(12).toString('base64url');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'repro-replica-'));
const hub = await startHub({ dataDir: path.join(root, 'hub'), port: 0, log: () => undefined });
await hub.createUser({ username: 'duty', password: PASSWORD, displayName: 'duty', role: 'officer', subdistricts: [], departmentCode: null });
const core = await CoreClient.spawn({ dataDir: path.join(root, 'core'), hubUrl: hub.url, username: 'duty', password: PASSWORD, ackTimeoutMs: 1500 });
let lock: Database.Database | null = null;
try {
  await core.start();
  await waitFor(async () => (await core.connection()).state === 'online', 20_000);
  // Another writer holds the replica file longer than busy_timeout (5 s)…
  lock = new Database(replicaFile(path.join(root, 'core'), 'duty'));
  lock.exec('BEGIN EXCLUSIVE');
  // …while the hub broadcasts an event (someone else reports a case).
  const r = hub.core.applyNow({ userId: 'system', role: 'admin', subdistricts: [] }, { commandId: randomUUID(), type: 'case.report', payload: reportPayload(rng(2)), expectedVersion: null });
  console.log('hub applied', r.ok);
  const exit = await withTimeout(core.exit(), 15_000, 'core exit').catch(() => null);
  console.log(JSON.stringify({ coreAlive: core.alive, exit }));
} finally {
  lock?.exec('ROLLBACK');
  lock?.close();
  await core.stop();
  await hub.close();
  fs.rmSync(root, { recursive: true, force: true });
}
