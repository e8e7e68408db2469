/**
 * Emergency operations as commands (issue 8): activation of a plan at a response level,
 * escalation, de-escalation, tasks per department, the command log and the stand-down. The
 * rules are shared/domain/operations.ts; this applies them to the store inside the command's
 * transaction (apply.ts), so every change has its event, its audit entry and its kept answer.
 */
import type { Actor } from '../../shared/domain/roles';
import { DEPARTMENT_CODES } from '../../shared/domain/catalog';
import { DomainError } from '../../shared/domain/errors';
import {
  acknowledgeTask, activateOperation, addTask, assignUnit, checkOperationPermission, deescalate, escalate, logEntry,
  operationDepartments, OperationError, parsePlans, reassignTask, reportTask, standDown, type OperationAction, type PlanBook, type Stamp,
} from '../../shared/domain/operations';
import { OPERATION_COMMAND_TYPES, OperationSchema, type Case, type Command, type Operation, type OperationCommandType, type Unit } from '../../shared/protocol';
import { readResource } from '../resources';
import type { CommandContext, HandlerResult } from './context';
import { prepared } from '../store/db';
import { nextDailyNumber, saveOperation } from '../store/entities';

export type OperationCommand = Extract<Command, { type: OperationCommandType }>;

export function isOperationCommand(cmd: Command): cmd is OperationCommand {
  return (OPERATION_COMMAND_TYPES as readonly string[]).includes(cmd.type);
}

let plans: PlanBook | null = null;

/** The district's plans (resources/plans/plans.json), read and checked once. */
export function loadPlans(): PlanBook {
  plans ??= parsePlans(readResource('plans/plans.json'), { departments: DEPARTMENT_CODES });
  return plans;
}

const EVENT_OF: Record<OperationCommandType, string> = {
  'operation.activate': 'operation.activated',
  'operation.escalate': 'operation.escalated',
  'operation.deescalate': 'operation.deescalated',
  'operation.reassign': 'operation.taskReassigned',
  'operation.addTask': 'operation.taskAdded',
  'operation.acknowledgeTask': 'operation.taskAcknowledged',
  'operation.reportTask': 'operation.taskReported',
  'operation.assignUnit': 'operation.unitAssigned',
  'operation.logEntry': 'operation.logged',
  'operation.standDown': 'operation.stoodDown',
};

function loadOperation(ctx: CommandContext, id: string): Operation {
  const row = prepared(ctx.db, 'SELECT state FROM operations WHERE id = ?').get(id) as { state: string } | undefined;
  if (!row) throw new DomainError('not_found', `operation ${id} does not exist`);
  return JSON.parse(row.state) as Operation;
}

/**
 * Saves the operation and emits its event. Its owners are the departments with a task; a
 * department whose last task was reassigned away still receives this event (`formerOwners`),
 * so its liaison's replica learns the operation left their scope.
 */
function emitOperation(ctx: CommandContext, type: string, op: Operation, before: Operation | null, actor: Actor, commandId: string, detail: Record<string, unknown>): void {
  // Every replica checks the state against the schema and would refuse the whole batch: a
  // state out of bounds is refused here, as this command's answer, never sent.
  const valid = OperationSchema.safeParse(op);
  if (!valid.success) throw new DomainError('invalid_input', `the operation would be out of bounds: ${valid.error.issues[0]?.path.join('.')} ${valid.error.issues[0]?.message}`);
  saveOperation(ctx.db, op);
  const owners = operationDepartments(op);
  const former = before ? operationDepartments(before).filter((d) => !owners.includes(d)) : [];
  if (former.length) detail.formerOwners = former;
  ctx.emit({ type, entity: 'operation', id: op.id, subdistrict: null, owners: [...owners, ...former], state: op, by: actor.userId, commandId, detail });
}

/** Operation numbers: OP, the date (UTC+8), a daily counter. */
function nextOperationId(ctx: CommandContext): string {
  const day = new Date(ctx.now + 8 * 3600_000).toISOString().slice(0, 10).replaceAll('-', '');
  const n = nextDailyNumber(ctx.db, 'operations', `OP${day}`);
  return `OP${day}${String(n).padStart(3, '0')}`;
}

function checkDepartment(ctx: CommandContext, code: string): void {
  if (!ctx.rules.isDepartment(code)) throw new OperationError('unknown_department', `unknown department ${code}`);
}

function activate(ctx: CommandContext, actor: Actor, commandId: string, p: Extract<OperationCommand, { type: 'operation.activate' }>['payload']): HandlerResult {
  checkOperationPermission(actor, 'activate', null);
  const plan = loadPlans().plan(p.planId);
  const caseIds = [...new Set(p.caseIds)];
  const cases = caseIds.map((id) => {
    const row = prepared(ctx.db, 'SELECT state FROM cases WHERE id = ?').get(id) as { state: string } | undefined;
    if (!row) throw new DomainError('not_found', `case ${id} does not exist`);
    return JSON.parse(row.state) as Case;
  });
  const outside = cases.filter((c) => actor.subdistricts.length > 0 && !actor.subdistricts.includes(c.subdistrictCode));
  if (outside.length) throw new OperationError('out_of_scope', `case(s) outside your scope: ${outside.map((c) => c.id).join(', ')}`);
  // Two coordinators opening the same plan for the same cases (one of them offline) would
  // split the command in two: the second is refused and told which operation to join.
  if (caseIds.length) {
    const active = (prepared(ctx.db, `SELECT state FROM operations WHERE status = 'active' AND plan_id = ?`).all(plan.id) as { state: string }[]).map((r) => JSON.parse(r.state) as Operation);
    const overlap = active.find((o) => o.caseIds.some((id) => caseIds.includes(id)));
    if (overlap) throw new DomainError('conflict', `operation ${overlap.id} already runs ${plan.id} for some of these cases`);
  }
  const s: Stamp = { at: ctx.now, by: actor.userId };
  const op = activateOperation(plan, p.level, { id: nextOperationId(ctx), caseIds, subdistrictCodes: cases.map((c) => c.subdistrictCode), area: p.area ?? null, note: p.note }, s);
  emitOperation(ctx, EVENT_OF['operation.activate'], op, null, actor, commandId, { planId: plan.id, level: op.level, tasks: op.tasks.length, ...(p.note ? { note: p.note } : {}) });
  return { entityId: op.id, version: op.version, before: null, after: op };
}

const ACTION_OF: Record<Exclude<OperationCommandType, 'operation.activate'>, OperationAction> = {
  'operation.escalate': 'escalate',
  'operation.deescalate': 'deescalate',
  'operation.reassign': 'reassign',
  'operation.addTask': 'addTask',
  'operation.acknowledgeTask': 'acknowledgeTask',
  'operation.reportTask': 'reportTask',
  'operation.assignUnit': 'assignUnit',
  'operation.logEntry': 'logEntry',
  'operation.standDown': 'standDown',
};

/** Applies an operation.* command. */
export function actOnOperation(ctx: CommandContext, actor: Actor, cmd: OperationCommand): HandlerResult {
  if (cmd.type === 'operation.activate') return activate(ctx, actor, cmd.commandId, cmd.payload);
  const before = loadOperation(ctx, cmd.payload.operationId);
  const taskId = 'taskId' in cmd.payload ? cmd.payload.taskId : undefined;
  const task = taskId === undefined ? undefined : before.tasks.find((t) => t.id === taskId);
  if (taskId !== undefined && !task) {
    // Say "not yours" before "no such task" to a liaison outside the operation.
    checkOperationPermission(actor, ACTION_OF[cmd.type], before);
    throw new OperationError('unknown_task', `operation ${before.id} has no task ${taskId}`);
  }
  checkOperationPermission(actor, ACTION_OF[cmd.type], before, task);
  if (cmd.expectedVersion !== null && cmd.expectedVersion !== before.version) {
    throw Object.assign(new DomainError('conflict', `operation ${before.id} changed: you saw version ${cmd.expectedVersion}, it is now ${before.version}`), { currentVersion: before.version });
  }
  const s: Stamp = { at: ctx.now, by: actor.userId };
  const detail: Record<string, unknown> = taskId ? { taskId } : {};
  let op: Operation;
  switch (cmd.type) {
    case 'operation.escalate':
    case 'operation.deescalate': {
      const plan = loadPlans().plan(before.planId);
      op = cmd.type === 'operation.escalate' ? escalate(before, plan, cmd.payload.level, cmd.payload.reason, s) : deescalate(before, plan, cmd.payload.level, cmd.payload.reason, s);
      Object.assign(detail, { from: before.level, to: op.level, reason: cmd.payload.reason });
      break;
    }
    case 'operation.reassign':
      checkDepartment(ctx, cmd.payload.department);
      op = reassignTask(before, cmd.payload.taskId, cmd.payload.department, cmd.payload.note, s);
      Object.assign(detail, { from: task!.department, to: cmd.payload.department });
      break;
    case 'operation.addTask': {
      checkDepartment(ctx, cmd.payload.department);
      const r = addTask(before, cmd.payload, s);
      op = r.operation;
      Object.assign(detail, { taskId: r.taskId, department: cmd.payload.department });
      break;
    }
    case 'operation.acknowledgeTask':
      op = acknowledgeTask(before, cmd.payload.taskId, s);
      break;
    case 'operation.reportTask':
      op = reportTask(before, cmd.payload.taskId, cmd.payload.text, cmd.payload.done, s);
      Object.assign(detail, { done: cmd.payload.done });
      break;
    case 'operation.assignUnit': {
      const row = prepared(ctx.db, 'SELECT state FROM units WHERE id = ?').get(cmd.payload.unitId) as { state: string } | undefined;
      if (!row) throw new DomainError('not_found', `unit ${cmd.payload.unitId} does not exist`);
      const unit = JSON.parse(row.state) as Unit;
      // A department sends its own units; the coordinator may send anyone's.
      if (actor.role === 'liaison' && unit.departmentCode !== actor.departmentCode) throw new OperationError('forbidden', `unit ${unit.id} belongs to ${unit.departmentCode}`);
      op = assignUnit(before, cmd.payload.taskId, unit.id, s);
      Object.assign(detail, { unitId: unit.id });
      break;
    }
    case 'operation.logEntry':
      op = logEntry(before, cmd.payload.text, s);
      break;
    case 'operation.standDown':
      op = standDown(before, cmd.payload.summary, cmd.payload.overrideReason, s);
      if (cmd.payload.overrideReason?.trim()) detail.overrideReason = cmd.payload.overrideReason.trim();
      break;
  }
  emitOperation(ctx, EVENT_OF[cmd.type], op, before, actor, cmd.commandId, detail);
  return { entityId: op.id, version: op.version, before, after: op };
}
