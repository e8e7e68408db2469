/**
 * The units' recent tracks (issue 15) on a real hub with a generated day and real cores: the
 * hub's `GET /api/tracks` (signed in only, `from`/`to` checked, at most 7 days, scoped like the
 * position stream, thinned past TRACKS_MAX_SAMPLES), and a new workstation whose replay of the
 * last day has the units' tracks right after its first catch-up — its own scope's units only —
 * fetched once, not again after a restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { RunningHub } from '../../hub/server';
import { Core, TRACKS_BACKFILL_MS, userFolder } from '../../main/core/core';
import { SAMPLE_EVERY_MS } from '../../main/core/replica/history';
import { TRACKS_MAX_SAMPLES, TracksResponseSchema, type TracksResponse } from '../../shared/protocol';
import { login, PASSWORD, testHub, tmpDir } from './helpers/hub';
import { FAST_RECONNECT, until } from './helpers/proxy';

const HOUR = 3_600_000;
let root: string;
let hub: RunningHub;
let subdistrict: string;
let department: string;
/** unit id → [subdistrict, department] as the hub recorded them. */
let scopes: Map<string, [string, string]>;
let started: number;

beforeAll(async () => {
  root = tmpDir('tracks-');
  started = Date.now();
  hub = await testHub({ dataDir: path.join(root, 'hub'), history: { days: 1, seed: 1, casesPerDay: 40 } });
  const rows = hub.core.db.prepare('SELECT DISTINCT unit_id, subdistrict, department FROM unit_tracks').all() as { unit_id: string; subdistrict: string; department: string }[];
  scopes = new Map(rows.map((r) => [r.unit_id, [r.subdistrict, r.department]]));
  // A subdistrict and a department that have some of the units, not all.
  const count = (pick: (s: [string, string]) => string) => {
    const m = new Map<string, number>();
    for (const s of scopes.values()) m.set(pick(s), (m.get(pick(s)) ?? 0) + 1);
    return [...m].sort((a, b) => b[1] - a[1])[0]![0];
  };
  subdistrict = count((s) => s[0]);
  department = count((s) => s[1]);
  await hub.createUser({ username: 'duty', password: PASSWORD, displayName: '区中心值班员', role: 'officer', subdistricts: [] });
  await hub.createUser({ username: 'sub', password: PASSWORD, displayName: '分中心值班员', role: 'officer', subdistricts: [subdistrict] });
  await hub.createUser({ username: 'lia', password: PASSWORD, displayName: '联络员', role: 'liaison', departmentCode: department });
}, 120_000);

afterAll(async () => {
  await hub?.close();
});

const tracks = (query: string, token?: string) => fetch(`${hub.url}/api/tracks${query}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
const lastDay = () => {
  const to = Date.now();
  return `?from=${to - TRACKS_BACKFILL_MS}&to=${to}`;
};
/** The hub's fixes of a unit in [from, to). */
const kept = (unit: string, from: number, to: number) =>
  hub.core.db.prepare('SELECT COUNT(*) FROM unit_tracks WHERE unit_id = ? AND at >= ? AND at < ?').pluck().get(unit, from, to) as number;
async function read(username: string, query = lastDay()): Promise<TracksResponse> {
  const { token } = await login(hub.url, username);
  const res = await tracks(query, token);
  expect(res.status).toBe(200);
  return TracksResponseSchema.parse(await res.json());
}

describe('GET /api/tracks', () => {
  it('has a generated day of tracks to serve', () => {
    expect(scopes.size).toBeGreaterThan(3);
    const units = [...scopes.values()];
    expect(units.filter((s) => s[0] === subdistrict).length).toBeLessThan(units.length);
    expect(units.filter((s) => s[1] === department).length).toBeLessThan(units.length);
  });

  it('refuses a request without a valid session', async () => {
    const none = await tracks(lastDay());
    expect(none.status).toBe(401);
    expect(((await none.json()) as { code: string }).code).toBe('unauthenticated');
    expect((await tracks(lastDay(), 'x'.repeat(43))).status).toBe(401);
  });

  it('answers a bad query with 400 invalid_input and changes nothing', async () => {
    const { token } = await login(hub.url, 'duty');
    const before = { rows: hub.core.db.prepare('SELECT COUNT(*) FROM unit_tracks').pluck().get(), seq: hub.core.log.headSeq };
    const now = Date.now();
    for (const q of [
      '', `?from=${now - HOUR}`, `?to=${now}`, `?from=${now}&to=${now - HOUR}`, `?from=${now}&to=${now}`,
      `?from=${now - 8 * 24 * HOUR}&to=${now}`, `?from=yesterday&to=${now}`, `?from=-5&to=${now}`, `?from=1.5&to=${now}`,
      `?from=${now - HOUR}&to=${now}&unit=u1`, `?from=${now - HOUR}&from=${now - 2 * HOUR}&to=${now}`,
    ]) {
      const res = await tracks(q, token);
      expect(res.status, q).toBe(400);
      const body = (await res.json()) as { code: string; message: string };
      expect(body.code, q).toBe('invalid_input');
      expect(body.message.length, q).toBeGreaterThan(0);
    }
    expect({ rows: hub.core.db.prepare('SELECT COUNT(*) FROM unit_tracks').pluck().get(), seq: hub.core.log.headSeq }).toEqual(before);
    // Exactly 7 days is allowed.
    expect((await tracks(`?from=${now - 7 * 24 * HOUR}&to=${now}`, token)).status).toBe(200);
  });

  it('gives the district officer every unit, a minute apart', async () => {
    const to = Date.now();
    const from = to - TRACKS_BACKFILL_MS;
    const r = await read('duty', `?from=${from}&to=${to}`);
    expect(r.stepMs).toBe(60_000);
    expect(r.truncated).toBe(false);
    expect(new Set(r.tracks.map((t) => t.unitId))).toEqual(new Set(scopes.keys()));
    expect(r.tracks.reduce((n, t) => n + t.at.length, 0)).toBeGreaterThan(1000);
    for (const t of r.tracks) {
      expect(t.at.length).toBe(kept(t.unitId, from, to));
      for (let i = 1; i < t.at.length; i++) expect(t.at[i]! - t.at[i - 1]!).toBeGreaterThanOrEqual(60_000);
    }
  });

  it('gives a sub-center officer only their subdistrict’s units, a liaison only their department’s', async () => {
    const sub = await read('sub');
    const mine = [...scopes].filter(([, s]) => s[0] === subdistrict).map(([id]) => id);
    expect(mine.length).toBeGreaterThan(0);
    expect(new Set(sub.tracks.map((t) => t.unitId))).toEqual(new Set(mine));
    const lia = await read('lia');
    const theirs = [...scopes].filter(([, s]) => s[1] === department).map(([id]) => id);
    expect(theirs.length).toBeGreaterThan(0);
    expect(new Set(lia.tracks.map((t) => t.unitId))).toEqual(new Set(theirs));
  });

  it('thins a period with more fixes than one answer carries', async () => {
    // A synthetic fleet far in the past: 150 units × 1,600 minutes = 240,000 fixes.
    const T = 1_000_000_000_000;
    const insert = hub.core.db.prepare('INSERT INTO unit_tracks (unit_id, at, lng, lat, heading, subdistrict, department) VALUES (?, ?, ?, ?, ?, ?, ?)');
    hub.core.db.transaction(() => {
      for (let u = 0; u < 150; u++) for (let m = 0; m < 1600; m++) insert.run(`synthetic-${u}`, T + m * 60_000, 121.4, 31.1, 0, subdistrict, department);
    })();
    try {
      const r = await read('duty', `?from=${T}&to=${T + 1600 * 60_000}`);
      const n = r.tracks.reduce((s, t) => s + t.at.length, 0);
      expect(r.tracks).toHaveLength(150);
      expect(n).toBeLessThanOrEqual(TRACKS_MAX_SAMPLES);
      expect(n).toBeGreaterThan(TRACKS_MAX_SAMPLES / 2);
      expect(r.stepMs).toBeGreaterThan(60_000);
      expect(r.truncated).toBe(false);
      for (const t of r.tracks) expect(t.at[0]).toBe(T);
    } finally {
      hub.core.db.prepare(`DELETE FROM unit_tracks WHERE unit_id LIKE 'synthetic-%'`).run();
    }
  });
});

describe('a new workstation', () => {
  const opened: Core[] = [];
  afterAll(async () => {
    for (const c of opened) await c.stop();
  });

  async function newCore(username: string, dataDir: string, logs: string[] = []): Promise<Core> {
    const core = await Core.open({ dataDir, hubUrl: hub.url, username, password: PASSWORD, ackTimeoutMs: 1500 }, { ...FAST_RECONNECT, log: (m) => logs.push(m) });
    opened.push(core);
    await core.start();
    return core;
  }
  const dayRange = () => ({ from: Date.now() - TRACKS_BACKFILL_MS, to: Date.now() });
  const backfillState = (dataDir: string, username: string) => {
    const db = new Database(path.join(dataDir, userFolder(username), 'replica.sqlite'), { readonly: true });
    try {
      return db.prepare(`SELECT value FROM meta WHERE key = 'tracksBackfill'`).pluck().get() ?? null;
    } finally {
      db.close();
    }
  };

  it('replays the last day with the units’ tracks after its first catch-up, and fetches them only once', async () => {
    const dataDir = path.join(root, 'duty-core');
    const logs: string[] = [];
    const core = await newCore('duty', dataDir, logs);
    await until('the day’s tracks in the replay', async () => (await core.history(dayRange())).tracks.length === scopes.size);
    const h = await core.history(dayRange());
    expect(new Set(h.tracks.map((t) => t.unitId))).toEqual(new Set(scopes.keys()));
    for (const t of h.tracks) {
      // Every fix of the hub's in the period (a minute apart: none falls to the 10 s spacing),
      // give or take the one or two the fetch's own period began before.
      expect(Math.abs(t.at.length - kept(t.unitId, h.from, h.to + 1))).toBeLessThanOrEqual(2);
      expect(t.at[0]!).toBeGreaterThanOrEqual(started - TRACKS_BACKFILL_MS - HOUR);
      for (let i = 1; i < t.at.length; i++) expect(t.at[i]! - t.at[i - 1]!).toBeGreaterThanOrEqual(SAMPLE_EVERY_MS);
    }
    expect(logs.filter((m) => m.startsWith('replay:'))).toHaveLength(1);
    // Once: a restart of the same workstation asks the hub no more.
    await core.stop();
    expect(backfillState(dataDir, 'duty')).toBe('done');
    const again = await newCore('duty', dataDir, logs);
    await until('online again', async () => (await again.connection()).state === 'online');
    await new Promise((r) => setTimeout(r, 300));
    expect(logs.filter((m) => m.startsWith('replay:'))).toHaveLength(1);
    expect((await again.history(dayRange())).tracks.length).toBe(scopes.size);
  });

  it('gives a sub-center officer’s workstation only their subdistrict’s units', async () => {
    const core = await newCore('sub', path.join(root, 'sub-core'));
    const mine = new Set([...scopes].filter(([, s]) => s[0] === subdistrict).map(([id]) => id));
    await until('tracks in the replay', async () => (await core.history(dayRange())).tracks.length > 0);
    const h = await core.history(dayRange());
    expect(new Set(h.tracks.map((t) => t.unitId))).toEqual(mine);
  });

  it('logs a failed fetch, goes online anyway and fetches after the next connect', async () => {
    const dataDir = path.join(root, 'retry-core');
    const logs: string[] = [];
    // The first request for tracks fails (as if the hub were unreachable for a moment).
    const realFetch = globalThis.fetch;
    let refused = 0;
    globalThis.fetch = (async (input: string | URL | Request, init?: RequestInit) => {
      if (String(input).includes('/api/tracks') && refused === 0) {
        refused++;
        throw new TypeError('fetch failed (injected)');
      }
      return realFetch(input, init);
    }) as typeof fetch;
    try {
      const core = await newCore('lia', dataDir, logs);
      await until('online', async () => (await core.connection()).state === 'online');
      await until('the failure logged', () => logs.some((m) => m.includes('unit tracks of the last day not fetched')));
      expect(backfillState(dataDir, 'lia')).toBe('pending');
      expect((await core.history(dayRange())).tracks.filter((t) => t.at.length > 1)).toHaveLength(0);
      await core.stop();
      const again = await newCore('lia', dataDir, logs);
      const theirs = new Set([...scopes].filter(([, s]) => s[1] === department).map(([id]) => id));
      await until('the tracks fetched after the next connect', () => backfillState(dataDir, 'lia') === 'done');
      expect(new Set((await again.history(dayRange())).tracks.map((t) => t.unitId))).toEqual(theirs);
    } finally {
      globalThis.fetch = realFetch;
    }
    expect(refused).toBe(1);
  });
});
