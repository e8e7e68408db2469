// kill -9 the hub mid-load, restart it on the same file: no acknowledged command is lost,
// none is applied twice, seq stays gap-free and the audit chain still verifies.
import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { io } from 'socket.io-client';
import { verifyChain } from '../../hub/audit/chain';
import type { CommandResult } from '../../shared/protocol';
import { login, pointIn, report, tmpDir, XINZHUANG } from './helpers/hub';
import { spawnHub as spawn, type HubProcess } from './helpers/process';

// Every hub process a test starts is gone when it ends, even when it fails half-way: its data dir
// is removed when the file ends, and a live hub would write on into it.
const started: HubProcess[] = [];
async function spawnHub(args: string[]): Promise<HubProcess> {
  const hub = await spawn(args);
  started.push(hub);
  return hub;
}
afterEach(async () => {
  for (const hub of started.splice(0)) await hub.kill('SIGKILL');
});

describe('hub crash', () => {
  it('loses no acknowledged command when killed with SIGKILL mid-load', async () => {
    const dir = tmpDir();
    const creds = path.join(dir, 'credentials.json');
    let hub = await spawnHub(['--data-dir', dir, '--credentials-file', creds]);
    const { accounts } = JSON.parse(fs.readFileSync(creds, 'utf8')) as { accounts: Array<{ username: string; password: string }> };
    const officer = accounts.find((a) => a.username === 'officer')!;
    const { token } = await login(hub.url, officer.username, officer.password);
    const point = pointIn(null as never, XINZHUANG);

    const acked = new Map<string, CommandResult>();
    const sent: string[] = [];
    const sockets = Array.from({ length: 4 }, () => io(hub.url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true }));
    let running = true;
    const writers = sockets.map(async (s) => {
      await new Promise<void>((r) => s.once('connect', () => r()));
      while (running) {
        const id = randomUUID();
        sent.push(id);
        try {
          const r = (await s.timeout(2000).emitWithAck('command', { commandId: id, type: 'case.report', payload: report(point), expectedVersion: null })) as CommandResult;
          acked.set(id, r);
        } catch {
          return; // the hub died under us
        }
      }
    });
    await new Promise((r) => setTimeout(r, 1500));
    await hub.kill('SIGKILL');
    running = false;
    await Promise.all(writers);
    sockets.forEach((s) => s.close());
    expect(acked.size).toBeGreaterThan(10);

    hub = await spawnHub(['--data-dir', dir]);
    try {
      const db = new Database(path.join(dir, 'hub.sqlite'), { readonly: true });
      for (const [id, r] of acked) {
        const row = db.prepare('SELECT result FROM commands WHERE command_id = ?').get(id) as { result: string } | undefined;
        expect(row, `acknowledged ${id} survived`).toBeDefined();
        expect(JSON.parse(row!.result)).toEqual(r);
      }
      const seqs = (db.prepare('SELECT seq FROM events ORDER BY seq').all() as { seq: number }[]).map((x) => x.seq);
      seqs.forEach((s, i) => expect(s).toBe(i + 1));
      expect(verifyChain(db as never).ok).toBe(true);
      const applied = (db.prepare(`SELECT COUNT(*) AS n FROM commands WHERE type = 'case.report'`).get() as { n: number }).n;
      expect((db.prepare('SELECT COUNT(*) AS n FROM cases').get() as { n: number }).n).toBe(applied);

      // Resending everything (as outboxes would) applies the unacknowledged at most once and changes none of the rest.
      const { token: t2 } = await login(hub.url, officer.username, officer.password);
      const s = io(hub.url, { auth: { token: t2 }, transports: ['websocket'], reconnection: false, forceNew: true });
      await new Promise<void>((r) => s.once('connect', () => r()));
      for (const id of sent) {
        const r = (await s.emitWithAck('command', { commandId: id, type: 'case.report', payload: report(point), expectedVersion: null })) as CommandResult;
        if (acked.has(id)) expect(r).toEqual(acked.get(id));
        expect(r.ok).toBe(true);
      }
      s.close();
      expect((db.prepare('SELECT COUNT(*) AS n FROM cases').get() as { n: number }).n).toBe(new Set(sent).size);
      db.close();
    } finally {
      await hub.kill('SIGTERM');
    }
  });
});

describe('npm run audit:verify', () => {
  it('passes a sound chain and names the first edited entry', async () => {
    const { execFileSync } = await import('node:child_process');
    const { ROOT } = await import('./helpers/process');
    const dir = tmpDir();
    const hub = await spawnHub(['--data-dir', dir, '--default-accounts', 'false']);
    await hub.kill('SIGTERM');
    const run = () => {
      try {
        return { code: 0, out: execFileSync(process.execPath, ['--import', 'tsx', 'hub/audit/cli.ts', '--data-dir', dir], { cwd: ROOT, encoding: 'utf8', stdio: 'pipe' }) };
      } catch (e) {
        const err = e as { status: number; stderr: string };
        return { code: err.status, out: err.stderr };
      }
    };
    expect(run()).toMatchObject({ code: 0, out: expect.stringMatching(/valid: 1 entries/) });
    const db = new Database(path.join(dir, 'hub.sqlite'));
    db.prepare(`UPDATE audit SET user_id = 'mallory' WHERE n = 1`).run();
    db.close();
    expect(run()).toMatchObject({ code: 1, out: expect.stringMatching(/BROKEN at entry 1/) });
  });
});
