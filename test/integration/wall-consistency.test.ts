// The live panels (wall KPIs, the console's top bar) compute today's figures from the cases they
// hold; the statistics window asks the hub, which computes them from its event log. Issue 9:
// the two must agree. A real hub drives a day of cases through the command path on its clock;
// the panels' functions then run on the hub's own case states and are compared with its answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { RunningHub } from '../../hub/server';
import type { Actor } from '../../shared/domain/roles';
import type { Case } from '../../shared/protocol';
import { computeWallStats } from '../../renderer/features/wall/stats';
import { login, pointIn, QIBAO, report, testHub, tmpDir, XINZHUANG, PASSWORD } from './helpers/hub';

// A Tuesday with no holiday around it.
const T = (s: string) => Date.parse(`2026-10-20T${s}:00+08:00`);
let now = T('08:00');

const officer: Actor = { userId: 'officer', role: 'officer', subdistricts: [] };
const greening: Actor = { userId: 'lg', role: 'liaison', subdistricts: [], departmentCode: 'greening' };
const enforcement: Actor = { userId: 'le', role: 'liaison', subdistricts: [], departmentCode: 'enforcement' };

let hub: RunningHub;
let token: string;
const dataDir = tmpDir('wall-consistency-');

function act(at: number, actor: Actor, type: string, payload: Record<string, unknown>): string {
  now = at;
  const r = hub.core.applyNow(actor, { commandId: randomUUID(), type, payload, expectedVersion: null });
  if (!r.ok) throw new Error(`${type}: ${r.error.code} ${r.error.message}`);
  return r.entityId;
}
const cases = (): Case[] => (hub.core.db.prepare('SELECT state FROM cases').all() as { state: string }[]).map((r) => JSON.parse(r.state) as Case);
const handlingDue = (id: string) => cases().find((c) => c.id === id)!.handlingDue!;
const MIN = 60_000;

beforeAll(async () => {
  hub = await testHub({ dataDir, clock: () => now });
  await hub.createUser({ username: 'sup', password: PASSWORD, displayName: '领导', role: 'supervisor' });
  const xz = pointIn(hub, XINZHUANG);
  const qb = pointIn(hub, QIBAO);
  // In time through the whole loop.
  const a = act(T('09:00'), officer, 'case.report', report(xz));
  act(T('09:05'), officer, 'case.register', { caseId: a });
  act(T('09:10'), officer, 'case.dispatch', { caseId: a, departments: ['greening'] });
  act(T('09:40'), greening, 'case.accept', { caseId: a });
  act(T('11:00'), greening, 'case.resolve', { caseId: a, note: '已清运' });
  act(T('11:30'), officer, 'case.verify', { caseId: a, passed: true });
  // Resolved after its handling deadline, then closed: due today, not on time.
  const b = act(T('09:20'), officer, 'case.report', report(qb));
  act(T('09:25'), officer, 'case.register', { caseId: b });
  act(T('09:30'), officer, 'case.dispatch', { caseId: b, departments: ['greening'] });
  act(T('09:50'), greening, 'case.accept', { caseId: b });
  act(handlingDue(b) + 20 * MIN, greening, 'case.resolve', { caseId: b, note: '迟了' });
  act(now + 10 * MIN, officer, 'case.verify', { caseId: b, passed: true });
  // Returned once, dispatched again, reworked after verification, closed in time.
  const c = act(T('10:00'), officer, 'case.report', report(xz, { categoryCode: '09006' }));
  act(T('10:05'), officer, 'case.register', { caseId: c });
  act(T('10:10'), officer, 'case.dispatch', { caseId: c, departments: ['enforcement'] });
  act(T('10:40'), enforcement, 'case.return', { caseId: c, reason: '非本部门职责' });
  act(T('10:50'), officer, 'case.dispatch', { caseId: c, departments: ['enforcement'] });
  act(T('11:00'), enforcement, 'case.accept', { caseId: c });
  act(T('11:30'), enforcement, 'case.resolve', { caseId: c, note: '已处理' });
  act(T('11:45'), officer, 'case.verify', { caseId: c, passed: false });
  act(T('13:00'), enforcement, 'case.resolve', { caseId: c, note: '已整改' });
  act(T('13:30'), officer, 'case.verify', { caseId: c, passed: true });
  // Dispatched and never accepted: due today, open, overdue by evening.
  const d = act(T('11:00'), officer, 'case.report', report(qb, { source: 'hotline' }));
  act(T('11:05'), officer, 'case.register', { caseId: d });
  act(T('11:10'), officer, 'case.dispatch', { caseId: d, departments: ['greening'] });
  // Registered only: not due.
  act(T('12:00'), officer, 'case.register', { caseId: act(T('11:55'), officer, 'case.report', report(xz)) });
  now = T('20:00');
  token = (await login(hub.url, 'sup')).token;
});

afterAll(async () => {
  await hub.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('the wall and the hub agree on today', () => {
  it('reported, closed, 按期结案率 and overdue now', async () => {
    const res = await fetch(`${hub.url}/api/stats/assessment?from=2026-10-20&to=2026-10-21&groupBy=subdistrict`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { groups: Array<{ figures: { counts: Record<string, number> } }> };
    const sum = (k: string) => body.groups.reduce((n, g) => n + (g.figures.counts[k] ?? 0), 0);
    const wall = computeWallStats(cases(), now);
    // The day is not trivial: something due, some on time, some not, something overdue.
    expect(sum('due')).toBeGreaterThan(sum('dueClosedOnTime'));
    expect(sum('dueClosedOnTime')).toBeGreaterThan(0);
    expect(sum('overdueNow')).toBeGreaterThan(0);
    expect(wall.reported).toBe(sum('received'));
    expect(wall.closed).toBe(sum('closed'));
    expect(wall.onTime).toBe(sum('dueClosedOnTime') / sum('due'));
    expect(wall.overdue).toBe(sum('overdueNow'));
  });
});
