/**
 * A storm's emergency operation taken to its end, for the generated history: the coordinator
 * activates the typhoon/flood plan when the surge calls for it, the departments acknowledge
 * their tasks, the coordinator escalates at the storm's peak and keeps the command log, the
 * departments report their tasks done, the coordinator de-escalates as it eases and stands
 * down with a summary. Every step is a command through the hub, on the simulator's agenda, so
 * it carries its historical time and replays the same for the same seed.
 */
import { randomUUID } from 'node:crypto';
import type { HubCore } from '../core';
import type { Actor } from '../../shared/domain/roles';
import type { ResponseLevel } from '../../shared/domain/operations';
import type { Case, CommandPayload, CommandResult, CommandType, Operation } from '../../shared/protocol';
import type { Simulator } from './simulator';
import type { Rng } from './random';
import { activateTyphoonOperation, ensureCoordinator } from './typhoon';

const MIN = 60_000;
const HOUR = 3_600_000;

const LOG_NOTES = ['已通知各成员单位进入防汛防台应急状态，加强值守', '低洼地区积水点已安排泵车排水，巡查力量加密', '各街镇已落实人员转移安置点'];
const DONE_NOTES = ['任务已完成，现场恢复正常', '已按预案落实，人员设备已撤回', '处置完毕，持续观察'];
const PROGRESS_NOTES = ['人员设备已到位，正在处置', '正在落实，进展顺利'];

export interface EpisodeStats { activated: number; stoodDown: number; refused: number }

export class StormEpisodes {
  readonly stats: EpisodeStats = { activated: 0, stoodDown: 0, refused: 0 };
  private coordinator: Actor | null = null;

  constructor(private readonly core: HubCore, private readonly sim: Simulator, private readonly rng: Rng, private readonly log: (m: string) => void) {}

  /** The simulator's `onOperationNeeded`: activate now, and schedule the operation's course. */
  activate(cases: readonly Case[]): void {
    this.coordinator ??= ensureCoordinator(this.core);
    const r = activateTyphoonOperation(this.core, cases, { actor: this.coordinator });
    if (!r.ok) {
      this.stats.refused++;
      this.log(`storm operation not activated: ${r.error.code} ${r.error.message}`);
      return;
    }
    this.stats.activated++;
    const id = r.entityId;
    const t = this.sim.now();
    this.acknowledgeAll(id, t);
    this.sim.schedule(t + this.rng.between(40, 80) * MIN, () => this.note(id));
    const peak = t + this.rng.between(2.5, 4) * HOUR;
    this.sim.schedule(peak, (at) => {
      const op = this.load(id);
      if (!op || op.level === 1) return;
      const r2 = this.command(this.coordinator!, 'operation.escalate', { operationId: id, level: (op.level - 1) as ResponseLevel, reason: '积水点和倒伏树木持续增加，风雨进入最强时段，提升响应等级' }, op.version);
      if (r2.ok) this.acknowledgeAll(id, at);
    });
    this.sim.schedule(peak + this.rng.between(1, 2) * HOUR, () => this.note(id));
    // Tasks reported in progress, then done, within the storm's tail.
    this.sim.schedule(peak + this.rng.between(2, 3) * HOUR, (at) => this.reportTasks(id, at, false));
    const eased = peak + this.rng.between(8, 10) * HOUR;
    this.sim.schedule(eased, (at) => this.reportTasks(id, at, true));
    this.sim.schedule(eased + this.rng.between(1, 2) * HOUR, () => {
      const op = this.load(id);
      if (!op || op.level >= 4) return;
      this.command(this.coordinator!, 'operation.deescalate', { operationId: id, level: (op.level + 1) as ResponseLevel, reason: '风雨明显减弱，险情得到控制，降低响应等级' }, op.version);
    });
    this.sim.schedule(eased + this.rng.between(4, 6) * HOUR, () => this.standDown(id));
  }

  /** Every open task acknowledged by its department, a few minutes apart. */
  private acknowledgeAll(id: string, t: number): void {
    const op = this.load(id);
    for (const task of op?.tasks ?? []) {
      if (task.status !== 'open') continue;
      this.sim.schedule(t + this.rng.between(5, 30) * MIN, () => {
        const now = this.load(id);
        if (now?.status === 'active' && now.tasks.find((x) => x.id === task.id)?.status === 'open') {
          this.command(this.liaison(task.department), 'operation.acknowledgeTask', { operationId: id, taskId: task.id }, null);
        }
      });
    }
  }

  private reportTasks(id: string, t: number, done: boolean): void {
    const op = this.load(id);
    for (const task of op?.tasks ?? []) {
      if (task.status !== 'open' && task.status !== 'acknowledged') continue;
      this.sim.schedule(t + this.rng.between(0, 50) * MIN, () => {
        const now = this.load(id);
        const status = now?.tasks.find((x) => x.id === task.id)?.status;
        if (now?.status !== 'active' || (status !== 'open' && status !== 'acknowledged')) return;
        const text = this.rng.pick(done ? DONE_NOTES : PROGRESS_NOTES);
        this.command(this.liaison(task.department), 'operation.reportTask', { operationId: id, taskId: task.id, text, done }, null);
      });
    }
  }

  private note(id: string): void {
    const op = this.load(id);
    if (op?.status === 'active') this.command(this.coordinator!, 'operation.logEntry', { operationId: id, text: this.rng.pick(LOG_NOTES) }, null);
  }

  private standDown(id: string): void {
    const op = this.load(id);
    if (!op || op.status !== 'active') return;
    const cases = op.caseIds.map((c) => this.caseStatus(c));
    const closed = cases.filter((s) => s === 'closed').length;
    const open = op.tasks.filter((t) => t.required && (t.status === 'open' || t.status === 'acknowledged')).length;
    const summary = `风雨影响结束，本次响应共涉及案件${cases.length}起，已结案${closed}起，其余转入日常处置；${op.tasks.filter((t) => t.status === 'done').length}项任务完成，响应终止。`;
    const r = this.command(this.coordinator!, 'operation.standDown', {
      operationId: id, summary, ...(open ? { overrideReason: `${open}项任务转入日常工作跟进` } : {}),
    }, op.version);
    if (r.ok) {
      this.stats.stoodDown++;
      this.log(`storm operation ${id} stood down`);
      this.closeResolved(op.caseIds);
    }
  }

  /**
   * The operation's cases its departments resolved are verified by the center as it stands down
   * (the operation took them over from the simulated center, which would otherwise leave the
   * warning's own case waiting for verification for ever).
   */
  private closeResolved(caseIds: readonly string[]): void {
    const officer = this.sim.actors()?.officer;
    if (!officer) return;
    for (const caseId of caseIds) {
      const row = this.core.db.prepare('SELECT state FROM cases WHERE id = ?').pluck().get(caseId) as string | undefined;
      const c = row ? (JSON.parse(row) as Case) : null;
      if (c?.status !== 'resolved') continue;
      this.command(officer, 'case.verify', { caseId, passed: true, note: '应急响应终止，现场核查通过，准予结案' }, c.version);
    }
  }

  private liaison(department: string): Actor {
    return this.sim.actors()?.liaisons.get(department) ?? this.coordinator!;
  }

  private command<T extends CommandType>(actor: Actor, type: T, payload: CommandPayload<T>, expectedVersion: number | null): CommandResult {
    const r = this.core.applyNow(actor, { commandId: randomUUID(), type, payload, expectedVersion });
    if (!r.ok) {
      this.stats.refused++;
      this.log(`${type} refused: ${r.error.code} ${r.error.message}`);
    }
    return r;
  }

  private load(id: string): Operation | null {
    const row = this.core.db.prepare('SELECT state FROM operations WHERE id = ?').pluck().get(id) as string | undefined;
    return row ? (JSON.parse(row) as Operation) : null;
  }

  private caseStatus(id: string): string | null {
    return (this.core.db.prepare('SELECT status FROM cases WHERE id = ?').pluck().get(id) as string | undefined) ?? null;
  }
}
