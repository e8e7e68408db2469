/**
 * A cluster node's view: its SQLite file of entities, statistics and a copy of the log, built
 * only from the shared log's committed events. It belongs to one log: a view of another (a
 * restored or replaced database) is thrown away and built again, never mixed.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { HubCore } from '../core';
import { prepared } from '../store/db';
import type { AuthOptions } from '../auth/users';
import type { Rules } from '../commands/context';
import type { SharedStore } from '../store/interface';

export const VIEW_FILE = 'hub-view.sqlite';

/** How often a node reads the log when no NOTIFY came (a lost LISTEN connection, a missed wake-up). */
const TAIL_POLL_MS = 1000;

function viewLogId(file: string): string | null {
  if (!fs.existsSync(file)) return null;
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare(`SELECT value FROM meta WHERE key = 'log_id'`).get() as { value: string } | undefined;
    return row?.value ?? null;
  } catch {
    return null;
  } finally {
    db.close();
  }
}

export async function openView(dataDir: string, shared: SharedStore, rules: Rules, auth: AuthOptions, clock: () => number, node: string, log: (m: string) => void): Promise<HubCore> {
  const file = path.join(dataDir, VIEW_FILE);
  const had = viewLogId(file);
  if (had !== null && had !== shared.log.logId) {
    log(`view ${file} is of log ${had}, the store's is ${shared.log.logId}: building it again`);
    for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
  }
  let core = new HubCore(file, rules, auth, clock, shared, node);
  const { head, compactedThrough } = await shared.log.head();
  if (core.log.headSeq > head) {
    // The store went back in time (restored from a backup, a replica promoted that had not
    // received the last commits): what the view holds after its head never happened.
    log(`view ${file} is at seq ${core.log.headSeq}, the store's log at ${head} (restored?): building it again`);
    await core.close();
    for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
    core = new HubCore(file, rules, auth, clock, shared, node);
  }
  prepared(core.db, `INSERT INTO meta (key, value) VALUES ('log_id', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`).run(shared.log.logId);
  const started = performance.now();
  if (core.log.headSeq < compactedThrough) {
    const snapshot = await shared.log.entities();
    core.loadSnapshot(snapshot.head, snapshot.rows);
    log(`view started from the store's entities at seq ${snapshot.head} (the log before ${compactedThrough + 1} is compacted)`);
  }
  const applied = await core.cluster!.catchUp();
  if (applied) log(`view caught up: ${applied} events in ${((performance.now() - started) / 1000).toFixed(1)} s (seq ${core.log.headSeq})`);
  core.cluster!.startTail(TAIL_POLL_MS, log);
  return core;
}
