/**
 * The operation board's pure parts: ordering, tasks per department, task timeliness, the cases
 * of an operation, an area around cases, who did what, and the situation report (文字快报)
 * generated from the command log. No React, no store: tested in Node.
 */
import { geometryContains } from '../../../shared/domain/regions';
import { LEVEL_NUMERALS, OPEN_TASK_STATUSES, openRequiredTasks, tasksFor, type Plan, type PlanTask, type ResponseLevel, type TaskStatus } from '../../../shared/domain/operations';
import type { Case, LngLat, Operation, OperationTask, Polygon } from '../../../shared/protocol/entities';

/** Active first, the highest level (smallest number) first, then the newest. */
export function compareOperations(a: Operation, b: Operation): number {
  if (a.status !== b.status) return a.status === 'active' ? -1 : 1;
  if (a.status === 'active' && a.level !== b.level) return a.level - b.level;
  return b.activatedAt - a.activatedAt;
}

/** Screen colours of the four levels (red, orange, yellow, blue), as the wall shows them. */
export const LEVEL_HEX: Record<ResponseLevel, string> = { 1: '#ff4d4f', 2: '#ff922b', 3: '#fcc419', 4: '#4dabf7' };

export const levelNumeral = (level: ResponseLevel) => LEVEL_NUMERALS[level];

/** The stood-down operations, the latest stand-down first: what the list page offers to read back. */
export function stoodDownOperations(ops: readonly Operation[]): Operation[] {
  const end = (o: Operation) => o.stoodDownAt ?? o.updatedAt;
  return ops.filter((o) => o.status === 'stood_down').sort((a, b) => end(b) - end(a) || b.id.localeCompare(a.id));
}

/** The highest level (smallest number) an operation was ever at, from its log: Ⅱ for one escalated to Ⅱ and stood down from Ⅲ. */
export function peakLevel(op: Pick<Operation, 'level' | 'log'>): ResponseLevel {
  return Math.min(op.level, ...op.log.map((e) => e.level)) as ResponseLevel;
}

/** Who stood the operation down (the log's stand-down entry), and whether open required tasks were passed over with a reason. */
export function standDownOf(op: Pick<Operation, 'log'>): { by: string | null; overridden: boolean } {
  const entry = [...op.log].reverse().find((e) => e.kind === 'stood_down');
  return { by: entry?.by ?? null, overridden: op.log.some((e) => e.kind === 'override') };
}

export interface PlanDepartmentTasks {
  department: string;
  /** The plan's tasks of this department in force at the level, each with the level that adds it (Ⅳ's first). */
  tasks: Array<PlanTask & { level: ResponseLevel }>;
}

/** What a plan asks of each department at a level (the levels below it included): the leading department first, then in the plan's order. */
export function planTasksByDepartment(plan: Plan, level: ResponseLevel): PlanDepartmentTasks[] {
  const groups = new Map<string, Array<PlanTask & { level: ResponseLevel }>>([[plan.lead, []]]);
  for (const t of tasksFor(plan, level)) groups.set(t.department, [...(groups.get(t.department) ?? []), t]);
  return [...groups].filter(([, tasks]) => tasks.length > 0).map(([department, tasks]) => ({ department, tasks }));
}

/** A task's clock: open work counts down to its deadline; finished work has none. */
export type TaskTimeliness = 'ok' | 'due_soon' | 'overdue' | 'none';
export const TASK_DUE_SOON_MS = 15 * 60_000;

export function taskTimeliness(t: Pick<OperationTask, 'status' | 'dueAt'>, now: number): TaskTimeliness {
  if (!OPEN_TASK_STATUSES.includes(t.status)) return 'none';
  if (now > t.dueAt) return 'overdue';
  return t.dueAt - now <= TASK_DUE_SOON_MS ? 'due_soon' : 'ok';
}

const STATUS_ORDER: Record<TaskStatus, number> = { open: 0, acknowledged: 1, done: 2, cancelled: 3 };

export interface DepartmentTasks {
  department: string;
  tasks: OperationTask[];
  done: number;
  /** Tasks that still count (not cancelled). */
  total: number;
  overdue: number;
  /** The earliest deadline of its open tasks (Infinity: none open). */
  nextDue: number;
}

/** Tasks per department: departments with overdue work first, then by their next deadline; inside, open before done, earliest due first. */
export function tasksByDepartment(op: Pick<Operation, 'tasks'>, now: number): DepartmentTasks[] {
  const groups = new Map<string, OperationTask[]>();
  for (const t of op.tasks) groups.set(t.department, [...(groups.get(t.department) ?? []), t]);
  return [...groups].map(([department, tasks]) => ({
    department,
    tasks: [...tasks].sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || a.dueAt - b.dueAt || a.id.localeCompare(b.id)),
    done: tasks.filter((t) => t.status === 'done').length,
    total: tasks.filter((t) => t.status !== 'cancelled').length,
    overdue: tasks.filter((t) => taskTimeliness(t, now) === 'overdue').length,
    nextDue: Math.min(...tasks.filter((t) => OPEN_TASK_STATUSES.includes(t.status)).map((t) => t.dueAt)),
  })).sort((a, b) => b.overdue - a.overdue || a.nextDue - b.nextDue || a.department.localeCompare(b.department));
}

export interface TaskCounts {
  total: number;
  open: number;
  acknowledged: number;
  done: number;
  cancelled: number;
  overdue: number;
  requiredOpen: number;
}

export function taskCounts(op: Pick<Operation, 'tasks'>, now: number): TaskCounts {
  const c: TaskCounts = { total: op.tasks.length, open: 0, acknowledged: 0, done: 0, cancelled: 0, overdue: 0, requiredOpen: openRequiredTasks(op).length };
  for (const t of op.tasks) {
    c[t.status] += 1;
    if (taskTimeliness(t, now) === 'overdue') c.overdue += 1;
  }
  return c;
}

/** Units on any task of the operation, each with the tasks it serves. */
export function assignedUnits(op: Pick<Operation, 'tasks'>): Array<{ unitId: string; taskIds: string[] }> {
  const map = new Map<string, string[]>();
  for (const t of op.tasks) for (const u of t.assignedUnits) map.set(u, [...(map.get(u) ?? []), t.id]);
  return [...map].map(([unitId, taskIds]) => ({ unitId, taskIds })).sort((a, b) => a.unitId.localeCompare(b.unitId));
}

/** The operation's cases (those it was activated for) and the other cases inside its area. */
export function casesOfOperation(op: Pick<Operation, 'caseIds' | 'area'>, cases: readonly Case[]): { linked: Case[]; inArea: Case[] } {
  const ids = new Set(op.caseIds);
  const linked = cases.filter((c) => ids.has(c.id));
  const area = op.area;
  const inArea = area ? cases.filter((c) => !ids.has(c.id) && geometryContains(area, c.point)) : [];
  return { linked, inArea };
}

/** Degrees of latitude per metre (and of longitude at Shanghai's latitude, ≈31°N). */
const LAT_PER_M = 1 / 111_320;
const LNG_PER_M = 1 / (111_320 * Math.cos((31.1 * Math.PI) / 180));

/** A rectangle around the points with `marginM` metres on every side (an activation's default area), or null without points. */
export function areaAround(points: readonly LngLat[], marginM = 800): Polygon | null {
  if (!points.length) return null;
  const lngs = points.map((p) => p[0]);
  const lats = points.map((p) => p[1]);
  const round = (x: number) => Math.round(x * 1e6) / 1e6;
  const w = round(Math.min(...lngs) - marginM * LNG_PER_M);
  const e = round(Math.max(...lngs) + marginM * LNG_PER_M);
  const s = round(Math.min(...lats) - marginM * LAT_PER_M);
  const n = round(Math.max(...lats) + marginM * LAT_PER_M);
  return { type: 'Polygon', coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]] };
}

/** Middle of an area's outer ring's bounding box (where the board's map looks). */
export function areaCenter(area: Polygon | null): LngLat | null {
  const ring = area?.coordinates[0];
  if (!ring?.length) return null;
  const lngs = ring.map((p) => p[0]);
  const lats = ring.map((p) => p[1]);
  return [(Math.min(...lngs) + Math.max(...lngs)) / 2, (Math.min(...lats) + Math.max(...lats)) / 2];
}

export type Translate = (key: string, options?: Record<string, unknown>) => string;

export interface ReportContext {
  t: Translate;
  now: number;
  planName: string;
  department(code: string): string;
  user(id: string): string;
  /** Log text as shown (codes to names); default: as stored. */
  readable?(text: string): string;
  time(ms: number): string;
  dateTime(ms: number): string;
  span(ms: number): string;
  cases: readonly Case[];
}

/**
 * The situation report (文字快报) as plain text, from the operation's state and its command log:
 * what the coordinator edits and exports. Every log line keeps its time and who made it.
 */
export function situationReport(op: Operation, ctx: ReportContext): string {
  const { t } = ctx;
  const counts = taskCounts(op, ctx.now);
  const level = t('operation.levelName', { numeral: levelNumeral(op.level), color: t(`operation.color.${op.level}`) });
  const lines: string[] = [
    t('operation.report.heading', { id: op.id }),
    t('operation.report.plan', { plan: ctx.planName, level }),
    t('operation.report.status', { status: t(`operation.status.${op.status}`) }),
    t('operation.report.activated', { time: ctx.dateTime(op.activatedAt), by: ctx.user(op.activatedBy), span: ctx.span((op.stoodDownAt ?? ctx.now) - op.activatedAt) }),
  ];
  if (op.caseIds.length) lines.push(t('operation.report.cases', { count: op.caseIds.length, ids: op.caseIds.join(', ') }));
  for (const c of ctx.cases.slice(0, 20)) lines.push(`  · ${c.id} ${c.address || ''} ${c.description || ''}`.trimEnd());
  lines.push(t('operation.report.tasks', { ...counts, active: counts.open + counts.acknowledged }));
  for (const g of tasksByDepartment(op, ctx.now)) {
    lines.push(t('operation.report.department', { department: ctx.department(g.department), done: g.done, total: g.total, overdue: g.overdue }));
  }
  if (op.summary) lines.push(t('operation.report.summary', { summary: op.summary }));
  lines.push('', t('operation.report.log'));
  for (const e of op.log) lines.push(`${ctx.dateTime(e.at)} ${ctx.user(e.by)} [${levelNumeral(e.level)}] ${ctx.readable ? ctx.readable(e.text) : e.text}`);
  lines.push('', t('operation.report.generated', { time: ctx.dateTime(ctx.now) }));
  return lines.join('\n');
}

const TOKEN_EDGE = '(?<![A-Za-z0-9_-])';
const TOKEN_END = '(?![A-Za-z0-9_-])';
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The hub writes log lines and task reports with codes (`police签收任务tf-iii-03`, `（water）`):
 * stable in the record, unreadable on a board. Shown, department codes become their names and
 * task ids the task's title; the stored text is unchanged (the export keeps both meanings).
 */
export function readableLogText(text: string, op: Pick<Operation, 'tasks'>, departmentCodes: Iterable<string>, department: (code: string) => string, lang: string): string {
  const tasks = new Map(op.tasks.map((t) => [t.id, lang.startsWith('zh') ? t.title : (t.titleEn || t.title)]));
  const codes = [...new Set([...departmentCodes, ...op.tasks.map((t) => t.department)])];
  const tokens = [...tasks.keys(), ...codes].sort((a, b) => b.length - a.length).map(escapeRe);
  if (!tokens.length) return text;
  return text.replace(new RegExp(`${TOKEN_EDGE}(${tokens.join('|')})${TOKEN_END}`, 'g'), (m) => {
    const title = tasks.get(m);
    if (title !== undefined) return lang.startsWith('zh') ? `「${title}」` : `"${title}"`;
    const name = department(m);
    return name === m ? m : lang.startsWith('zh') ? name : ` ${name} `;
  }).replace(/ {2,}/g, ' ');
}
