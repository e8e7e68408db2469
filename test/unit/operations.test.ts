// The rules of emergency operations (shared/domain/operations.ts) against the shipped plans.
// Expected task ids are written out by hand from resources/plans/plans.json.
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import { DEPARTMENT_CODES } from '../../shared/domain/catalog';
import {
  acknowledgeTask, activateOperation, addTask, assignUnit, checkOperationPermission, deescalate, escalate, HAZARDS, logEntry,
  notificationsFor, operationDepartments, OperationError, parsePlans, reassignTask, reportTask, resourcesFor, standDown,
  standDownRefusal, tasksFor, type OperationRefusal, type ResponseLevel,
} from '../../shared/domain/operations';
import { OperationSchema, type Operation } from '../../shared/protocol';

const RAW = JSON.parse(fs.readFileSync(new URL('../../resources/plans/plans.json', import.meta.url), 'utf8')) as unknown;
const departments = (JSON.parse(fs.readFileSync(new URL('../../resources/district/departments.json', import.meta.url), 'utf8')) as { items: { code: string }[] }).items.map((d) => d.code);
const book = parsePlans(RAW, { departments });
const typhoon = book.plan('typhoon-flood');

const T0 = Date.UTC(2026, 6, 28, 6, 0); // 14:00 Beijing
const MIN = 60_000;
const coordinator = { at: T0, by: 'u-coord' };
const at = (minutes: number, by = 'u-coord') => ({ at: T0 + minutes * MIN, by });

const TF_IV = ['tf-iv-01', 'tf-iv-02', 'tf-iv-03', 'tf-iv-04', 'tf-iv-05', 'tf-iv-06'];
const TF_III = ['tf-iii-01', 'tf-iii-02', 'tf-iii-03', 'tf-iii-04', 'tf-iii-05', 'tf-iii-06'];
const TF_II = ['tf-ii-01', 'tf-ii-02', 'tf-ii-03', 'tf-ii-04', 'tf-ii-05'];
const TF_I = ['tf-i-01', 'tf-i-02', 'tf-i-03', 'tf-i-04', 'tf-i-05'];

function refusal(fn: () => unknown): OperationRefusal | null {
  try {
    fn();
    return null;
  } catch (e) {
    if (e instanceof OperationError) return e.reason;
    throw e;
  }
}

function activate(level: ResponseLevel = 4): Operation {
  return activateOperation(typhoon, level, { id: 'OP20260728001', caseIds: ['MH2026072800001', 'MH2026072800002'], subdistrictCodes: ['310112114', '310112101', '310112114'] }, coordinator);
}

const statuses = (op: Operation) => Object.fromEntries(op.tasks.map((t) => [t.id, t.status]));

describe('the shipped plans', () => {
  it('cover every hazard at every level, with known departments and unique task ids', () => {
    expect(book.plans.map((p) => p.hazard).sort()).toEqual([...HAZARDS].sort());
    const ids = book.plans.flatMap((p) => p.levels.flatMap((l) => l.tasks.map((t) => t.id)));
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of book.plans) {
      expect(p.levels.map((l) => l.level).sort()).toEqual([1, 2, 3, 4]);
      for (const l of p.levels) {
        expect(l.tasks.length, `${p.id} level ${l.level}`).toBeGreaterThan(0);
        for (const t of l.tasks) expect(DEPARTMENT_CODES).toContain(t.department);
        expect(l.criteria.escalate.zh.length).toBeGreaterThan(0);
        expect(l.criteria.standDown.en.length).toBeGreaterThan(0);
      }
    }
    expect(book.levels.map((l) => [l.level, l.numeral, l.grade, l.color])).toEqual([
      [1, 'Ⅰ', '特别重大', 'red'], [2, 'Ⅱ', '重大', 'orange'], [3, 'Ⅲ', '较大', 'yellow'], [4, 'Ⅳ', '一般', 'blue'],
    ]);
  });

  it('higher levels include the lower levels\' tasks plus more', () => {
    for (const p of book.plans) {
      for (const [higher, lower] of [[1, 2], [2, 3], [3, 4]] as const) {
        const hi = tasksFor(p, higher).map((t) => t.id);
        const lo = tasksFor(p, lower).map((t) => t.id);
        expect(hi.slice(0, lo.length), `${p.id} ${higher}⊃${lower}`).toEqual(lo);
        expect(hi.length).toBeGreaterThan(lo.length);
      }
    }
  });

  it('gives the typhoon plan\'s tasks per level, lower levels first', () => {
    expect(tasksFor(typhoon, 4).map((t) => t.id)).toEqual(TF_IV);
    expect(tasksFor(typhoon, 3).map((t) => t.id)).toEqual([...TF_IV, ...TF_III]);
    expect(tasksFor(typhoon, 1).map((t) => t.id)).toEqual([...TF_IV, ...TF_III, ...TF_II, ...TF_I]);
    expect(tasksFor(typhoon, 3).find((t) => t.id === 'tf-iii-02')).toMatchObject({ department: 'housing', level: 3, dueMinutes: 120, required: true });
  });

  it('sums resources and accumulates notifications up the levels', () => {
    expect(resourcesFor(typhoon, 4).find((r) => r.item === '移动泵车')?.quantity).toBe(4);
    expect(resourcesFor(typhoon, 3).find((r) => r.item === '移动泵车')?.quantity).toBe(12);
    expect(notificationsFor(typhoon, 4).map((n) => n.to)).toEqual(['区委、区政府总值班室', '相关街镇城运分中心']);
    expect(notificationsFor(typhoon, 3).map((n) => n.level)).toEqual([4, 4, 3]);
  });

  it('refuses bad plan files with typed errors', () => {
    const bad = structuredClone(RAW) as { plans: Array<{ id: string; lead: string; levels: Array<{ tasks: Array<{ id: string; department: string }> }> }> };
    bad.plans[1]!.levels[0]!.tasks[0]!.id = 'tf-iv-01';
    expect(refusal(() => parsePlans(bad))).toBe('invalid_plans');
    expect(() => parsePlans(bad)).toThrow(/tf-iv-01 used twice/);
    const noDept = structuredClone(RAW) as typeof bad;
    noDept.plans[0]!.levels[0]!.tasks[0]!.department = 'water';
    expect(refusal(() => parsePlans(noDept, { departments: departments.filter((d) => d !== 'water') }))).toBe('invalid_plans');
    expect(refusal(() => parsePlans({ plans: [] }))).toBe('invalid_plans');
    expect(refusal(() => book.plan('earthquake'))).toBe('unknown_plan');
    expect(new OperationError('unknown_plan', 'x').code).toBe('not_found');
    expect(refusal(() => tasksFor(typhoon, 5 as ResponseLevel))).toBe('unknown_level');
    expect(refusal(() => tasksFor(typhoon, 0 as ResponseLevel))).toBe('unknown_level');
  });
});

describe('activation', () => {
  it('creates a task per plan task in force, due from the activation, and logs the decision', () => {
    const op = activate(3);
    expect(OperationSchema.parse(op)).toEqual(op);
    expect(op.tasks.map((t) => t.id)).toEqual([...TF_IV, ...TF_III]);
    expect(op.tasks.every((t) => t.status === 'open' && t.assignedUnits.length === 0 && t.reports.length === 0)).toBe(true);
    expect(op.tasks.find((t) => t.id === 'tf-iv-01')).toMatchObject({ department: 'water', dueAt: T0 + 30 * MIN, fromLevel: 4, required: true });
    expect(op.tasks.find((t) => t.id === 'tf-iii-06')).toMatchObject({ department: 'civil', dueAt: T0 + 180 * MIN, fromLevel: 3, required: false });
    expect(op).toMatchObject({ version: 1, level: 3, status: 'active', hazard: 'typhoon-flood', planId: 'typhoon-flood', activatedAt: T0, activatedBy: 'u-coord', stoodDownAt: null, summary: null, area: null });
    expect(op.subdistrictCodes).toEqual(['310112101', '310112114']);
    expect(operationDepartments(op)).toEqual(['civil', 'construction', 'enforcement', 'greening', 'hotline', 'housing', 'police', 'power', 'transport', 'water']);
    expect(op.log).toEqual([{ at: T0, by: 'u-coord', kind: 'activated', level: 3, taskId: null, text: expect.stringContaining('Ⅲ级响应') }]);
  });
});

describe('escalation and de-escalation', () => {
  it('Ⅳ → Ⅱ adds the Ⅲ and Ⅱ tasks, due from the escalation; what was there is untouched', () => {
    let op = activate(4);
    op = acknowledgeTask(op, 'tf-iv-02', at(5, 'u-water'));
    const up = escalate(op, typhoon, 2, '黄浦江沿线多处积水超过30厘米', at(60));
    expect(up.tasks.map((t) => t.id)).toEqual([...TF_IV, ...TF_III, ...TF_II]);
    expect(up.tasks.slice(0, TF_IV.length)).toEqual(op.tasks);
    expect(up.tasks.find((t) => t.id === 'tf-ii-03')).toMatchObject({ dueAt: T0 + 120 * MIN, fromLevel: 2, status: 'open' });
    expect(up).toMatchObject({ level: 2, version: op.version + 1, updatedAt: T0 + 60 * MIN });
    expect(up.log.at(-1)).toMatchObject({ kind: 'escalated', level: 2, by: 'u-coord', at: T0 + 60 * MIN, text: expect.stringContaining('黄浦江沿线多处积水超过30厘米') });
  });

  it('Ⅱ → Ⅲ keeps every task: unstarted Ⅱ tasks are cancelled, acknowledged ones stay; re-escalation reopens under the same ids', () => {
    let op = escalate(activate(4), typhoon, 2, '橙色预警', at(30));
    op = acknowledgeTask(op, 'tf-ii-01', at(40, 'u-housing'));
    op = reportTask(op, 'tf-ii-04', '救援力量已前置', true, at(50, 'u-fire'));
    const down = deescalate(op, typhoon, 3, '预警降为黄色', at(120));
    expect(down.tasks.map((t) => t.id)).toEqual([...TF_IV, ...TF_III, ...TF_II]);
    expect(statuses(down)).toEqual({
      ...Object.fromEntries([...TF_IV, ...TF_III].map((id) => [id, 'open'])),
      'tf-ii-01': 'acknowledged', 'tf-ii-02': 'cancelled', 'tf-ii-03': 'cancelled', 'tf-ii-04': 'done', 'tf-ii-05': 'cancelled',
    });
    expect(down.tasks.filter((t) => t.fromLevel === 2).map((t) => t.id)).toEqual(TF_II);
    expect(down.tasks.find((t) => t.id === 'tf-ii-02')!.reports).toEqual([{ at: T0 + 120 * MIN, by: 'u-coord', text: expect.stringContaining('降级') }]);
    expect(down.log.at(-1)).toMatchObject({ kind: 'deescalated', level: 3 });

    const again = escalate(down, typhoon, 1, '红色预警', at(180));
    expect(again.tasks.map((t) => t.id)).toEqual([...TF_IV, ...TF_III, ...TF_II, ...TF_I]);
    expect(statuses(again)).toMatchObject({ 'tf-ii-01': 'acknowledged', 'tf-ii-02': 'open', 'tf-ii-04': 'done', 'tf-i-01': 'open' });
    expect(again.tasks.find((t) => t.id === 'tf-ii-02')!.dueAt).toBe(T0 + 180 * MIN + 120 * MIN);
  });

  it('refuses the wrong direction, empty reasons and unknown levels', () => {
    const op = activate(3);
    expect(refusal(() => escalate(op, typhoon, 3, 'x', at(1)))).toBe('not_higher');
    expect(refusal(() => escalate(op, typhoon, 4, 'x', at(1)))).toBe('not_higher');
    expect(refusal(() => deescalate(op, typhoon, 2, 'x', at(1)))).toBe('not_lower');
    expect(refusal(() => deescalate(op, typhoon, 3, 'x', at(1)))).toBe('not_lower');
    expect(refusal(() => escalate(op, typhoon, 1, '   ', at(1)))).toBe('empty_text');
    expect(refusal(() => escalate(op, typhoon, 7 as ResponseLevel, 'x', at(1)))).toBe('unknown_level');
    expect(new OperationError('not_higher', 'x').code).toBe('invalid_transition');
  });
});

describe('tasks', () => {
  it('are acknowledged, reported on, done, reassigned, added and given units', () => {
    let op = activate(4);
    op = acknowledgeTask(op, 'tf-iv-03', at(3, 'u-greening'));
    expect(refusal(() => acknowledgeTask(op, 'tf-iv-03', at(4)))).toBe('already_acknowledged');
    op = reportTask(op, 'tf-iv-03', '已加固行道树120棵', false, at(20, 'u-greening'));
    expect(op.tasks.find((t) => t.id === 'tf-iv-03')).toMatchObject({ status: 'acknowledged', reports: [{ at: T0 + 20 * MIN, by: 'u-greening', text: '已加固行道树120棵' }] });
    op = reportTask(op, 'tf-iv-03', '清理倒伏树木完毕', true, at(90, 'u-greening'));
    expect(op.tasks.find((t) => t.id === 'tf-iv-03')!.status).toBe('done');
    expect(refusal(() => reportTask(op, 'tf-iv-03', 'again', false, at(91)))).toBe('task_closed');
    expect(refusal(() => reportTask(op, 'tf-iv-99', 'x', false, at(91)))).toBe('unknown_task');

    op = reassignTask(op, 'tf-iv-06', 'housing', '工棚归房管', at(100));
    expect(op.tasks.find((t) => t.id === 'tf-iv-06')).toMatchObject({ department: 'housing', status: 'open' });
    expect(refusal(() => reassignTask(op, 'tf-iv-06', 'housing', undefined, at(101)))).toBe('same_department');
    expect(refusal(() => reassignTask(op, 'tf-iv-03', 'water', undefined, at(101)))).toBe('task_closed');

    const added = addTask(op, { department: 'water', title: '开启莘庄立交临时泵站', dueMinutes: 45, required: true }, at(110));
    expect(added.taskId).toBe('adhoc-1');
    op = added.operation;
    expect(op.tasks.at(-1)).toMatchObject({ id: 'adhoc-1', fromLevel: null, dueAt: T0 + 155 * MIN, titleEn: '开启莘庄立交临时泵站', required: true });
    expect(addTask(op, { department: 'civil', title: '第二项', dueMinutes: 10, required: false }, at(111)).taskId).toBe('adhoc-2');

    op = assignUnit(op, 'adhoc-1', 'U-water-01', at(115));
    expect(op.tasks.at(-1)!.assignedUnits).toEqual(['U-water-01']);
    expect(refusal(() => assignUnit(op, 'adhoc-1', 'U-water-01', at(116)))).toBe('unit_already_assigned');
    op = logEntry(op, '区领导到指挥中心', at(120));
    expect(op.log.map((l) => l.kind)).toEqual(['activated', 'task_acknowledged', 'task_done', 'task_reassigned', 'task_added', 'unit_assigned', 'note']);
    expect(op.version).toBe(1 + 7);
    expect(OperationSchema.safeParse(op).success).toBe(true);
  });
});

describe('stand-down', () => {
  it('is refused while required tasks are open, and allowed once they are done', () => {
    let op = activate(4);
    const r = standDownRefusal(op);
    expect(r?.reason).toBe('required_tasks_open');
    expect(r?.code).toBe('invalid_transition');
    expect(r?.message).toContain('tf-iv-01, tf-iv-02, tf-iv-03, tf-iv-04, tf-iv-05');
    expect(r?.message).not.toContain('tf-iv-06'); // not required
    expect(refusal(() => standDown(op, '结束', undefined, at(300)))).toBe('required_tasks_open');
    expect(refusal(() => standDown(op, '结束', '  ', at(300)))).toBe('required_tasks_open');
    for (const id of ['tf-iv-01', 'tf-iv-02', 'tf-iv-03', 'tf-iv-04', 'tf-iv-05']) op = reportTask(op, id, '完成', true, at(200));
    expect(standDownRefusal(op)).toBeNull();
    const ended = standDown(op, '台风影响结束，积水全部消退', undefined, at(300));
    expect(ended).toMatchObject({ status: 'stood_down', stoodDownAt: T0 + 300 * MIN, summary: '台风影响结束，积水全部消退' });
    expect(ended.tasks.find((t) => t.id === 'tf-iv-06')!.status).toBe('cancelled'); // the optional one left open
    expect(ended.log.at(-1)).toMatchObject({ kind: 'stood_down', by: 'u-coord', at: T0 + 300 * MIN });
    expect(ended.log.some((l) => l.kind === 'override')).toBe(false);
  });

  it('with an override reason goes ahead and logs the override with the tasks it passed over', () => {
    const op = acknowledgeTask(activate(4), 'tf-iv-01', at(5));
    expect(standDownRefusal(op, '市防汛指挥部统一解除响应')).toBeNull();
    const ended = standDown(op, '随全市统一解除', '市防汛指挥部统一解除响应', at(240));
    const [override, stood] = ended.log.slice(-2);
    expect(override).toMatchObject({ kind: 'override', at: T0 + 240 * MIN, by: 'u-coord', text: expect.stringContaining('市防汛指挥部统一解除响应') });
    expect(override!.text).toContain('tf-iv-01、tf-iv-02、tf-iv-03、tf-iv-04、tf-iv-05');
    expect(stood).toMatchObject({ kind: 'stood_down' });
    expect(ended.tasks.every((t) => t.status === 'cancelled')).toBe(true);
    expect(ended.tasks.find((t) => t.id === 'tf-iv-01')!.reports.at(-1)!.text).toBe('响应结束，任务关闭');
  });

  it('is refused twice, and nothing but a log entry changes a stood-down operation', () => {
    const ended = standDown(activate(4), '演练结束', '演练', at(10));
    expect(standDownRefusal(ended, '再来一次')?.reason).toBe('stood_down');
    expect(refusal(() => standDown(ended, '再次', '再次', at(11)))).toBe('stood_down');
    expect(refusal(() => escalate(ended, typhoon, 3, 'x', at(11)))).toBe('stood_down');
    expect(refusal(() => addTask(ended, { department: 'water', title: 'x', dueMinutes: 5, required: false }, at(11)))).toBe('stood_down');
    expect(logEntry(ended, '复盘会议定于下周', at(12)).log.at(-1)!.kind).toBe('note');
  });
});

describe('who may act', () => {
  const op = activate(4);
  const water = op.tasks.find((t) => t.department === 'water')!;
  const greening = op.tasks.find((t) => t.department === 'greening')!;
  const who = (role: string, departmentCode?: string) => ({ userId: 'u', role, subdistricts: [], departmentCode }) as Parameters<typeof checkOperationPermission>[0];
  const check = (a: ReturnType<typeof who>, action: Parameters<typeof checkOperationPermission>[1], task?: typeof water) =>
    refusal(() => checkOperationPermission(a, action, action === 'activate' ? null : op, task)) ?? 'Y';

  it('coordinators command, liaisons act on their own tasks, others read', () => {
    expect(check(who('coordinator'), 'activate')).toBe('Y');
    expect(check(who('admin'), 'standDown')).toBe('Y');
    expect(check(who('officer'), 'activate')).toBe('forbidden');
    expect(check(who('officer'), 'logEntry')).toBe('forbidden');
    expect(check(who('liaison', 'water'), 'acknowledgeTask', water)).toBe('Y');
    expect(check(who('liaison', 'water'), 'reportTask', water)).toBe('Y');
    expect(check(who('liaison', 'water'), 'assignUnit', water)).toBe('Y');
    expect(check(who('liaison', 'water'), 'reportTask', greening)).toBe('forbidden');
    expect(check(who('liaison', 'water'), 'escalate')).toBe('forbidden');
    expect(check(who('liaison', 'market'), 'reportTask', water)).toBe('out_of_scope');
    expect(check(who('wall'), 'logEntry')).toBe('forbidden');
    expect(check(who('supervisor'), 'escalate')).toBe('forbidden');
  });
});
