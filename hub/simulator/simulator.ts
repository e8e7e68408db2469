/**
 * A believable day (or typhoon) in the district, acted out through the hub's command path by
 * the simulator's own users: reports arrive by hour of day from every network, the center
 * registers and dispatches, departments accept, return, report progress and resolve (some
 * late), the center verifies; units drive to cases and patrol their beats.
 *
 * Time: simulated = start + real elapsed × speed. Steps wait in one agenda ordered by
 * simulated time; a single timer drains what is due in a batch. While a step runs, `now()` is
 * that step's own time, so a hub whose clock is `() => sim.now()` stamps each command when it
 * "happened" and the same seed and start replay the same sequence, however the batches fall.
 */
import { randomUUID } from 'node:crypto';
import type { HubCore } from '../core';
import type { PositionStream } from '../positions';
import type { Actor } from '../../shared/domain/roles';
import type { Case, CommandPayload, CommandResult, CommandType, HubEvent, LngLat, Source, Unit, Urgency } from '../../shared/protocol';
import { Agenda } from './agenda';
import { ensureCast, type Cast } from './actors';
import { Fleet, hourOf, nextShiftChange } from './fleet';
import {
  CHANCES, DEFAULT_CASES_PER_DAY, departmentProfile, EXTENSION_REASONS, HOURLY_RATE, LOW_LYING_WEIGHT, PROGRESS_NOTES,
  REJECT_REASONS, REOPEN_NOTES, RETURN_REASONS, SOURCE_SHARES,
} from './profiles';
import { Pace } from './pace';
import { Rng } from './random';
import { CategoryPicker, draftReport, pickUrgency } from './reports';
import {
  BACKGROUND_FACTOR, FLOOD_CODES, OPERATION_THRESHOLD, pickSurgeCategory, postCapAlert, SURGE_SOURCES, surgeRate, typhoonAlertXml,
} from './typhoon';
import { World } from './world';

export type Scenario = 'day' | 'typhoon';

export interface SimulatorOptions {
  seed: number;
  /** Simulated seconds per real second (1, 50, 3600…). */
  speed: number;
  scenario: Scenario;
  /** The real clock the speed scales (tests inject one); default Date.now. */
  clock?: () => number;
  /** Simulated instant to start from; default the real clock's now. */
  start?: number;
  casesPerDay?: number;
  /**
   * Departments send units out (status changes, "arrived on scene" notes) from this simulated
   * instant on; before it they handle cases without one. A generated month keeps units for its
   * last days, whose tracks it keeps: a third fewer commands for the weeks before.
   */
  unitsFrom?: number;
  /** Called once when the typhoon surge needs an emergency operation (no such command exists yet). */
  onOperationNeeded?: (cases: Case[]) => void;
  log?: (msg: string) => void;
}

export interface SimulatorStats {
  running: boolean;
  scenario: Scenario;
  speed: number;
  simulatedAt: number;
  /** Commands the hub applied, by type. */
  commands: Record<string, number>;
  /** Commands the hub refused, by `type code`, and the last few with their messages. */
  refusals: Record<string, number>;
  refusalLog: Array<{ at: number; type: string; code: string; message: string }>;
  /** Steps not taken because the case had moved on (someone else acted on it). */
  skipped: number;
  /** Step failures inside the simulator itself (bugs, not refusals). */
  errors: number;
  positions: number;
  pending: number;
  /** Simulated time the last tick could not reach (the hub could not keep up). */
  lagMs: number;
  /** Simulated seconds per real second actually achieved (below `speed` when the hub is the limit). */
  effectiveSpeed: number;
  commandsPerRealSecond: number;
  operationsRequested: number;
}

type Step =
  | { kind: 'arrival' } | { kind: 'surge' } | { kind: 'cap' } | { kind: 'shift' } | { kind: 'storm' }
  | { kind: 'hook'; run: (t: number) => void }
  | { kind: 'triage' | 'dispatch' | 'verify' | 'suspend' | 'resume'; caseId: string }
  | { kind: 'respond' | 'resolve' | 'progress'; caseId: string; dept: string }
  | { kind: 'arrive' | 'leave'; caseId: string; unitId: string };

/** What the simulator remembers of a case it works on. */
interface Memo {
  /** The simulated center handles it (it reported it, and no person has stepped in). */
  center: boolean;
  duplicateOf?: string;
  invalid?: boolean;
  returnedBy?: string;
  reworked?: boolean;
  extended?: boolean;
  resolveAt?: number;
}

const MIN = 60_000;
const HOUR = 3_600_000;
/**
 * Real time one tick may spend: each command is a durable commit in the hub (~4 ms with
 * synchronous=FULL on a disk here), so a long batch would starve sockets and the position
 * stream. Whatever is left waits for the next tick and shows as lag.
 */
const TICK_BUDGET_MS = 40;

/** Notes on a case do not take it over from the simulated center; every other action does. */
const NOTES = new Set(['case.commented', 'case.attached', 'case.progressed']);

export class Simulator {
  private readonly rng: Rng;
  /** Reports draw from their own stream: what people do with cases does not change what comes in. */
  private readonly reports: Rng;
  private readonly real: () => number;
  private readonly log: (msg: string) => void;
  private readonly agenda = new Agenda<Step>();
  private readonly memos = new Map<string, Memo>();
  private readonly recent: Array<{ id: string; at: number; point: LngLat; categoryCode: string }> = [];
  private world: World | null = null;
  private cast: Cast | null = null;
  private picker: CategoryPicker | null = null;
  private fleet: Fleet | null = null;
  private pace: Pace | null = null;
  private timer: NodeJS.Timeout | null = null;
  private unlisten: (() => void) | null = null;
  private simAnchor: number;
  private realAnchor = 0;
  private runningSince = 0;
  private simFirst = 0;
  private realRunMs = 0;
  private acting: number | null = null;
  private lastPositions = -Infinity;
  private typhoonAt = 0;
  private capCase: string | null = null;
  private readonly surgeCases: string[] = [];
  private operationCalled = false;
  private operationsRequested = 0;
  private readonly st: { caseState: ReturnType<HubCore['db']['prepare']> };
  private readonly counters = { commands: {} as Record<string, number>, refusals: {} as Record<string, number>, skipped: 0, errors: 0, lagMs: 0 };
  private readonly refusalLog: SimulatorStats['refusalLog'] = [];

  constructor(private readonly core: HubCore, private readonly positions: PositionStream, private readonly opts: SimulatorOptions) {
    if (!(opts.speed > 0) || !Number.isFinite(opts.speed)) throw new Error(`speed must be a positive number, got ${opts.speed}`);
    if (!Number.isInteger(opts.seed)) throw new Error(`seed must be an integer, got ${opts.seed}`);
    this.rng = new Rng(opts.seed, 'simulator');
    this.reports = new Rng(opts.seed, 'reports');
    this.real = opts.clock ?? Date.now;
    this.log = opts.log ?? ((m) => console.log(`[simulator] ${m}`));
    this.simAnchor = opts.start ?? this.real();
    this.st = { caseState: core.db.prepare('SELECT state FROM cases WHERE id = ?').pluck() };
  }

  /** Simulated now: the running step's own time, else start + real elapsed × speed. */
  now(): number {
    if (this.acting !== null) return this.acting;
    return this.timer ? this.simAnchor + (this.real() - this.realAnchor) * this.opts.speed : this.simAnchor;
  }

  start(): void {
    if (this.timer) return;
    const t = this.now();
    if (!this.world) {
      this.firstStart(t);
      this.simFirst = t;
    }
    this.realAnchor = this.real();
    this.runningSince = this.realAnchor;
    // At 3600× a 20 ms tick is 72 simulated seconds; at 1× a 200 ms tick keeps steps on time.
    const tickMs = Math.min(200, Math.max(20, Math.round(60_000 / this.opts.speed)));
    this.timer = setInterval(() => this.tick(), tickMs);
    this.timer.unref();
  }

  stop(): void {
    if (!this.timer) return;
    this.simAnchor = this.now();
    this.realRunMs += this.real() - this.runningSince;
    clearInterval(this.timer);
    this.timer = null;
  }

  /**
   * Fast-forward without timers (a month of history): runs every step due by `t` in agenda
   * order, each on its own simulated time as the live loop does, then leaves `now()` at `t`.
   * No positions are sampled; the caller asks for them (`sampleFleet`) where it wants tracks.
   * Returns the steps run.
   */
  runUntil(t: number): number {
    if (this.timer) throw new Error('runUntil needs a stopped simulator');
    if (!this.world) {
      this.firstStart(this.simAnchor);
      this.simFirst = this.simAnchor;
    }
    let n = 0;
    for (let due = this.agenda.popDue(t); due; due = this.agenda.popDue(t)) {
      this.step(due.item, due.at);
      n++;
    }
    this.simAnchor = Math.max(this.simAnchor, t);
    return n;
  }

  /** Something of the caller's to do at simulated `at`, in order with the simulated district's own steps. */
  schedule(at: number, run: (t: number) => void): void {
    this.agenda.add(at, { kind: 'hook', run });
  }

  /** A storm episode (typhoon or rainstorm) from `at`: the CAP warning, the surge of storm reports and the call for an operation. */
  scheduleStorm(at: number): void {
    this.agenda.add(at, { kind: 'storm' });
  }

  /** The simulator's own users (officer, liaisons), once it has started. */
  actors(): Cast | null {
    return this.cast;
  }

  /** Gives every unit's position at `t` to `sink` (the history keeps recent tracks this way). */
  sampleFleet(t: number, sink: Pick<PositionStream, 'update'>): void {
    this.fleet?.sample(sink as PositionStream, t);
  }

  /** Stops and forgets the hub's event feed; the hub may close after this. */
  dispose(): void {
    this.stop();
    this.unlisten?.();
    this.unlisten = null;
  }

  stats(): SimulatorStats {
    const c = this.counters;
    const total = Object.values(c.commands).reduce((a, b) => a + b, 0) + Object.values(c.refusals).reduce((a, b) => a + b, 0);
    const realMs = this.realRunMs + (this.timer ? this.real() - this.runningSince : 0);
    return {
      running: this.timer !== null, scenario: this.opts.scenario, speed: this.opts.speed, simulatedAt: Math.round(this.now()),
      commands: { ...c.commands }, refusals: { ...c.refusals }, refusalLog: [...this.refusalLog],
      skipped: c.skipped, errors: c.errors, positions: this.fleet?.sent ?? 0, pending: this.agenda.size, lagMs: Math.round(c.lagMs),
      effectiveSpeed: realMs > 0 ? Math.round((this.now() - this.simFirst) / realMs) : 0,
      commandsPerRealSecond: realMs > 0 ? Math.round((total * 1000) / realMs) : 0,
      operationsRequested: this.operationsRequested,
    };
  }

  // ── Setup ──────────────────────────────────────────────────────────────────────────────

  private firstStart(t: number): void {
    const world = (this.world = new World(this.core));
    this.cast = ensureCast(this.core, world.departments.values());
    this.picker = new CategoryPicker(world);
    this.pace = new Pace(this.rng, world.calendar);
    const fleet = (this.fleet = new Fleet(world.units(), this.rng, (u, s, c) => this.setUnitStatus(u, s, c), (id) => world.unit(id)));
    // Units a previous run left en route or busy: free them if the last change was ours.
    const last = this.core.db.prepare(`SELECT user_id FROM commands WHERE type = 'unit.setStatus'
      AND json_extract(result, '$.ok') = 1 AND json_extract(result, '$.entityId') = ? ORDER BY at DESC, rowid DESC LIMIT 1`);
    fleet.releaseStranded((id) => this.cast!.userIds.has((last.get(id) as { user_id: string } | undefined)?.user_id ?? ''));
    fleet.begin(t);
    this.adoptOpenCases(t);
    this.unlisten = this.core.onEvents((events) => this.heard(events));
    this.agenda.add(t, { kind: 'arrival' });
    this.agenda.add(nextShiftChange(t), { kind: 'shift' });
    if (this.opts.scenario === 'typhoon') this.scheduleStorm(t + MIN);
    fleet.sample(this.positions, t);
    this.log(`${this.opts.scenario} at ${this.opts.speed}×, seed ${this.opts.seed}: ${fleet.size} units, ${world.categories.size} categories, ${this.cast.liaisons.size} departments`);
  }

  /** Open cases from a previous run, or dispatched to our departments by people: carry them on. */
  private adoptOpenCases(t: number): void {
    const ours = new Set((this.core.db.prepare(`SELECT json_extract(result, '$.entityId') AS id FROM commands
      WHERE user_id = ? AND type = 'case.report' AND json_extract(result, '$.ok') = 1`).all(this.cast!.officer.userId) as { id: string }[]).map((r) => r.id));
    const open = this.core.db.prepare(`SELECT state FROM cases WHERE status NOT IN ('closed', 'rejected') ORDER BY id`).all() as { state: string }[];
    for (const row of open) {
      const c = JSON.parse(row.state) as Case;
      this.memos.set(c.id, { center: ours.has(c.id) });
      this.carryOn(c, t);
    }
  }

  /** Schedules whatever comes next for a case in its current status. */
  private carryOn(c: Case, t: number): void {
    const memo = this.memo(c.id);
    const dept = c.owners.find((d) => this.cast!.liaisons.has(d));
    switch (c.status) {
      case 'dispatched': case 'reopened':
        if (dept) this.agenda.add(this.pace!.department(dept, c.urgency, t, 5, 30), { kind: 'respond', caseId: c.id, dept });
        return;
      case 'accepted':
        if (dept) this.agenda.add(t + this.rng.between(30, 240) * MIN, { kind: 'resolve', caseId: c.id, dept });
        return;
    }
    if (!memo.center) return;
    if (c.status === 'reported') this.agenda.add(this.pace!.center(c.urgency, t), { kind: 'triage', caseId: c.id });
    if (c.status === 'registered' || c.status === 'returned') this.agenda.add(this.pace!.center(c.urgency, t), { kind: 'dispatch', caseId: c.id });
    if (c.status === 'resolved') this.agenda.add(this.pace!.verify(c.urgency, t), { kind: 'verify', caseId: c.id });
    if (c.status === 'suspended') this.agenda.add(t + this.rng.between(2, 12) * HOUR, { kind: 'resume', caseId: c.id });
  }

  /** Other people's actions: a person taking over one of our cases, or dispatching to our departments. */
  private heard(events: readonly HubEvent[]): void {
    for (const e of events) {
      if (e.entity !== 'case' || e.data.by === null || this.cast!.userIds.has(e.data.by) || NOTES.has(e.type)) continue;
      const c = e.data.state as Case;
      this.memo(c.id).center = false;
      if (e.type === 'case.dispatched' || e.type === 'case.reopened') this.carryOn(c, this.now());
    }
  }

  // ── The loop ───────────────────────────────────────────────────────────────────────────

  private tick(): void {
    const target = this.now();
    const until = performance.now() + TICK_BUDGET_MS;
    while (performance.now() < until) {
      const due = this.agenda.popDue(target);
      if (!due) break;
      this.step(due.item, due.at);
    }
    this.counters.lagMs = Math.max(0, target - this.agenda.peekAt());
    if (this.counters.lagMs > 0) {
      // The hub cannot keep up at this speed: let simulated time wait for the steps instead of
      // running ahead of them (a hub on our clock would otherwise mark cases overdue that the
      // simulated departments have not had their turn on yet). The speed becomes what it sustains.
      this.simAnchor = this.agenda.peekAt();
      this.realAnchor = this.real();
    }
    // Units move every simulated second in principle; the stream sends at most its own rate,
    // so sampling more often than every 100 ms of real time would only be coalesced away.
    const real = this.real();
    if (real - this.lastPositions >= Math.max(100, Math.min(1000, 1000 / this.opts.speed))) {
      this.lastPositions = real;
      this.fleet!.sample(this.positions, Math.min(target, this.now()));
    }
  }

  /** One step on its own simulated time; a failure is counted and logged, never thrown into the loop. */
  private step(item: Step, at: number): void {
    this.acting = at;
    try {
      this.run(item, at);
    } catch (e) {
      this.counters.errors++;
      this.log(`step ${item.kind} failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    } finally {
      this.acting = null;
    }
  }

  private run(step: Step, t: number): void {
    switch (step.kind) {
      case 'hook': return step.run(t);
      case 'storm': return this.storm(t);
      case 'arrival': return this.arrival(t);
      case 'surge': return this.surge(t);
      case 'cap': return this.cap(t);
      case 'shift': return void this.agenda.add(this.fleet!.shift(t), { kind: 'shift' });
      case 'triage': return this.triage(step.caseId, t);
      case 'dispatch': return this.dispatch(step.caseId, t);
      case 'respond': return this.respond(step.caseId, step.dept, t);
      case 'progress': return this.progress(step.caseId, step.dept);
      case 'arrive': return this.arrive(step.caseId, step.unitId);
      case 'leave': return this.fleet!.leave(step.unitId, step.caseId, t);
      case 'resolve': return this.resolve(step.caseId, step.dept, t);
      case 'verify': return this.verify(step.caseId, t);
      case 'suspend': return this.suspend(step.caseId, t);
      case 'resume': return this.resume(step.caseId);
    }
  }

  // ── Reports ────────────────────────────────────────────────────────────────────────────

  /** Background reports: a Poisson process by hour of day, drawn by thinning at the peak rate. */
  private arrival(t: number): void {
    const perDay = this.opts.casesPerDay ?? DEFAULT_CASES_PER_DAY;
    const scale = perDay / HOURLY_RATE.reduce((a, b) => a + b, 0);
    const peak = Math.max(...HOURLY_RATE) * scale;
    this.agenda.add(t + this.reports.exponential(HOUR / peak), { kind: 'arrival' });
    const factor = this.typhoonAt > 0 && t >= this.typhoonAt && surgeRate((t - this.typhoonAt) / HOUR) > 0 ? BACKGROUND_FACTOR : 1;
    if (!this.reports.chance((HOURLY_RATE[hourOf(t)]! * scale * factor) / peak)) return;
    const night = hourOf(t) < 6 || hourOf(t) >= 22;
    const source = this.reports.weighted(SOURCE_SHARES, (s) => s.share * (night ? s.nightFactor : 1)).source;
    const dup = source === 'hotline' && this.reports.chance(CHANCES.duplicate) ? this.duplicateTarget(t) : null;
    if (dup) {
      const cat = this.world!.categories.get(dup.categoryCode)!;
      this.report({ source, category: cat.code, urgency: pickUrgency(this.reports, cat, source), near: dup.point }, t, { center: true, duplicateOf: dup.id });
      return;
    }
    const cat = this.picker!.pick(this.reports, source);
    this.report({ source, category: cat.code, urgency: pickUrgency(this.reports, cat, source) }, t, { center: true, invalid: this.reports.chance(CHANCES.invalid) });
  }

  /** A recent report still waiting at the center that a second caller may be repeating. */
  private duplicateTarget(t: number): { id: string; point: LngLat; categoryCode: string } | null {
    const fresh = this.recent.filter((r) => t - r.at < 3 * HOUR);
    return fresh.length ? this.reports.pick(fresh) : null;
  }

  /**
   * Reports one case from `source`. Video alarms sit at a camera and patrol reports where a
   * patrol is; `lowGround` (storm water) first draws a low-lying community and keeps the
   * camera, if any, inside its town.
   */
  private report(input: { source: Source; category: string; urgency: Urgency; near?: LngLat | null; lowGround?: boolean }, t: number, memo: Memo): string | null {
    const world = this.world!;
    let near = input.near ?? null;
    let note: string | undefined;
    const area = input.lowGround ? world.pickCommunity(this.reports, LOW_LYING_WEIGHT, 0.4, true) : null;
    const camera = input.source === 'video' && !near ? this.pickCamera(area?.subdistrict.code ?? null) : null;
    if (camera) near = camera.point;
    if (input.source === 'patrol' && !near && !area) {
      const p = this.fleet!.onBeat(t, this.reports);
      if (p) [near, note] = [p.point, `巡查上报：${p.name}`];
    }
    const draft = draftReport(this.reports, world, {
      source: input.source, category: world.categories.get(input.category)!, urgency: input.urgency, at: t, near, camera, note, community: area,
    });
    if (!draft) {
      this.counters.skipped++;
      return null;
    }
    const r = this.act(this.cast!.officer, 'case.report', draft.payload, null);
    if (!r.ok) return null;
    this.memos.set(r.entityId, memo);
    if (!memo.duplicateOf && !memo.invalid) {
      this.recent.push({ id: r.entityId, at: t, point: draft.payload.point, categoryCode: input.category });
      if (this.recent.length > 40) this.recent.shift();
    }
    this.agenda.add(this.pace!.center(input.urgency, t), { kind: 'triage', caseId: r.entityId });
    return r.entityId;
  }

  private pickCamera(subdistrictCode: string | null) {
    const online = this.world!.cameras().filter((c) => c.status === 'online' && (subdistrictCode === null || c.subdistrictCode === subdistrictCode));
    return online.length ? this.reports.pick(online) : null;
  }

  // ── Typhoon ────────────────────────────────────────────────────────────────────────────

  /** A new storm: its warning and surge start now, and it may call for its own operation. */
  private storm(t: number): void {
    this.typhoonAt = t;
    this.capCase = null;
    this.surgeCases.length = 0;
    this.operationCalled = false;
    this.cap(t);
    this.agenda.add(t, { kind: 'surge' });
  }

  private cap(t: number): void {
    const { caseId, outcome } = postCapAlert(this.core, this.world!, typhoonAlertXml(t, 1, this.world!));
    if (!caseId) {
      void outcome.then((why) => this.log(`the typhoon warning made no case: ${why}`));
      return;
    }
    this.capCase = caseId;
    this.memos.set(caseId, { center: true });
    this.agenda.add(this.pace!.center('urgent', t), { kind: 'triage', caseId });
    this.log(`typhoon warning (CAP) became case ${caseId}`);
  }

  private surge(t: number): void {
    const hoursIn = (t - this.typhoonAt) / HOUR;
    if (hoursIn > 16) return;
    const peak = surgeRate(6);
    this.agenda.add(t + this.reports.exponential(HOUR / peak), { kind: 'surge' });
    if (!this.reports.chance(surgeRate(hoursIn) / peak)) return;
    const code = pickSurgeCategory(this.reports, this.world!);
    if (!code) return;
    const cat = this.world!.categories.get(code)!;
    const source = this.reports.weighted(SURGE_SOURCES, (s) => s.share).source;
    const urgency = pickUrgency(this.reports, cat, source, { urgent: 0.4, high: 0.4 });
    // Water stands in the low towns; wind damage follows where people and trees are.
    const id = this.report({ source, category: code, urgency, lowGround: FLOOD_CODES.has(code) }, t, { center: true });
    if (!id) return;
    this.surgeCases.push(id);
    if (this.surgeCases.length >= OPERATION_THRESHOLD && !this.operationCalled) {
      this.operationCalled = true;
      this.operationsRequested++;
      const ids = [...(this.capCase ? [this.capCase] : []), ...this.surgeCases];
      this.log(`typhoon: ${this.surgeCases.length} storm cases — an emergency operation is needed`);
      try {
        this.opts.onOperationNeeded?.(ids.map((x) => this.load(x)).filter((c): c is Case => c !== null));
      } catch (e) {
        this.log(`onOperationNeeded failed: ${String(e)}`);
      }
    }
  }

  // ── The center ─────────────────────────────────────────────────────────────────────────

  private triage(caseId: string, t: number): void {
    const c = this.expect(caseId, ['reported'], true);
    if (!c) return;
    const memo = this.memo(caseId);
    const officer = this.cast!.officer;
    const target = memo.duplicateOf ? this.load(memo.duplicateOf) : null;
    if (target && !target.mergedInto) {
      this.act(officer, 'case.merge', { caseId, intoCaseId: target.id, note: '重复上报，并入原案件' }, c.version);
      this.memos.delete(caseId);
    } else if (memo.invalid) {
      this.act(officer, 'case.reject', { caseId, reason: this.rng.pick(REJECT_REASONS) }, c.version);
      this.memos.delete(caseId);
    } else if (this.act(officer, 'case.register', { caseId }, c.version).ok) {
      this.agenda.add(this.pace!.center(c.urgency, t), { kind: 'dispatch', caseId });
    }
  }

  private dispatch(caseId: string, t: number): void {
    const c = this.expect(caseId, ['registered', 'returned'], true);
    if (!c) return;
    const memo = this.memo(caseId);
    const owner = this.world!.categories.get(c.categoryCode)?.owner;
    // A return goes to the subdistrict's sub-center (属地兜底); without one, back to the owner.
    const sub = memo.returnedBy ? this.world!.subCenterOf(c.subdistrictCode) : null;
    const dept = sub && sub.code !== memo.returnedBy ? sub.code : owner;
    if (!dept) return void this.counters.skipped++;
    const note = memo.returnedBy ? (sub ? '原承办部门退回，按属地管理原则派属地分中心处置' : '经核实属本部门职责，请予处置') : undefined;
    const r = this.act(this.cast!.officer, 'case.dispatch', { caseId, departments: [dept], ...(note ? { note } : {}) }, c.version);
    if (r.ok && this.cast!.liaisons.has(dept)) this.agenda.add(this.pace!.department(dept, c.urgency, t, 5, 30), { kind: 'respond', caseId, dept });
  }

  private verify(caseId: string, t: number): void {
    const c = this.expect(caseId, ['resolved'], true);
    if (!c) return;
    const memo = this.memo(caseId);
    const passed = memo.reworked || this.rng.chance(CHANCES.verifyPass);
    const note = passed ? '现场核查通过，准予结案' : this.rng.pick(REOPEN_NOTES);
    const r = this.act(this.cast!.officer, 'case.verify', { caseId, passed, note }, c.version);
    if (!r.ok) return;
    if (passed) return void this.memos.delete(caseId);
    memo.reworked = true;
    const dept = c.owners.find((d) => this.cast!.liaisons.has(d));
    if (dept) this.agenda.add(this.pace!.department(dept, c.urgency, t, 10, 60), { kind: 'respond', caseId, dept });
  }

  private suspend(caseId: string, t: number): void {
    const c = this.expect(caseId, ['accepted'], true);
    if (!c) return;
    const r = this.act(this.cast!.officer, 'case.suspend', { caseId, reason: this.rng.pick(EXTENSION_REASONS), extendHours: 24 }, c.version);
    if (!r.ok) return;
    const pause = this.rng.between(6, 30) * HOUR;
    const memo = this.memo(caseId);
    memo.resolveAt = (memo.resolveAt ?? t) + pause;
    this.agenda.add(t + pause, { kind: 'resume', caseId });
  }

  private resume(caseId: string): void {
    const c = this.expect(caseId, ['suspended'], true);
    if (c) this.act(this.cast!.officer, 'case.resume', { caseId, note: '延期审批通过，恢复处置' }, c.version);
  }

  // ── The departments ────────────────────────────────────────────────────────────────────

  private respond(caseId: string, dept: string, t: number): void {
    const c = this.expect(caseId, ['dispatched', 'reopened'], false);
    if (!c || !c.owners.includes(dept)) return void (c && this.counters.skipped++);
    const liaison = this.cast!.liaisons.get(dept)!;
    const memo = this.memo(caseId);
    const isSubCenter = this.world!.departments.get(dept)?.kind === 'subcenter';
    if (c.status === 'dispatched' && !memo.returnedBy && !isSubCenter && this.rng.chance(CHANCES.returned)) {
      const r = this.act(liaison, 'case.return', { caseId, reason: this.rng.pick(RETURN_REASONS) }, c.version);
      if (r.ok) {
        memo.returnedBy = dept;
        if (memo.center) this.agenda.add(this.pace!.center(c.urgency, t), { kind: 'dispatch', caseId });
      }
      return;
    }
    const r = this.act(liaison, 'case.accept', { caseId }, c.version);
    if (!r.ok) return;
    const accepted = this.load(caseId)!;
    this.planHandling(accepted, dept, t);
  }

  /** When the department will finish, which unit goes out, and whether it needs an extension. */
  private planHandling(c: Case, dept: string, t: number): void {
    const memo = this.memo(c.id);
    const plan = this.pace!.handling(c, dept, t, memo.reworked ?? false);
    const remaining = plan.remaining;
    let at = plan.at;
    const unit = t >= (this.opts.unitsFrom ?? -Infinity) ? this.fleet!.send(c, dept, t) : null;
    if (unit) {
      this.agenda.add(unit.arriveAt, { kind: 'arrive', caseId: c.id, unitId: unit.unitId });
      this.agenda.add(unit.leaveAt, { kind: 'leave', caseId: c.id, unitId: unit.unitId });
      at = Math.max(at, unit.leaveAt + 5 * MIN);
    } else if (at - t > 2 * HOUR) this.agenda.add(t + 0.4 * (at - t), { kind: 'progress', caseId: c.id, dept });
    memo.resolveAt = at;
    this.agenda.add(at, { kind: 'resolve', caseId: c.id, dept });
    if (memo.center && !memo.extended && remaining > 24 * HOUR && this.rng.chance(CHANCES.extension)) {
      memo.extended = true;
      this.agenda.add(t + 0.5 * (at - t), { kind: 'suspend', caseId: c.id });
    }
  }

  private progress(caseId: string, dept: string): void {
    const c = this.expect(caseId, ['accepted', 'reopened'], false);
    if (c) this.act(this.cast!.liaisons.get(dept)!, 'case.progress', { caseId, note: this.rng.pick(PROGRESS_NOTES) }, c.version);
  }

  private resolve(caseId: string, dept: string, t: number): void {
    const memo = this.memo(caseId);
    if (memo.resolveAt !== undefined && memo.resolveAt > t) return void this.agenda.add(memo.resolveAt, { kind: 'resolve', caseId, dept });
    const c = this.load(caseId);
    if (c?.status === 'suspended') return void this.agenda.add(t + HOUR, { kind: 'resolve', caseId, dept });
    if (!c || !['accepted', 'reopened'].includes(c.status) || !c.owners.includes(dept)) return void this.counters.skipped++;
    const note = this.rng.pick(departmentProfile(dept).resolveNotes);
    const r = this.act(this.cast!.liaisons.get(dept)!, 'case.resolve', { caseId, note }, c.version);
    if (r.ok && memo.center) this.agenda.add(this.pace!.verify(c.urgency, t), { kind: 'verify', caseId });
  }

  // ── Units ──────────────────────────────────────────────────────────────────────────────

  private arrive(caseId: string, unitId: string): void {
    const unit = this.fleet!.arrive(unitId, caseId);
    const c = unit ? this.load(caseId) : null;
    if (!unit || !c) return;
    const dept = unit.departmentCode;
    if (['accepted', 'reopened'].includes(c.status) && c.owners.includes(dept)) {
      this.act(this.cast!.liaisons.get(dept)!, 'case.progress', { caseId, note: `${unit.name}已到达现场，正在处置` }, c.version);
    }
  }

  /** A unit's status through its department's liaison (the center's officer for others). */
  private setUnitStatus(u: Unit, status: Unit['status'], caseId: string | null): number | null {
    const actor = this.cast!.liaisons.get(u.departmentCode) ?? this.cast!.officer;
    const r = this.act(actor, 'unit.setStatus', { unitId: u.id, status, caseId }, u.version);
    return r.ok ? r.version : null;
  }

  // ── Helpers ────────────────────────────────────────────────────────────────────────────

  /** Sends a command like a workstation would: fresh commandId, the version we saw. */
  private act<T extends CommandType>(actor: Actor, type: T, payload: CommandPayload<T>, expectedVersion: number | null): CommandResult {
    const r = this.core.applyNow(actor, { commandId: randomUUID(), type, payload, expectedVersion });
    if (r.ok) {
      this.counters.commands[type] = (this.counters.commands[type] ?? 0) + 1;
    } else {
      const key = `${type} ${r.error.code}`;
      this.counters.refusals[key] = (this.counters.refusals[key] ?? 0) + 1;
      this.refusalLog.push({ at: Math.round(this.now()), type, code: r.error.code, message: r.error.message });
      if (this.refusalLog.length > 50) this.refusalLog.shift();
    }
    return r;
  }

  private load(caseId: string): Case | null {
    const state = this.st.caseState.get(caseId) as string | undefined;
    return state ? (JSON.parse(state) as Case) : null;
  }

  /** The case if it is still where the step expects it (and still ours to handle), else null. */
  private expect(caseId: string, statuses: readonly Case['status'][], centerStep: boolean): Case | null {
    const c = this.load(caseId);
    if (!c || !statuses.includes(c.status) || (centerStep && !this.memo(caseId).center)) {
      this.counters.skipped++;
      return null;
    }
    return c;
  }

  private memo(caseId: string): Memo {
    let m = this.memos.get(caseId);
    if (!m) this.memos.set(caseId, (m = { center: false }));
    return m;
  }
}
