/**
 * The people directory: the hub's `GET /api/people` (signed in only, exactly id, displayName,
 * role and departmentCode — nothing of a login), and the core that fetches it after connecting,
 * keeps it in the replica and still has the names after a restart with the hub down.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import type { RunningHub } from '../../hub/server';
import { Core } from '../../main/core/core';
import { CoreClient } from '../../main/core/host/client';
import type { ChangeBatch } from '../../main/core/model';
import type { Person } from '../../shared/protocol';
import { login, PASSWORD, testHub, tmpDir } from './helpers/hub';
import { FAST_RECONNECT, until } from './helpers/proxy';

let root: string;
let hub: RunningHub;
let hubUp = false;

beforeAll(async () => {
  root = tmpDir('people-');
  hub = await testHub({ dataDir: path.join(root, 'hub') });
  hubUp = true;
  await hub.createUser({ username: 'duty', password: PASSWORD, displayName: '区中心值班员', role: 'officer', subdistricts: [] });
  await hub.createUser({ username: 'lia', password: PASSWORD, displayName: '城管执法局联络员', role: 'liaison', departmentCode: 'enforcement' });
  await hub.createUser({ username: 'screen-3', password: PASSWORD, displayName: '大屏', role: 'wall' });
});

afterAll(async () => {
  if (hubUp) await hub?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

const people = (token?: string) => fetch(`${hub.url}/api/people`, token ? { headers: { authorization: `Bearer ${token}` } } : {});

describe('GET /api/people', () => {
  it('refuses a request without a valid session', async () => {
    const none = await people();
    expect(none.status).toBe(401);
    expect(((await none.json()) as { code: string }).code).toBe('unauthenticated');
    const bad = await people('x'.repeat(43));
    expect(bad.status).toBe(401);
  });

  it('answers every role with exactly id, displayName, role and departmentCode of each user', async () => {
    for (const username of ['duty', 'lia', 'screen-3']) {
      const { token } = await login(hub.url, username);
      const res = await people(token);
      expect(res.status).toBe(200);
      const text = await res.text();
      const body = JSON.parse(text) as { people: Array<Record<string, unknown>> };
      expect(Object.keys(body)).toEqual(['people']);
      expect(body.people).toHaveLength(3);
      for (const p of body.people) expect(Object.keys(p).sort()).toEqual(['departmentCode', 'displayName', 'id', 'role']);
      expect(body.people.find((p) => p.displayName === '城管执法局联络员')).toMatchObject({ role: 'liaison', departmentCode: 'enforcement' });
      expect(body.people.find((p) => p.displayName === '区中心值班员')).toMatchObject({ role: 'officer', departmentCode: null });
      // Nothing of a login: no usernames, no hashes, no salts.
      const rows = hub.core.db.prepare('SELECT username, salt, hash FROM users').all() as Array<{ username: string; salt: string; hash: string }>;
      for (const r of rows) {
        expect(text).not.toContain(`"${r.username}"`);
        expect(text).not.toContain(r.salt);
        expect(text).not.toContain(r.hash);
      }
      expect(text).not.toMatch(/username|password|salt|hash|subdistricts|locked/i);
    }
  });

  it('takes no parameters', async () => {
    const { token } = await login(hub.url, 'duty');
    const res = await fetch(`${hub.url}/api/people?all=1`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(400);
  });
});

describe('the core keeps the directory', () => {
  it('has the other users’ names after connecting, and still after a restart with the hub down', async () => {
    const dataDir = path.join(root, 'core');
    const core = await Core.open({ dataDir, hubUrl: hub.url, username: 'duty', password: PASSWORD, ackTimeoutMs: 1500 }, FAST_RECONNECT);
    const batches: ChangeBatch[] = [];
    core.onChanges((b) => batches.push(b));
    let liaisonId: string | undefined;
    try {
      await core.start();
      await until('online with people', async () => (await core.connection()).state === 'online' && ((await core.snapshot()).people?.length ?? 0) === 3);
      const snap = await core.snapshot();
      const liaison = snap.people?.find((p) => p.displayName === '城管执法局联络员');
      expect(liaison).toMatchObject({ role: 'liaison', departmentCode: 'enforcement' });
      liaisonId = liaison?.id;
      expect(liaisonId).toBe((hub.core.db.prepare('SELECT id FROM users WHERE username = ?').get('lia') as { id: string }).id);
      // Windows already open heard of it in a batch.
      await until('people batch', async () => batches.some((b) => (b.people?.length ?? 0) === 3));
    } finally {
      await core.stop();
    }

    await hub.close();
    hubUp = false;
    const logs: string[] = [];
    const again = await Core.open({ dataDir, hubUrl: hub.url, username: 'duty', password: PASSWORD, ackTimeoutMs: 500 }, { ...FAST_RECONNECT, log: (m) => logs.push(m) });
    try {
      await again.start();
      const snap = await again.snapshot();
      expect(snap.connection.state).not.toBe('online');
      const names = new Map((snap.people ?? []).map((p: Person) => [p.id, p.displayName]));
      expect(names.get(liaisonId!)).toBe('城管执法局联络员');
      expect(names.size).toBe(3);
    } finally {
      await again.stop();
    }
  });

  it('keeps the kept directory when the fetch fails, and sync goes on', async () => {
    hub = await testHub({ dataDir: path.join(root, 'hub') });
    hubUp = true;
    const dataDir = path.join(root, 'core2');
    const logs: string[] = [];
    // A hub whose people route is broken: the answer has a shape the core refuses.
    const open = (log: (m: string) => void) => Core.open({ dataDir, hubUrl: hub.url, username: 'duty', password: PASSWORD, ackTimeoutMs: 1500 }, { ...FAST_RECONNECT, log });
    const first = await open(() => undefined);
    try {
      await first.start();
      await until('people', async () => ((await first.snapshot()).people?.length ?? 0) === 3);
    } finally {
      await first.stop();
    }
    hub.core.db.prepare("UPDATE users SET role = 'nobody' WHERE username = 'screen-3'").run();
    const second = await open((m) => logs.push(m));
    try {
      await second.start();
      await until('online', async () => (await second.connection()).state === 'online');
      await until('failure logged', async () => logs.some((m) => m.includes('people directory not refreshed')));
      const snap = await second.snapshot();
      expect(snap.people?.map((p) => p.displayName).sort()).toEqual(['区中心值班员', '城管执法局联络员', '大屏'].sort());
      expect(snap.connection.state).toBe('online');
    } finally {
      await second.stop();
      hub.core.db.prepare("UPDATE users SET role = 'wall' WHERE username = 'screen-3'").run();
    }
  });

  it('crosses the core process boundary (snapshot checked by the host)', async () => {
    const client = await CoreClient.spawn({ dataDir: path.join(root, 'core3'), hubUrl: hub.url, username: 'lia', password: PASSWORD, ackTimeoutMs: 1500 });
    try {
      await client.start();
      await until('people through the process', async () => ((await client.snapshot()).people?.length ?? 0) === 3, 30_000);
      expect((await client.snapshot()).people?.find((p) => p.role === 'officer')?.displayName).toBe('区中心值班员');
    } finally {
      await client.stop();
    }
  });

  it('learns of a colleague added while the link stays up, without a reconnect', async () => {
    const core = await Core.open({ dataDir: path.join(root, 'core4'), hubUrl: hub.url, username: 'duty', password: PASSWORD, ackTimeoutMs: 1500 }, { ...FAST_RECONNECT, peopleRefreshMs: 200 });
    const states: string[] = [];
    core.onChanges((b) => { if (b.connection) states.push(b.connection.state); });
    try {
      await core.start();
      await until('online with people', async () => states.includes('online') && ((await core.snapshot()).people?.length ?? 0) === 3);
      const onlineBefore = states.filter((x) => x === 'online').length;
      await hub.createUser({ username: 'newcomer', password: PASSWORD, displayName: '新来的值班员', role: 'officer' });
      await until('the newcomer named', async () => (await core.snapshot()).people?.some((p) => p.displayName === '新来的值班员') ?? false);
      expect(states.filter((x) => x === 'online').length).toBe(onlineBefore);
    } finally {
      await core.stop();
    }
  });
});
