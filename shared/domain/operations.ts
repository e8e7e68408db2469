/**
 * Emergency command (ARCHITECTURE §3 "Plans and operations"): response plans (预案) per hazard with
 * tasks per department per response level Ⅰ–Ⅳ, and the rules of an operation — a plan
 * activated at a level, escalated, de-escalated and stood down. Pure: the hub applies these
 * rules, the UI asks them what an action would do. Plans are data (resources/plans/plans.json).
 *
 * Levels are numbers as in the Emergency Response Law: 1 (Ⅰ, 特别重大, red) is the highest,
 * 4 (Ⅳ, 一般, blue) the lowest. A level's tasks are those it adds to the levels below it, so
 * the tasks of level L are the plan's tasks of levels 4 down to L.
 */
import { z } from 'zod';
import { DEPARTMENT_CODES } from './catalog';
import { DomainError, type ErrorCode } from './errors';
import type { Actor } from './roles';
import type { Operation, OperationLogEntry, OperationTask } from '../protocol/entities';

// ── Vocabulary ──────────────────────────────────────────────────────────────────────────────

export const HAZARDS = ['typhoon-flood', 'fire', 'gas-hazmat', 'road-collapse', 'mass-gathering', 'public-health', 'power-water-outage'] as const;
export type Hazard = (typeof HAZARDS)[number];

/** The Emergency Response Law's four types of emergencies. */
export const EVENT_TYPES = ['natural', 'accident', 'public_health', 'social_security'] as const;

export const RESPONSE_LEVELS = [1, 2, 3, 4] as const;
export type ResponseLevel = (typeof RESPONSE_LEVELS)[number];
export const ResponseLevelSchema = z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]);

export const LEVEL_COLORS = { 1: 'red', 2: 'orange', 3: 'yellow', 4: 'blue' } as const satisfies Record<ResponseLevel, string>;
export const LEVEL_NUMERALS = { 1: 'Ⅰ', 2: 'Ⅱ', 3: 'Ⅲ', 4: 'Ⅳ' } as const satisfies Record<ResponseLevel, string>;

export const OPERATION_STATUSES = ['active', 'stood_down'] as const;
export type OperationStatus = (typeof OPERATION_STATUSES)[number];

export const TASK_STATUSES = ['open', 'acknowledged', 'done', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
/** A task still to be done: stand-down waits for the required ones. */
export const OPEN_TASK_STATUSES: readonly TaskStatus[] = ['open', 'acknowledged'];

export const LOG_KINDS = [
  'activated', 'escalated', 'deescalated', 'task_added', 'task_reassigned', 'task_acknowledged',
  'task_done', 'unit_assigned', 'note', 'override', 'stood_down',
] as const;
export type LogKind = (typeof LOG_KINDS)[number];

/** Bounds that keep an operation's full state (sent in every event) a sensible size. */
export const OPERATION_LIMITS = { caseIds: 1000, tasks: 200, log: 2000, reportsPerTask: 100, unitsPerTask: 50, text: 2000 } as const;

/** Id of a task added by hand (plan tasks keep their plan ids). */
export const ADHOC_TASK_PREFIX = 'adhoc-';

// ── Errors ──────────────────────────────────────────────────────────────────────────────────

export const OPERATION_REFUSALS = {
  unknown_plan: 'not_found',
  unknown_level: 'invalid_input',
  unknown_task: 'not_found',
  unknown_department: 'unknown_department',
  not_higher: 'invalid_transition',
  not_lower: 'invalid_transition',
  stood_down: 'invalid_transition',
  required_tasks_open: 'invalid_transition',
  task_closed: 'invalid_transition',
  already_acknowledged: 'invalid_transition',
  unit_already_assigned: 'invalid_input',
  same_department: 'invalid_input',
  limit_reached: 'invalid_input',
  empty_text: 'invalid_input',
  invalid_plans: 'invalid_input',
  forbidden: 'forbidden',
  out_of_scope: 'out_of_scope',
} as const satisfies Record<string, ErrorCode>;
export type OperationRefusal = keyof typeof OPERATION_REFUSALS;

/** A refusal with its wire code (`code`) and the precise reason (`reason`) for tests and the UI. */
export class OperationError extends DomainError {
  readonly reason: OperationRefusal;
  constructor(reason: OperationRefusal, message: string) {
    super(OPERATION_REFUSALS[reason], message);
    this.name = 'OperationError';
    this.reason = reason;
  }
}

// ── Plans ───────────────────────────────────────────────────────────────────────────────────

const Bilingual = z.strictObject({ zh: z.string().min(1), en: z.string().min(1) });
const DepartmentSchema = z.enum(DEPARTMENT_CODES);

export const PlanTaskSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,47}$/, 'a task id is lowercase letters, digits and -'),
  department: DepartmentSchema,
  title: z.string().min(1).max(200),
  titleEn: z.string().min(1).max(200),
  /** Minutes after the task's level was activated (activation or escalation). */
  dueMinutes: z.number().int().positive().max(7 * 24 * 60),
  /** Stand-down waits for required tasks (unless overridden with a reason). */
  required: z.boolean(),
});
export type PlanTask = z.infer<typeof PlanTaskSchema>;

export const PlanResourceSchema = z.strictObject({
  department: DepartmentSchema,
  item: z.string().min(1),
  itemEn: z.string().min(1),
  quantity: z.number().int().positive(),
  unit: z.string().min(1),
  unitEn: z.string().min(1),
});
export type PlanResource = z.infer<typeof PlanResourceSchema>;

export const PlanNotificationSchema = z.strictObject({
  to: z.string().min(1),
  toEn: z.string().min(1),
  channel: z.enum(['phone', 'report', 'system', 'public']),
  withinMinutes: z.number().int().positive(),
});
export type PlanNotification = z.infer<typeof PlanNotificationSchema>;

export const PlanLevelSchema = z.strictObject({
  level: ResponseLevelSchema,
  criteria: z.strictObject({ activate: Bilingual, escalate: Bilingual, standDown: Bilingual }),
  /** What this level adds to the levels below it. */
  tasks: z.array(PlanTaskSchema),
  resources: z.array(PlanResourceSchema),
  notifications: z.array(PlanNotificationSchema),
});
export type PlanLevel = z.infer<typeof PlanLevelSchema>;

export const PlanSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]{1,64}$/),
  hazard: z.enum(HAZARDS),
  eventType: z.enum(EVENT_TYPES),
  /** The department that leads (牵头部门). */
  lead: DepartmentSchema,
  name: z.string().min(1),
  nameEn: z.string().min(1),
  /** Catalog classes whose cases suggest this plan. */
  categoryCodes: z.array(z.string().regex(/^\d{5}$/)),
  levels: z.array(PlanLevelSchema).length(4),
});
export type Plan = z.infer<typeof PlanSchema>;

export const LevelInfoSchema = z.strictObject({
  level: ResponseLevelSchema,
  numeral: z.string().min(1),
  grade: z.string().min(1),
  gradeEn: z.string().min(1),
  color: z.enum(['red', 'orange', 'yellow', 'blue']),
  colorZh: z.string().min(1),
});
export type LevelInfo = z.infer<typeof LevelInfoSchema>;

export const PlansFileSchema = z.strictObject({
  version: z.string().min(1),
  source: z.string().min(1),
  levels: z.array(LevelInfoSchema).length(4),
  plans: z.array(PlanSchema).min(1),
});

export interface PlanBook {
  version: string;
  levels: readonly LevelInfo[];
  plans: readonly Plan[];
  /** Throws OperationError('unknown_plan'). */
  plan(id: string): Plan;
  byHazard(hazard: Hazard): Plan | null;
}

/**
 * Validates the plans file: the schema, each plan's four levels once each, task ids unique
 * across the whole file (an operation's task id names its plan task for good), and — when
 * given — departments that exist in the district.
 */
export function parsePlans(json: unknown, opts: { departments?: Iterable<string> } = {}): PlanBook {
  const parsed = PlansFileSchema.safeParse(json);
  if (!parsed.success) throw new OperationError('invalid_plans', `plans: ${z.prettifyError(parsed.error)}`);
  const file = parsed.data;
  const problems: string[] = [];
  const known = opts.departments ? new Set(opts.departments) : null;
  const seenPlans = new Set<string>();
  const seenHazards = new Set<string>();
  const seenTasks = new Set<string>();
  if ([...new Set(file.levels.map((l) => l.level))].length !== 4) problems.push('levels: each of 1–4 once');
  for (const p of file.plans) {
    if (seenPlans.has(p.id)) problems.push(`plan ${p.id}: id used twice`);
    seenPlans.add(p.id);
    if (seenHazards.has(p.hazard)) problems.push(`plan ${p.id}: a second plan for hazard ${p.hazard}`);
    seenHazards.add(p.hazard);
    const levels = p.levels.map((l) => l.level).sort();
    if (levels.join() !== '1,2,3,4') problems.push(`plan ${p.id}: levels must be 1, 2, 3, 4 once each (got ${levels.join(', ')})`);
    for (const l of p.levels) {
      if (l.level === 4 && l.tasks.length === 0) problems.push(`plan ${p.id}: level 4 has no tasks`);
      for (const t of l.tasks) {
        if (t.id.startsWith(ADHOC_TASK_PREFIX)) problems.push(`plan ${p.id}: task id ${t.id} uses the reserved prefix ${ADHOC_TASK_PREFIX}`);
        if (seenTasks.has(t.id)) problems.push(`plan ${p.id}: task id ${t.id} used twice`);
        seenTasks.add(t.id);
      }
      if (known) {
        for (const d of [...l.tasks, ...l.resources].map((x) => x.department)) {
          if (!known.has(d)) problems.push(`plan ${p.id} level ${l.level}: unknown department ${d}`);
        }
      }
    }
    if (known && !known.has(p.lead)) problems.push(`plan ${p.id}: unknown lead department ${p.lead}`);
  }
  if (problems.length) throw new OperationError('invalid_plans', `plans: ${problems.join('; ')}`);
  const byId = new Map(file.plans.map((p) => [p.id, p]));
  return {
    version: file.version,
    levels: [...file.levels].sort((a, b) => a.level - b.level),
    plans: file.plans,
    plan(id) {
      const p = byId.get(id);
      if (!p) throw new OperationError('unknown_plan', `no plan ${id}`);
      return p;
    },
    byHazard: (hazard) => file.plans.find((p) => p.hazard === hazard) ?? null,
  };
}

export function checkLevel(level: unknown): ResponseLevel {
  if (!RESPONSE_LEVELS.includes(level as ResponseLevel)) throw new OperationError('unknown_level', `response level ${String(level)} is not one of 1–4 (Ⅰ–Ⅳ)`);
  return level as ResponseLevel;
}

function planLevel(plan: Plan, level: ResponseLevel): PlanLevel {
  const l = plan.levels.find((x) => x.level === level);
  if (!l) throw new OperationError('unknown_level', `plan ${plan.id} has no level ${level}`);
  return l;
}

/** Levels in force at `level`: from Ⅳ up to it (4, 3, … level). */
function levelsUpTo(level: ResponseLevel): ResponseLevel[] {
  return RESPONSE_LEVELS.filter((l) => l >= level).sort((a, b) => b - a);
}

/** The plan's tasks at `level`: the lower levels' first (Ⅳ, Ⅲ, …), each with the level that adds it. */
export function tasksFor(plan: Plan, level: ResponseLevel): Array<PlanTask & { level: ResponseLevel }> {
  checkLevel(level);
  return levelsUpTo(level).flatMap((l) => planLevel(plan, l).tasks.map((t) => ({ ...t, level: l })));
}

/** Resources at `level`: what each level adds, summed per department and item. */
export function resourcesFor(plan: Plan, level: ResponseLevel): PlanResource[] {
  checkLevel(level);
  const sum = new Map<string, PlanResource>();
  for (const r of levelsUpTo(level).flatMap((l) => planLevel(plan, l).resources)) {
    const key = `${r.department}\u0000${r.item}`;
    const known = sum.get(key);
    sum.set(key, known ? { ...known, quantity: known.quantity + r.quantity } : { ...r });
  }
  return [...sum.values()];
}

/** Notifications at `level`: the lower levels' and this level's. */
export function notificationsFor(plan: Plan, level: ResponseLevel): Array<PlanNotification & { level: ResponseLevel }> {
  checkLevel(level);
  return levelsUpTo(level).flatMap((l) => planLevel(plan, l).notifications.map((n) => ({ ...n, level: l })));
}

export function criteriaFor(plan: Plan, level: ResponseLevel): PlanLevel['criteria'] {
  return planLevel(plan, checkLevel(level)).criteria;
}

// ── Operations ──────────────────────────────────────────────────────────────────────────────

/** Who acts and when: every decision is stamped with both. */
export interface Stamp {
  at: number;
  by: string;
}

export function levelName(level: ResponseLevel): string {
  return `${LEVEL_NUMERALS[level]}级响应（${({ 1: '红色', 2: '橙色', 3: '黄色', 4: '蓝色' } as const)[level]}）`;
}

/** The departments with a task in the operation: a liaison sees the operations of theirs. */
export function operationDepartments(op: Pick<Operation, 'tasks'>): string[] {
  return [...new Set(op.tasks.map((t) => t.department))].sort();
}

export function openRequiredTasks(op: Pick<Operation, 'tasks'>): OperationTask[] {
  return op.tasks.filter((t) => t.required && OPEN_TASK_STATUSES.includes(t.status));
}

function text(s: string, what: string, max: number = OPERATION_LIMITS.text): string {
  const t = s.trim();
  if (!t) throw new OperationError('empty_text', `${what} must not be empty`);
  if (t.length > max) throw new OperationError('limit_reached', `${what} is longer than ${max} characters`);
  return t;
}

function assertActive(op: Operation): void {
  if (op.status !== 'active') throw new OperationError('stood_down', `operation ${op.id} was stood down`);
}

function log(op: Operation, s: Stamp, kind: LogKind, body: string, taskId: string | null = null): OperationLogEntry[] {
  // The last two places are kept for the stand-down (override + stood_down): it is never blocked.
  const cap = kind === 'stood_down' || kind === 'override' ? OPERATION_LIMITS.log : OPERATION_LIMITS.log - 2;
  if (op.log.length >= cap) throw new OperationError('limit_reached', `operation ${op.id}: the command log is full (${OPERATION_LIMITS.log} entries)`);
  return [...op.log, { at: s.at, by: s.by, kind, text: body.slice(0, OPERATION_LIMITS.text), level: op.level, taskId }];
}

/** The next state: version + 1, stamped. */
function next(op: Operation, s: Stamp, patch: Partial<Operation>): Operation {
  return { ...op, ...patch, version: op.version + 1, updatedAt: s.at };
}

function findTask(op: Operation, taskId: string): OperationTask {
  const t = op.tasks.find((x) => x.id === taskId);
  if (!t) throw new OperationError('unknown_task', `operation ${op.id} has no task ${taskId}`);
  return t;
}

function replaceTask(op: Operation, task: OperationTask): OperationTask[] {
  return op.tasks.map((t) => (t.id === task.id ? task : t));
}

function fromPlan(t: PlanTask & { level: ResponseLevel }, at: number): OperationTask {
  return {
    id: t.id, department: t.department, title: t.title, titleEn: t.titleEn, dueAt: at + t.dueMinutes * 60_000,
    required: t.required, status: 'open', fromLevel: t.level, assignedUnits: [], reports: [],
  };
}

export interface ActivateInput {
  id: string;
  caseIds: readonly string[];
  subdistrictCodes: readonly string[];
  area?: Operation['area'];
  note?: string | undefined;
}

/** A plan activated at `level`: one task per plan task in force, due `dueMinutes` after now. */
export function activateOperation(plan: Plan, level: ResponseLevel, input: ActivateInput, s: Stamp): Operation {
  checkLevel(level);
  const caseIds = [...new Set(input.caseIds)];
  if (caseIds.length > OPERATION_LIMITS.caseIds) throw new OperationError('limit_reached', `at most ${OPERATION_LIMITS.caseIds} cases per operation`);
  const tasks = tasksFor(plan, level).map((t) => fromPlan(t, s.at));
  const note = input.note?.trim();
  const op: Operation = {
    id: input.id, version: 1, planId: plan.id, hazard: plan.hazard, level, status: 'active',
    caseIds, area: input.area ?? null, subdistrictCodes: [...new Set(input.subdistrictCodes)].sort(),
    tasks, log: [], activatedAt: s.at, activatedBy: s.by, stoodDownAt: null, summary: null, updatedAt: s.at,
  };
  op.log = log(op, s, 'activated', `启动${plan.name}${levelName(level)}，${tasks.length}项任务，涉及${operationDepartments(op).length}个部门${note ? `。${note}` : ''}`);
  return op;
}

/**
 * To a higher level (a smaller number): the new level's plan tasks are added, due from now;
 * a plan task cancelled by an earlier de-escalation is reopened under the same id; nothing
 * already there changes.
 */
export function escalate(op: Operation, plan: Plan, toLevel: ResponseLevel, reason: string, s: Stamp): Operation {
  assertActive(op);
  checkLevel(toLevel);
  if (toLevel >= op.level) throw new OperationError('not_higher', `level ${toLevel} is not higher than the current level ${op.level} (Ⅰ is the highest)`);
  const why = text(reason, 'the reason');
  const have = new Map(op.tasks.map((t) => [t.id, t]));
  const tasks = [...op.tasks];
  let added = 0;
  let reopened = 0;
  for (const pt of tasksFor(plan, toLevel)) {
    const known = have.get(pt.id);
    if (!known) {
      tasks.push(fromPlan(pt, s.at));
      added++;
    } else if (known.status === 'cancelled') {
      const again: OperationTask = { ...known, status: 'open', dueAt: s.at + pt.dueMinutes * 60_000, reports: [...known.reports, { at: s.at, by: s.by, text: `升级至${levelName(toLevel)}，任务重新启用` }] };
      tasks[tasks.findIndex((t) => t.id === pt.id)] = again;
      reopened++;
    }
  }
  if (tasks.length > OPERATION_LIMITS.tasks) throw new OperationError('limit_reached', `at most ${OPERATION_LIMITS.tasks} tasks per operation`);
  const raised = { ...op, level: toLevel };
  return next(op, s, { level: toLevel, tasks, log: log(raised, s, 'escalated', `由${levelName(op.level)}升级为${levelName(toLevel)}，新增${added}项任务${reopened ? `，重新启用${reopened}项` : ''}。理由：${why}`) });
}

/**
 * To a lower level (a larger number). No task is removed: those of the higher levels stay,
 * marked by their `fromLevel`; the ones nobody has started (open) are cancelled, the ones a
 * department acknowledged stay with it to be reported on.
 */
export function deescalate(op: Operation, plan: Plan, toLevel: ResponseLevel, reason: string, s: Stamp): Operation {
  assertActive(op);
  checkLevel(toLevel);
  if (toLevel <= op.level) throw new OperationError('not_lower', `level ${toLevel} is not lower than the current level ${op.level} (Ⅳ is the lowest)`);
  planLevel(plan, toLevel);
  const why = text(reason, 'the reason');
  let cancelled = 0;
  const tasks = op.tasks.map((t) => {
    if (t.fromLevel === null || t.fromLevel >= toLevel || t.status !== 'open') return t;
    cancelled++;
    return { ...t, status: 'cancelled' as const, reports: [...t.reports, { at: s.at, by: s.by, text: `降级至${levelName(toLevel)}，任务取消` }] };
  });
  const lowered = { ...op, level: toLevel };
  return next(op, s, { level: toLevel, tasks, log: log(lowered, s, 'deescalated', `由${levelName(op.level)}降级为${levelName(toLevel)}，取消${cancelled}项未开始的任务。理由：${why}`) });
}

/** Gives a task to another department, which must acknowledge it afresh. */
export function reassignTask(op: Operation, taskId: string, department: string, note: string | undefined, s: Stamp): Operation {
  assertActive(op);
  const t = findTask(op, taskId);
  if (t.status === 'done' || t.status === 'cancelled') throw new OperationError('task_closed', `task ${taskId} is ${t.status}`);
  if (t.department === department) throw new OperationError('same_department', `task ${taskId} is already with ${department}`);
  if (t.reports.length >= OPERATION_LIMITS.reportsPerTask) throw new OperationError('limit_reached', `task ${taskId} has ${OPERATION_LIMITS.reportsPerTask} reports already`);
  const extra = note?.trim();
  const moved: OperationTask = { ...t, department, status: 'open', assignedUnits: [], reports: [...t.reports, { at: s.at, by: s.by, text: `由${t.department}改派至${department}${extra ? `：${extra}` : ''}`.slice(0, OPERATION_LIMITS.text) }] };
  return next(op, s, { tasks: replaceTask(op, moved), log: log(op, s, 'task_reassigned', `任务${taskId}由${t.department}改派至${department}${extra ? `。${extra}` : ''}`, taskId) });
}

export interface NewTask {
  department: string;
  title: string;
  titleEn?: string | undefined;
  dueMinutes: number;
  required: boolean;
}

/** A task of the coordinator's own (not in the plan): id `adhoc-N`, no `fromLevel`. */
export function addTask(op: Operation, input: NewTask, s: Stamp): { operation: Operation; taskId: string } {
  assertActive(op);
  if (op.tasks.length >= OPERATION_LIMITS.tasks) throw new OperationError('limit_reached', `at most ${OPERATION_LIMITS.tasks} tasks per operation`);
  const title = text(input.title, 'the title', 200);
  const titleEn = input.titleEn?.trim() ? text(input.titleEn, 'the English title', 200) : title;
  const n = 1 + op.tasks.reduce((m, t) => (t.id.startsWith(ADHOC_TASK_PREFIX) ? Math.max(m, Number(t.id.slice(ADHOC_TASK_PREFIX.length)) || 0) : m), 0);
  const task: OperationTask = {
    id: `${ADHOC_TASK_PREFIX}${n}`, department: input.department, title, titleEn,
    dueAt: s.at + Math.round(input.dueMinutes * 60_000), required: input.required, status: 'open', fromLevel: null, assignedUnits: [], reports: [],
  };
  const operation = next(op, s, { tasks: [...op.tasks, task], log: log(op, s, 'task_added', `新增任务${task.id}（${input.department}）：${title}${input.required ? '（必办）' : ''}`, task.id) });
  return { operation, taskId: task.id };
}

export function acknowledgeTask(op: Operation, taskId: string, s: Stamp): Operation {
  assertActive(op);
  const t = findTask(op, taskId);
  if (t.status === 'acknowledged') throw new OperationError('already_acknowledged', `task ${taskId} was already acknowledged`);
  if (t.status !== 'open') throw new OperationError('task_closed', `task ${taskId} is ${t.status}`);
  return next(op, s, { tasks: replaceTask(op, { ...t, status: 'acknowledged' }), log: log(op, s, 'task_acknowledged', `${t.department}签收任务${taskId}`, taskId) });
}

/** A progress report; `done` closes the task (an open task reported done counts as acknowledged too). */
export function reportTask(op: Operation, taskId: string, body: string, done: boolean, s: Stamp): Operation {
  assertActive(op);
  const t = findTask(op, taskId);
  if (!OPEN_TASK_STATUSES.includes(t.status)) throw new OperationError('task_closed', `task ${taskId} is ${t.status}`);
  if (t.reports.length >= OPERATION_LIMITS.reportsPerTask) throw new OperationError('limit_reached', `task ${taskId} has ${OPERATION_LIMITS.reportsPerTask} reports already`);
  const said = text(body, 'the report');
  const task: OperationTask = { ...t, status: done ? 'done' : t.status, reports: [...t.reports, { at: s.at, by: s.by, text: said }] };
  return next(op, s, { tasks: replaceTask(op, task), log: done ? log(op, s, 'task_done', `${t.department}完成任务${taskId}：${said}`, taskId) : op.log });
}

export function assignUnit(op: Operation, taskId: string, unitId: string, s: Stamp): Operation {
  assertActive(op);
  const t = findTask(op, taskId);
  if (!OPEN_TASK_STATUSES.includes(t.status)) throw new OperationError('task_closed', `task ${taskId} is ${t.status}`);
  if (t.assignedUnits.includes(unitId)) throw new OperationError('unit_already_assigned', `unit ${unitId} is already on task ${taskId}`);
  if (t.assignedUnits.length >= OPERATION_LIMITS.unitsPerTask) throw new OperationError('limit_reached', `task ${taskId} has ${OPERATION_LIMITS.unitsPerTask} units already`);
  return next(op, s, { tasks: replaceTask(op, { ...t, assignedUnits: [...t.assignedUnits, unitId] }), log: log(op, s, 'unit_assigned', `派出${unitId}执行任务${taskId}`, taskId) });
}

/** The coordinator's own entry in the command log; allowed after stand-down too (the record may be annotated). */
export function logEntry(op: Operation, body: string, s: Stamp): Operation {
  return next(op, s, { log: log(op, s, 'note', text(body, 'the entry')) });
}

/**
 * Why the operation may not be stood down now, or null when it may: refused once stood down,
 * and while required tasks are open unless an override reason is given.
 */
export function standDownRefusal(op: Operation, overrideReason?: string | null): OperationError | null {
  if (op.status !== 'active') return new OperationError('stood_down', `operation ${op.id} was already stood down`);
  const open = openRequiredTasks(op);
  if (open.length && !overrideReason?.trim()) {
    return new OperationError('required_tasks_open', `${open.length} required task(s) still open: ${open.map((t) => t.id).join(', ')}; finish them or give an override reason`);
  }
  return null;
}

/**
 * Ends the operation. Tasks still open are cancelled (recorded on each); an override is logged
 * with the required tasks it passed over, before the stand-down itself.
 */
export function standDown(op: Operation, summary: string, overrideReason: string | null | undefined, s: Stamp): Operation {
  const refusal = standDownRefusal(op, overrideReason);
  if (refusal) throw refusal;
  const said = text(summary, 'the summary');
  const open = openRequiredTasks(op);
  let entries = op.log;
  if (open.length) entries = log(op, s, 'override', `越过${open.length}项未完成的必办任务（${open.map((t) => t.id).join('、')}）结束响应。理由：${text(overrideReason ?? '', 'the override reason')}`);
  const tasks = op.tasks.map((t) => (OPEN_TASK_STATUSES.includes(t.status)
    ? { ...t, status: 'cancelled' as const, reports: [...t.reports, { at: s.at, by: s.by, text: '响应结束，任务关闭' }] }
    : t));
  entries = log({ ...op, log: entries }, s, 'stood_down', `结束${levelName(op.level)}。总结：${said}`);
  return next(op, s, { status: 'stood_down', stoodDownAt: s.at, summary: said, tasks, log: entries });
}

// ── Who may do what (the hub enforces; the UI asks to hide what is not allowed) ────────────

export const OPERATION_ACTIONS = [
  'activate', 'escalate', 'deescalate', 'reassign', 'addTask', 'acknowledgeTask', 'reportTask', 'assignUnit', 'logEntry', 'standDown',
] as const;
export type OperationAction = (typeof OPERATION_ACTIONS)[number];

const COMMANDERS = ['coordinator', 'admin'] as const;
/** Actions on one task: the liaison of the task's department may take them too. */
const TASK_ACTIONS: readonly OperationAction[] = ['acknowledgeTask', 'reportTask', 'assignUnit'];

/**
 * Throws forbidden / out_of_scope when `actor` may not take `action` (on `task` of `op`).
 * Coordinators (and admins) command; a liaison acts on their own department's tasks and does
 * not see operations without one; everyone else reads.
 */
export function checkOperationPermission(actor: Actor, action: OperationAction, op: Pick<Operation, 'id' | 'tasks'> | null, task?: Pick<OperationTask, 'id' | 'department'>): void {
  if ((COMMANDERS as readonly string[]).includes(actor.role)) return;
  if (actor.role === 'liaison' && op) {
    const dept = actor.departmentCode;
    if (!dept || !op.tasks.some((t) => t.department === dept)) throw new OperationError('out_of_scope', `operation ${op.id} has no task for your department`);
    if (TASK_ACTIONS.includes(action) && task && task.department === dept) return;
    throw new OperationError('forbidden', task && TASK_ACTIONS.includes(action) ? `task ${task.id} belongs to ${task.department}` : `a liaison may not ${action} an operation`);
  }
  throw new OperationError('forbidden', `role ${actor.role} may not ${action} an operation`);
}
