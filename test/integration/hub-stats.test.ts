// Statistics end to end: a real hub on 127.0.0.1 with its SQLite file, cases driven through the
// command path on the hub's clock, figures read over HTTP with real sessions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { RunningHub } from '../../hub/server';
import type { Actor } from '../../shared/domain/roles';
import { login, pointIn, QIBAO, report, testHub, tmpDir, XINZHUANG, PASSWORD } from './helpers/hub';

const T = (s: string) => Date.parse(`2026-09-28T${s}:00+08:00`);
let now = T('08:00');
const clock = () => now;

const officer: Actor = { userId: 'officer', role: 'officer', subdistricts: [] };
const greening: Actor = { userId: 'lg', role: 'liaison', subdistricts: [], departmentCode: 'greening' };
const enforcement: Actor = { userId: 'le', role: 'liaison', subdistricts: [], departmentCode: 'enforcement' };

let hub: RunningHub;
const dataDir = tmpDir('hub-stats-');
const tokens: Record<string, string> = {};
const ids: Record<string, string> = {};

function act(at: string, actor: Actor, type: string, payload: Record<string, unknown>): string {
  now = T(at);
  const r = hub.core.applyNow(actor, { commandId: randomUUID(), type, payload, expectedVersion: null });
  if (!r.ok) throw new Error(`${type}: ${r.error.code} ${r.error.message}`);
  return r.entityId;
}

async function get(path: string, token: string | null = tokens.sup!): Promise<{ status: number; body: Record<string, unknown> & { code?: string } }> {
  const res = await fetch(`${hub.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & { code?: string } };
}

interface Group { key: string; name: string | null; figures: { counts: Record<string, number>; rates: Record<string, number | null>; score: number | null; stages?: unknown } }
const groups = (b: Record<string, unknown>) => new Map((b.groups as Group[]).map((g) => [g.key, g.figures]));
const DAY = 'from=2026-09-28&to=2026-09-29';

async function startAndLogin(): Promise<void> {
  hub = await testHub({ dataDir, clock });
  for (const u of ['sup', 'qbo', 'wall', 'lia']) tokens[u] = (await login(hub.url, u)).token;
}

beforeAll(async () => {
  hub = await testHub({ dataDir, clock });
  await hub.createUser({ username: 'sup', password: PASSWORD, displayName: '领导', role: 'supervisor' });
  await hub.createUser({ username: 'qbo', password: PASSWORD, displayName: '七宝值班员', role: 'officer', subdistricts: [QIBAO] });
  await hub.createUser({ username: 'wall', password: PASSWORD, displayName: '大屏', role: 'wall' });
  await hub.createUser({ username: 'lia', password: PASSWORD, displayName: '绿化', role: 'liaison', departmentCode: 'greening' });
  for (const u of ['sup', 'qbo', 'wall', 'lia']) tokens[u] = (await login(hub.url, u)).token;
  const xz = pointIn(hub, XINZHUANG);
  const qb = pointIn(hub, QIBAO);

  // c1 (莘庄): the whole loop in time. dispatch due 09:30; handling due 09:10 + 4 working h = 14:10.
  ids.c1 = act('09:00', officer, 'case.report', report(xz));
  act('09:05', officer, 'case.register', { caseId: ids.c1 });
  act('09:10', officer, 'case.dispatch', { caseId: ids.c1, departments: ['greening'] });
  act('09:40', greening, 'case.accept', { caseId: ids.c1 });
  act('11:10', greening, 'case.resolve', { caseId: ids.c1, note: '已清运' });
  act('12:10', officer, 'case.verify', { caseId: ids.c1, passed: true });
  // c2 (七宝, from the hotline): dispatched late (10:30 > 10:00), never accepted: overdue after 15:30.
  ids.c2 = act('09:30', officer, 'case.report', report(qb, { source: 'hotline' }));
  act('09:35', officer, 'case.register', { caseId: ids.c2 });
  act('10:30', officer, 'case.dispatch', { caseId: ids.c2, departments: ['greening'] });
  // c3 (莘庄, 09006): enforcement returns it, takes it back, fails verification once, then closes.
  ids.c3 = act('10:00', officer, 'case.report', report(xz, { categoryCode: '09006' }));
  act('10:05', officer, 'case.register', { caseId: ids.c3 });
  act('10:10', officer, 'case.dispatch', { caseId: ids.c3, departments: ['enforcement'] });
  act('10:40', enforcement, 'case.return', { caseId: ids.c3, reason: '非本部门职责' });
  act('10:50', officer, 'case.dispatch', { caseId: ids.c3, departments: ['enforcement'] });
  act('11:00', enforcement, 'case.accept', { caseId: ids.c3 });
  act('11:30', enforcement, 'case.resolve', { caseId: ids.c3, note: '已处理' });
  act('11:45', officer, 'case.verify', { caseId: ids.c3, passed: false });
  act('13:00', enforcement, 'case.resolve', { caseId: ids.c3, note: '已整改' });
  act('13:30', officer, 'case.verify', { caseId: ids.c3, passed: true });
  // c4 (莘庄): the same garbage reported again at the same place; registered, not dispatched.
  ids.c4 = act('11:00', officer, 'case.report', report(xz));
  act('11:05', officer, 'case.register', { caseId: ids.c4 });
  now = T('18:00');
});

afterAll(async () => {
  await hub.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('access', () => {
  it('needs a live session token', async () => {
    expect(await get(`/api/stats/assessment?${DAY}`, null)).toMatchObject({ status: 401, body: { code: 'unauthenticated' } });
    expect(await get(`/api/stats/assessment?${DAY}`, 'x'.repeat(40))).toMatchObject({ status: 401, body: { code: 'unauthenticated' } });
  });

  it('refuses a liaison everything, and the wall the drill-down and repeats', async () => {
    for (const p of ['assessment', 'demands', 'drilldown?figure=closed&', 'repeats']) {
      const path = `/api/stats/${p}${p.includes('?') ? '' : '?'}${DAY}`;
      expect((await get(path, tokens.lia!)).status, p).toBe(403);
    }
    expect((await get(`/api/stats/drilldown?figure=closed&${DAY}`, tokens.wall!)).body.code).toBe('forbidden');
    expect((await get(`/api/stats/repeats?${DAY}`, tokens.wall!)).status).toBe(403);
    expect((await get(`/api/stats/demands?${DAY}`, tokens.wall!)).status).toBe(200);
  });

  it('gives the wall the KPI subset only', async () => {
    const { status, body } = await get(`/api/stats/assessment?${DAY}&groupBy=subdistrict`, tokens.wall!);
    expect(status).toBe(200);
    const xz = groups(body).get(XINZHUANG)!;
    expect(Object.keys(xz).sort()).toEqual(['counts', 'rates', 'score']);
    expect(xz.counts).toEqual({ received: 3, closed: 2, due: 2, overdueNow: 1 });
    expect(Object.keys(xz.rates).sort()).toEqual(['closure', 'onTimeClosure', 'return', 'rework']);
  });
});

describe('assessment', () => {
  it('per department, from the events as they happened', async () => {
    const { status, body } = await get(`/api/stats/assessment?${DAY}&groupBy=department`);
    expect(status).toBe(200);
    const g = groups(body);
    expect([...g.keys()]).toEqual(['enforcement', 'greening']);
    expect(g.get('greening')!.counts).toMatchObject({
      received: 2, dispatched: 2, dispatchedOnTime: 1, accepted: 1, resolved: 1, closed: 1, due: 2, dueClosed: 1, dueClosedOnTime: 1, returned: 0, overdueNow: 1,
    });
    expect(g.get('greening')!.rates).toMatchObject({ closure: 0.5, onTimeClosure: 0.5, return: 0, rework: 0, dispatchOnTime: 0.5 });
    // 60 × 0.5 + 20 × 0.5 + 10 × (1 − 0) + 10 × (1 − 0)
    expect(g.get('greening')!.score).toBe(60);
    expect(g.get('enforcement')!.counts).toMatchObject({ dispatched: 1, dispatchedOnTime: 1, returned: 1, reopened: 1, submitted: 1, closed: 1, due: 1, dueClosedOnTime: 1 });
    // 60 + 20 + 10 × (1 − 1) + 10 × (1 − 1)
    expect(g.get('enforcement')!.score).toBe(80);
    expect((g.get('greening')!.stages as Record<string, unknown>).accept).toEqual({ n: 1, meanMinutes: 30, p90Minutes: 30 });
    expect(body.groups).toContainEqual(expect.objectContaining({ key: 'greening', name: '区绿化和市容管理局' }));
  });

  it('per subdistrict, with the district total counting each case once', async () => {
    const { body } = await get(`/api/stats/assessment?${DAY}&groupBy=subdistrict`);
    const g = groups(body);
    expect(g.get(XINZHUANG)!.counts).toMatchObject({ received: 3, registered: 3, dispatched: 2, returned: 1, reopened: 1, closed: 2, due: 2, dueClosedOnTime: 2, overdueNow: 1 });
    expect(g.get(QIBAO)!.counts).toMatchObject({ received: 1, dispatched: 1, dispatchedOnTime: 0, due: 1, dueClosed: 0, overdueNow: 1 });
    expect((body.total as Group['figures']).counts).toMatchObject({ received: 4, dispatched: 3, closed: 2, overdueNow: 2 });
  });

  it('any period, also one that starts and ends inside a day', async () => {
    const from = encodeURIComponent('2026-09-28T09:20:00+08:00');
    const to = encodeURIComponent('2026-09-28T12:00:00+08:00');
    const { body } = await get(`/api/stats/assessment?from=${from}&to=${to}&groupBy=subdistrict`);
    expect((body.total as Group['figures']).counts).toMatchObject({ received: 3, closed: 0 });
    const empty = await get('/api/stats/assessment?from=2026-09-01&to=2026-09-28&groupBy=department');
    expect(empty.body.groups).toEqual([expect.objectContaining({ key: 'greening', figures: expect.objectContaining({ counts: expect.objectContaining({ received: 0, overdueNow: 1 }) }) })]);
  });

  it('a scoped user sees only their subdistrict', async () => {
    const sub = await get(`/api/stats/assessment?${DAY}&groupBy=subdistrict`, tokens.qbo!);
    expect([...groups(sub.body).keys()]).toEqual([QIBAO]);
    const dept = await get(`/api/stats/assessment?${DAY}&groupBy=department`, tokens.qbo!);
    expect([...groups(dept.body).keys()]).toEqual(['greening']);
    expect(groups(dept.body).get('greening')!.counts).toMatchObject({ received: 1, dispatched: 1, dispatchedOnTime: 0, overdueNow: 1, closed: 0 });
  });

  it('follows new commands at once', async () => {
    const before = groups((await get(`/api/stats/assessment?${DAY}&groupBy=department`)).body).get('greening')!.counts;
    act('18:00', greening, 'case.accept', { caseId: ids.c2! });
    const after = groups((await get(`/api/stats/assessment?${DAY}&groupBy=department`)).body).get('greening')!.counts;
    expect(after.accepted).toBe(before.accepted! + 1);
    expect(after.acceptedOnTime).toBe(before.acceptedOnTime!); // 18:00 is after its 15:30 deadline
    expect(after.overdueNow).toBe(1); // still running late
  });
});

describe('public demands', () => {
  it('by category with the trend against the previous period, and hot spots', async () => {
    const { status, body } = await get(`/api/stats/demands?${DAY}&groupBy=category`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ total: 4, previousTotal: 0, change: 4, changeRate: null, previousFrom: Date.parse('2026-09-27T00:00:00+08:00') });
    expect(body.groups).toEqual([
      { key: '06010', name: '暴露垃圾', bigClass: { code: '06', name: '市容环境类' }, count: 3, previous: 0, change: 3, changeRate: null },
      { key: '09006', name: '占道经营', bigClass: { code: '09', name: '街面秩序类' }, count: 1, previous: 0, change: 1, changeRate: null },
    ]);
    const hot = body.hotspots as Array<{ subdistrict: string; count: number; rise: number }>;
    expect(hot.map((h) => [h.subdistrict, h.count, h.rise])).toEqual([[XINZHUANG, 3, 3], [QIBAO, 1, 1]]);
  });

  it('by source, hour, big class and community; the next day shows the fall', async () => {
    const src = (await get(`/api/stats/demands?${DAY}&groupBy=source`)).body.groups as Array<{ key: string; count: number }>;
    expect(src.map((g) => [g.key, g.count])).toEqual([['officer', 3], ['hotline', 1]]);
    const hours = (await get(`/api/stats/demands?${DAY}&groupBy=hour`)).body.groups as Array<{ key: string; count: number; name: string }>;
    expect(hours.map((g) => [g.key, g.count])).toEqual([['9', 2], ['10', 1], ['11', 1]]);
    expect(hours[0]!.name).toBe('09:00');
    const big = (await get(`/api/stats/demands?${DAY}&groupBy=bigClass`)).body.groups as Array<{ key: string; count: number }>;
    expect(big.map((g) => [g.key, g.count])).toEqual([['06', 3], ['09', 1]]);
    const next = (await get('/api/stats/demands?from=2026-09-29&to=2026-09-30&groupBy=subdistrict')).body;
    expect(next).toMatchObject({ total: 0, previousTotal: 4, change: -4, changeRate: -1, hotspots: [] });
    const scoped = (await get(`/api/stats/demands?${DAY}&groupBy=community`, tokens.qbo!)).body;
    expect(scoped.total).toBe(1);
    expect((scoped.groups as Array<{ key: string }>).every((g) => g.key.startsWith(QIBAO))).toBe(true);
  });

  it('repeated demands from the same place', async () => {
    const { body } = await get(`/api/stats/repeats?${DAY}`);
    expect((body.groups as Array<{ caseIds: string[] }>).map((g) => g.caseIds)).toEqual([[ids.c1, ids.c4]]);
    const any = (await get(`/api/stats/repeats?${DAY}&sameCategory=false`)).body;
    expect((any.groups as Array<{ caseIds: string[] }>)[0]!.caseIds).toEqual([ids.c1, ids.c3, ids.c4]);
    expect((await get(`/api/stats/repeats?${DAY}`, tokens.qbo!)).body.groups).toEqual([]);
  });
});

describe('drill-down', () => {
  const drill = async (q: string, token?: string) => (await get(`/api/stats/drilldown?${q}`, token)).body as { total: number; items: Array<{ caseId: string }> };
  it('returns the cases behind a figure', async () => {
    expect((await drill(`figure=closed&groupBy=department&key=greening&${DAY}`)).items.map((i) => i.caseId)).toEqual([ids.c1]);
    expect((await drill(`figure=returned&groupBy=department&key=enforcement&${DAY}`)).items.map((i) => i.caseId)).toEqual([ids.c3]);
    const overdue = await drill('figure=overdueNow&groupBy=subdistrict');
    expect(overdue.items.map((i) => i.caseId).sort()).toEqual([ids.c2, ids.c4].sort());
    const xzCommunity = (await get(`/api/stats/demands?${DAY}&groupBy=community`)).body.groups as Array<{ key: string; count: number }>;
    const top = xzCommunity[0]!;
    const d = await drill(`figure=received&groupBy=community&key=${top.key}&${DAY}`);
    expect(d.total).toBe(top.count);
    expect(d.items.map((i) => i.caseId)).toEqual([ids.c1, ids.c3, ids.c4]);
  });

  it('keeps a scoped user in their scope', async () => {
    expect((await get(`/api/stats/drilldown?figure=received&groupBy=subdistrict&key=${XINZHUANG}&${DAY}`, tokens.qbo!)).body.code).toBe('out_of_scope');
    const mine = await drill(`figure=received&groupBy=subdistrict&${DAY}`, tokens.qbo!);
    expect(mine.items.map((i) => i.caseId)).toEqual([ids.c2]);
  });
});

describe('bad input is 400 {code, message}', () => {
  it.each([
    ['assessment', ''],
    ['assessment', 'from=2026-09-28'],
    ['assessment', `${DAY}&groupBy=community`],
    ['assessment', 'from=2026-09-29&to=2026-09-28'],
    ['assessment', 'from=2026-02-30&to=2026-03-02'],
    ['assessment', 'from=yesterday&to=today'],
    ['assessment', 'from=2016-01-01&to=2026-09-28'],
    ['assessment', `${DAY}&bogus=1`],
    ['assessment', `${DAY}&from=2026-09-27`],
    ['demands', `${DAY}&groupBy=street`],
    ['demands', `${DAY}&top=0`],
    ['demands', `${DAY}&top=ten`],
    ['drilldown', `figure=bogus&${DAY}`],
    ['drilldown', 'figure=closed'],
    ['drilldown', `figure=closed&groupBy=department&key=${XINZHUANG}&${DAY}`],
    ['drilldown', `figure=closed&groupBy=category&${DAY}`],
    ['drilldown', `figure=received&groupBy=hour&key=24&${DAY}`],
    ['drilldown', `figure=received&limit=100000&${DAY}`],
    ['repeats', 'from=2026-01-01&to=2026-09-28'],
    ['repeats', `${DAY}&radius=5`],
    ['repeats', `${DAY}&sameCategory=maybe`],
  ])('%s?%s', async (endpoint, q) => {
    const { status, body } = await get(`/api/stats/${endpoint}?${q}`);
    expect(status).toBe(400);
    expect(body.code).toBe('invalid_input');
    expect(typeof body.message).toBe('string');
  });
});

describe('persistence', () => {
  it('answers the same after a restart, and after a rebuild from the log', async () => {
    const paths = [`/api/stats/assessment?${DAY}&groupBy=department`, `/api/stats/assessment?${DAY}&groupBy=subdistrict`, `/api/stats/demands?${DAY}&groupBy=community`];
    const before = await Promise.all(paths.map((p) => get(p)));
    await hub.close();
    await startAndLogin();
    expect((hub.core.db.prepare(`SELECT value FROM meta WHERE key = 'stats_facts_seq'`).get() as { value: string }).value).toBe(String(hub.core.log.headSeq));
    expect(await Promise.all(paths.map((p) => get(p)))).toEqual(before);
    // Definitions changed (or the facts are otherwise not to be trusted): rebuilt from the events.
    hub.core.db.prepare(`UPDATE meta SET value = 'old' WHERE key = 'stats_facts_version'`).run();
    hub.core.db.prepare('DELETE FROM stats_rollup').run();
    await hub.close();
    await startAndLogin();
    expect(await Promise.all(paths.map((p) => get(p)))).toEqual(before);
  });
});
