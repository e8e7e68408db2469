/**
 * The simulator against a real hub (startHub on loopback, SQLite in a temp dir) at 3600×:
 * the closed loop runs (reports, dispatches, closures), refusals are few and explained, units
 * move, the same seed replays the same sequence, and the typhoon brings its warning and surge.
 */
import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { startHub, type RunningHub } from '../../hub/server';
import { Simulator, type SimulatorOptions } from '../../hub/simulator/simulator';
import type { Case, HubEvent } from '../../shared/protocol';

/** Wednesday 15 July 2026, 08:00 Beijing time: the morning peak is about to start. */
const START = Date.parse('2026-07-15T08:00:00+08:00');

interface Run { hub: RunningHub; sim: Simulator; events: HubEvent[]; dir: string }
const runs: Run[] = [];

async function launch(opts: Partial<SimulatorOptions> & { seed: number }): Promise<Run> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'linkage-sim-'));
  let sim: Simulator | null = null;
  // The hub runs on the simulator's clock, as `npm run simulate` does.
  const hub = await startHub({ dataDir: dir, port: 0, log: () => {}, clock: () => sim?.now() ?? START });
  const events: HubEvent[] = [];
  hub.core.onEvents((list) => events.push(...list.filter((e) => e.data.by !== null)));
  sim = new Simulator(hub.core, hub.positions, { speed: 3600, scenario: 'day', start: START, log: () => {}, ...opts });
  const run = { hub, sim, events, dir };
  runs.push(run);
  sim.start();
  return run;
}

async function until(cond: () => boolean, maxMs: number): Promise<void> {
  const end = Date.now() + maxMs;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
}

const count = (r: Run, type: string) => r.events.filter((e) => e.type === type).length;

/** What the simulator did, as command effects: event type and the case's category. */
const sequence = (r: Run) => r.events.map((e) => `${e.type} ${e.entity === 'case' ? (e.data.state as Case).categoryCode : e.id}`);

afterAll(async () => {
  for (const r of runs) {
    r.sim.dispose();
    await r.hub.close();
    fs.rmSync(r.dir, { recursive: true, force: true });
  }
});

describe('simulator on a real hub', () => {
  it('runs the closed loop through the command path, with few and explained refusals', async () => {
    const r = await launch({ seed: 42 });
    // A person at the center dispatches a case of their own: the simulated department answers it.
    const person = await r.hub.createUser({ username: 'duty-wang', password: randomUUID(), displayName: '王值班', role: 'officer' });
    const me = { userId: person.id, role: person.role, subdistricts: [] };
    const send = (type: string, payload: unknown, expectedVersion: number | null) => r.hub.core.applyNow(me, { commandId: randomUUID(), type, payload, expectedVersion });
    const reported = send('case.report', { source: 'officer', categoryCode: '06010', urgency: 'normal', point: [121.3817, 31.1129], description: '人工上报：暴露垃圾' }, null);
    if (!reported.ok) throw new Error(reported.error.message);
    const mine = reported.entityId;
    expect(send('case.register', { caseId: mine }, 1).ok).toBe(true);
    expect(send('case.dispatch', { caseId: mine, departments: ['greening'] }, 2).ok).toBe(true);

    await until(() => count(r, 'case.closed') >= 3 && r.sim.stats().simulatedAt - START > 2 * 3_600_000, 40_000);
    r.sim.stop();
    const s = r.sim.stats();

    expect(count(r, 'case.reported')).toBeGreaterThan(20);
    expect(count(r, 'case.dispatched')).toBeGreaterThan(10);
    expect(count(r, 'case.accepted')).toBeGreaterThan(5);
    expect(count(r, 'case.closed')).toBeGreaterThanOrEqual(3);
    expect(s.commands['unit.setStatus']).toBeGreaterThan(0);
    expect(s.errors).toBe(0);

    const applied = Object.values(s.commands).reduce((a, b) => a + b, 0);
    const refused = Object.values(s.refusals).reduce((a, b) => a + b, 0);
    expect(refused).toBeLessThanOrEqual(Math.ceil(applied * 0.01));
    for (const x of s.refusalLog) {
      expect(x.code).toMatch(/^[a-z_]+$/);
      expect(x.message.length).toBeGreaterThan(5);
    }

    // It acted only as its own users, through apply: every answered command is theirs.
    const db = r.hub.core.db;
    const actors = db.prepare(`SELECT DISTINCT u.username FROM commands c JOIN users u ON u.id = c.user_id WHERE u.id <> ?`).all(person.id) as { username: string }[];
    expect(actors.length).toBeGreaterThan(2);
    for (const a of actors) expect(a.username).toMatch(/^sim-/);
    // The person's case: the department answered it, the simulated center left it alone.
    const onMine = r.events.filter((e) => e.id === mine);
    expect(onMine.map((e) => e.type)).toContain('case.dispatched');
    expect(onMine.some((e) => e.type === 'case.accepted' || e.type === 'case.returned')).toBe(true);
    expect(onMine.filter((e) => ['case.registered', 'case.dispatched', 'case.closed'].includes(e.type)).every((e) => e.data.by === person.id)).toBe(true);

    const cases = (db.prepare('SELECT state FROM cases').all() as { state: string }[]).map((x) => JSON.parse(x.state) as Case);
    expect(cases.some((c) => c.source === 'hotline')).toBe(true);
    expect(cases.some((c) => c.source === 'patrol' || c.source === 'video')).toBe(true);
    for (const c of cases.filter((x) => x.id !== mine).slice(0, 20)) {
      expect(c.address).toMatch(/^闵行区/);
      expect(c.description.length).toBeGreaterThan(6);
    }

    // Units moved: positions reached the stream, some of them at speed.
    expect(s.positions).toBeGreaterThan(100);
    const positions = r.hub.positions.all();
    expect(positions.length).toBeGreaterThan(10);
    expect(positions.some((p) => p.speed > 0)).toBe(true);
    console.log(`simulated ${((s.simulatedAt - START) / 3_600_000).toFixed(1)} h at ${s.effectiveSpeed}×, ${s.commandsPerRealSecond} commands/s; refusals ${refused}/${applied}`, s.commands);
  });

  it('replays the same sequence for the same seed', async () => {
    const a = await launch({ seed: 7 });
    const b = await launch({ seed: 7 });
    const c = await launch({ seed: 8 });
    const N = 150;
    await until(() => [a, b, c].every((r) => r.events.length >= N), 40_000);
    for (const r of [a, b, c]) r.sim.stop();
    expect(a.events.length).toBeGreaterThanOrEqual(N);
    expect(b.events.length).toBeGreaterThanOrEqual(N);
    expect(sequence(a).slice(0, N)).toEqual(sequence(b).slice(0, N));
    expect(sequence(a).slice(0, N)).not.toEqual(sequence(c).slice(0, N));
  });

  it('brings a typhoon: a CAP warning, a surge of storm cases and a call for an operation', async () => {
    const asked: Case[][] = [];
    const r = await launch({ seed: 3, scenario: 'typhoon', onOperationNeeded: (cases) => asked.push(cases) });
    await until(() => asked.length > 0, 40_000);
    r.sim.stop();
    expect(asked).toHaveLength(1);
    const cases = asked[0]!;
    expect(cases.length).toBeGreaterThanOrEqual(15);
    expect(cases[0]!.source).toBe('cap');
    expect(cases[0]!.categoryCode).toBe('90013');
    const storm = cases.slice(1).map((c) => c.categoryCode);
    expect(storm.filter((x) => x === '90001' || x === '90006').length).toBeGreaterThan(storm.length / 3);
    expect(r.sim.stats().operationsRequested).toBe(1);
  });
});
