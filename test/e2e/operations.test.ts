// Issue 8: the operation board in Chromium against browser mode. The coordinator activates the
// typhoon plan at level Ⅳ for a flooding case, escalates to Ⅲ (the new level's tasks added, none
// lost), adds an ad-hoc task; the greening liaison acknowledges and finishes its task on the same
// board; the coordinator stands down past the still-open required tasks with a reason; the
// situation report prints to a PDF that holds the command log. Plus the console's entry.
// Issue 15: the list page with no operation in force is never an empty half: an officer sees
// what to do, the plans (levels, criteria, tasks per department) and the stood-down operations
// with their summary, each opening its board read-only with its situation report.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { tasksFor, parsePlans, type ResponseLevel } from '../../shared/domain/operations';
import type { Operation } from '../../shared/protocol';
import { pointIn, report, XINZHUANG } from '../integration/helpers/hub';
import { ROOT, startTestApp, type TestApp } from './helpers/app';
import { pdfText } from './helpers/pdf-text';
import zh from '../../renderer/i18n/zh-CN';
import en from '../../renderer/i18n/en';

let t: TestApp;
let page: Page;
const source = { userId: 'source:test', role: 'officer' as const, subdistricts: [] };
const book = parsePlans(JSON.parse(fs.readFileSync(path.join(ROOT, 'resources/plans/plans.json'), 'utf8')));
const plan = book.plan('typhoon-flood');

beforeAll(async () => {
  t = await startTestApp({ defaultUser: 'coordinator' });
});
afterAll(async () => t?.close());

const hubOperation = (id: string) => JSON.parse((t.hub.core.db.prepare('SELECT state FROM operations WHERE id = ?').get(id) as { state: string }).state) as Operation;
const board = (attrs: string) => page.locator(`[data-testid="op-board"]${attrs}`).waitFor({ timeout: 20_000 });

function floodCase(description: string): string {
  const r = t.hub.core.applyNow(source, { commandId: randomUUID(), type: 'case.report', expectedVersion: null, payload: report(pointIn(null, XINZHUANG), { categoryCode: '90001', urgency: 'urgent', description }) });
  if (!r.ok) throw new Error(r.error.message);
  return r.entityId;
}

async function signInAs(username: string): Promise<void> {
  await page.getByTestId('role-switcher').selectOption(username);
  await expect.poll(() => page.getByTestId('role-switcher').inputValue(), { timeout: 20_000 }).toBe(username);
  await page.locator('[data-testid="connection-bar"][data-state="online"]').waitFor({ timeout: 30_000 });
}

async function submitForm(kind: string, fill: Record<string, string>): Promise<void> {
  await page.getByTestId(`op-form-${kind}`).waitFor();
  for (const [testId, value] of Object.entries(fill)) {
    const el = page.getByTestId(testId);
    if ((await el.evaluate((e) => e.tagName)) === 'SELECT') await el.selectOption(value);
    else await el.fill(value);
  }
  await page.getByTestId('op-submit').click();
  await page.getByTestId(`op-form-${kind}`).waitFor({ state: 'detached' });
}

describe('the operation page with no operation in force', () => {
  it('shows an officer what to do, the plans, and the stood-down operation with its summary, opening on its report', async () => {
    page = await t.open('/operation');
    await page.locator('[data-testid="connection-bar"][data-state="online"]').waitFor({ timeout: 30_000 });
    await signInAs('officer');
    await page.getByTestId('op-listpage').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('user-name').getAttribute('data-role')).toBe('officer');

    // Nothing in force, nothing stood down: each part says what to do, in the officer's terms.
    await page.locator('[data-testid="op-inforce"][data-count="0"]').waitFor();
    expect(await page.getByTestId('op-none-hint').innerText()).toBe(zh.operation.home.hintOfficer);
    expect(await page.getByTestId('op-none-stooddown').innerText()).toBe(zh.operation.home.noneStoodDown);

    // The plans: every one of the file, named; the first shown at level Ⅳ with its tasks.
    expect(await page.getByTestId('op-plan').evaluateAll((els) => els.map((e) => e.getAttribute('data-plan-id')))).toEqual(book.plans.map((p) => p.id));
    expect(await page.getByTestId('op-plan').nth(1).innerText()).toContain(book.plans[1]!.name);
    const detail = page.getByTestId('op-plan-detail');
    expect(await detail.getAttribute('data-plan-id')).toBe(book.plans[0]!.id);
    expect(await detail.getAttribute('data-level')).toBe('4');
    const taskIds = () => page.getByTestId('op-plan-task').evaluateAll((els) => els.map((e) => e.getAttribute('data-task-id')!).sort());
    expect(await taskIds()).toEqual(tasksFor(book.plans[0]!, 4).map((x) => x.id).sort());
    // Each level says what it means (grade and what activates it).
    const cards = page.getByTestId('op-plan-level');
    expect(await cards.count()).toBe(4);
    for (const l of book.levels) expect(await page.locator(`[data-testid="op-plan-level"][data-level="${l.level}"]`).innerText()).toContain(l.grade);

    // By keyboard: the fire plan, then its level Ⅱ: the tasks in force there, per department, the lead's first.
    const fire = book.plan('fire');
    await page.locator('[data-testid="op-plan"][data-plan-id="fire"]').focus();
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="op-plan-detail"][data-plan-id="fire"]').waitFor();
    expect(await page.locator('[data-testid="op-plan"][data-plan-id="fire"]').getAttribute('aria-pressed')).toBe('true');
    await page.locator('[data-testid="op-plan-level"][data-level="2"]').focus();
    await page.keyboard.press('Space');
    await page.locator('[data-testid="op-plan-detail"][data-level="2"]').waitFor();
    const atII = tasksFor(fire, 2);
    expect(await taskIds()).toEqual(atII.map((x) => x.id).sort());
    expect(atII.length).toBeGreaterThan(tasksFor(fire, 4).length);
    const depts = await page.getByTestId('op-plan-dept').evaluateAll((els) => els.map((e) => e.getAttribute('data-department')));
    expect(depts[0]).toBe(fire.lead);
    expect([...depts].sort()).toEqual([...new Set(atII.map((x) => x.department))].sort());
    expect(await page.getByTestId('op-plan-criteria').innerText()).toContain(fire.levels.find((l) => l.level === 2)!.criteria.activate.zh);
    // An officer reads; activation is the coordinator's, and the page says so.
    expect(await page.getByTestId('op-plan-activate').count()).toBe(0);
    expect(await page.getByTestId('op-activate').count()).toBe(0);
    expect(await page.getByTestId('op-plan-officer').innerText()).toBe(zh.operation.home.activateOfficer);

    // A coordinator elsewhere activates the typhoon plan at Ⅲ (the hub's real commands): it is in force here.
    const coordinatorId = (t.hub.core.db.prepare(`SELECT id FROM users WHERE username = 'coordinator'`).get() as { id: string }).id;
    const coord = { userId: coordinatorId, role: 'coordinator' as const, subdistricts: [] };
    const flood = floodCase('下立交积水，车辆被困');
    const level: ResponseLevel = 3;
    const activated = t.hub.core.applyNow(coord, { commandId: randomUUID(), type: 'operation.activate', expectedVersion: null, payload: { planId: 'typhoon-flood', level, caseIds: [flood] } });
    if (!activated.ok) throw new Error(activated.error.message);
    const id = activated.entityId;
    await page.locator(`[data-testid="op-inforce"] [data-testid="op-open"][data-operation-id="${id}"][data-status="active"]`).waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('op-none').count()).toBe(0);

    // … and stands it down with a summary: gone from "in force", listed as stood down with its level, times and summary.
    const summary = '积水已排除，被困车辆全部拖离，道路恢复通行';
    const down = t.hub.core.applyNow(coord, { commandId: randomUUID(), type: 'operation.standDown', expectedVersion: hubOperation(id).version, payload: { operationId: id, summary, overrideReason: '预警已解除，剩余任务转入日常处置' } });
    if (!down.ok) throw new Error(down.error.message);
    const item = page.locator(`[data-testid="op-stooddown"] [data-testid="op-open"][data-operation-id="${id}"]`);
    await item.waitFor({ timeout: 20_000 });
    await page.locator('[data-testid="op-inforce"][data-count="0"]').waitFor();
    expect(await page.locator('[data-testid="op-stooddown"]').getAttribute('data-count')).toBe('1');
    expect(await item.getAttribute('data-status')).toBe('stood_down');
    expect(await item.getByTestId('op-over-summary').innerText()).toBe(summary);
    expect(await item.getByTestId('op-level-badge').innerText()).toBe('Ⅲ级响应（黄色）');
    expect(await item.innerText()).toContain(plan.name);
    const op = hubOperation(id);
    const hhmm = (ms: number) => new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(ms);
    const times = await item.getByTestId('op-over-times').innerText();
    expect(times).toContain(hhmm(op.activatedAt));
    expect(times).toContain(hhmm(op.stoodDownAt!));
    expect(times).toContain('区指挥长'); // who stood it down, by name
    expect(await page.getByTestId('op-none-stooddown').count()).toBe(0);

    // Opening it (by keyboard) shows its board, read-only, with its situation report.
    await item.focus();
    await page.keyboard.press('Enter');
    await board(`[data-operation-id="${id}"][data-status="stood_down"]`);
    expect(new URL(page.url()).pathname).toBe(`/operation/${id}`);
    expect(await page.getByTestId('op-readonly').innerText()).toContain(summary);
    expect(await page.getByTestId('op-actions').count()).toBe(0);
    expect(await page.locator('[data-testid="op-task"] button').count()).toBe(0);
    expect(await page.getByTestId('op-task').count()).toBe(tasksFor(plan, level).length);
    const reportText = await page.getByTestId('op-report-text').inputValue();
    expect(reportText).toContain(zh.operation.report.heading.replace('{{id}}', id));
    expect(reportText).toContain(zh.operation.report.summary.replace('{{summary}}', summary));
    expect(reportText).toContain('结束Ⅲ级响应');
    expect(reportText).toContain(zh.operation.report.status.replace('{{status}}', zh.operation.status.stood_down));
    await page.getByTestId('op-back').click();
    await item.waitFor();

    // In English every word of the page is English: the UI's and the plans' (summaries and people are data).
    await page.getByTestId('language-switch').click();
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.getByTestId('op-plans').innerText()).not.toMatch(/[\u4e00-\u9fff]/);
    expect(await page.getByTestId('op-plan-officer').innerText()).toBe(en.operation.home.activateOfficer);
    const listText = await page.getByTestId('op-listpage').innerText();
    const ui = Object.values(flatten(zh.operation)).filter((x) => /[\u4e00-\u9fff]/.test(x) && !x.includes('{{'));
    expect(ui.filter((x) => listText.includes(x))).toEqual([]);
    await page.getByTestId('language-switch').click();
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('zh-CN');

    // A coordinator gets the way to activate from the plan read: the dialog opens on that plan and level, Esc goes back.
    await signInAs('coordinator');
    await page.getByTestId('op-plan-activate').waitFor({ timeout: 20_000 });
    const focused = () => page.evaluate<string | null>('document.activeElement && document.activeElement.getAttribute("data-testid")');
    expect(await page.getByTestId('op-none-hint').innerText()).toBe(zh.operation.home.hintCoordinator);
    await page.locator('[data-testid="op-plan"][data-plan-id="fire"]').click();
    await page.locator('[data-testid="op-plan-level"][data-level="2"]').click();
    await page.getByTestId('op-plan-activate').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('op-activate').waitFor();
    expect(await page.getByTestId('op-activate-plan').inputValue()).toBe('fire');
    expect(await page.getByTestId('op-activate-level').inputValue()).toBe('2');
    expect(await page.getByTestId('op-activate-creates').getAttribute('data-count')).toBe(String(atII.length));
    await expect.poll(() => focused()).toBe('op-activate-filter');
    await page.keyboard.press('Escape');
    await page.getByTestId('op-activate').waitFor({ state: 'detached' });
    await expect.poll(() => focused()).toBe('op-plan-activate');
    expect(hubOperation(id).status).toBe('stood_down');
    await page.close();
  });
});

describe('the operation board', () => {
  let opId = '';
  let caseId = '';

  it('activates the typhoon plan at level Ⅳ for a case, from the list page', async () => {
    caseId = floodCase('道路积水 30 厘米，车辆无法通行');
    page = await t.open('/operation');
    await page.locator('[data-testid="connection-bar"][data-state="online"]').waitFor({ timeout: 30_000 });
    await page.getByTestId('op-plan-activate').click({ timeout: 20_000 });
    await page.getByTestId('op-activate').waitFor({ timeout: 20_000 });
    await page.getByTestId('op-activate-plan').selectOption('typhoon-flood');
    await page.getByTestId('op-activate-level').selectOption('4');
    await page.getByTestId('op-activate-filter').fill(caseId);
    await page.locator(`[data-testid="op-activate-case"][data-case-id="${caseId}"]`).check();
    await page.getByTestId('op-activate-note').fill('气象台发布台风蓝色预警');
    await page.getByTestId('op-activate-submit').click();
    // The hub's answer opens the new operation's board.
    await board('[data-level="4"][data-status="active"]');
    opId = (await page.getByTestId('op-board').getAttribute('data-operation-id'))!;
    expect(opId).toMatch(/^OP\d{8}\d{3}$/);
    expect(new URL(page.url()).pathname).toBe(`/operation/${opId}`);
    const op = hubOperation(opId);
    expect(op.caseIds).toEqual([caseId]);
    expect(op.area?.type).toBe('Polygon');
    expect(op.tasks.map((x) => x.id).sort()).toEqual(tasksFor(plan, 4).map((x) => x.id).sort());
    await expect.poll(() => page.getByTestId('op-task').count()).toBe(tasksFor(plan, 4).length);
    await page.locator(`[data-testid="op-case"][data-case-id="${caseId}"]`).waitFor();
    expect(await page.getByTestId('op-level-badge').first().innerText()).toContain('Ⅳ级响应');
    expect(await page.getByTestId('op-log-entry').count()).toBe(1);
  });

  it('escalates to Ⅲ: the new level\'s tasks are added and none is lost', async () => {
    const before = hubOperation(opId).tasks.map((x) => x.id);
    await page.getByTestId('op-escalate').click();
    await submitForm('escalate', { 'op-level': '3', 'op-text': '多处道路积水超过20厘米' });
    await board('[data-level="3"]');
    const after = hubOperation(opId).tasks.map((x) => x.id);
    expect(after).toEqual(expect.arrayContaining(before));
    expect(after.sort()).toEqual(tasksFor(plan, 3).map((x) => x.id).sort());
    await expect.poll(() => page.getByTestId('op-task').count()).toBe(tasksFor(plan, 3).length);
    await page.locator('[data-testid="op-log-entry"][data-kind="escalated"]').waitFor();
  });

  it('adds an ad-hoc task', async () => {
    await page.getByTestId('op-add-task').click();
    await submitForm('addTask', { 'op-department': 'water', 'op-due': '45', 'op-text': '加派移动泵车至莘庄地铁站' });
    await page.locator('[data-testid="op-task"][data-task-id="adhoc-1"][data-department="water"]').waitFor({ timeout: 20_000 });
    expect(hubOperation(opId).tasks.find((x) => x.id === 'adhoc-1')?.title).toBe('加派移动泵车至莘庄地铁站');
  });

  it('lets the department acknowledge and finish its own task, and nothing else', async () => {
    await signInAs('greening');
    await board(`[data-operation-id="${opId}"]`);
    expect(await page.getByTestId('op-actions').count()).toBe(0); // no command actions for a liaison
    const own = page.locator('[data-testid="op-task"][data-task-id="tf-iv-03"]');
    await own.getByTestId('op-task-ack').click();
    await page.locator('[data-testid="op-task"][data-task-id="tf-iv-03"][data-status="acknowledged"]').waitFor({ timeout: 20_000 });
    // It sends one of its own units to the task.
    await own.getByTestId('op-task-assign').click();
    await page.getByTestId('op-form-assignUnit').waitFor();
    const unitId = await page.getByTestId('op-unit').inputValue();
    const unit = JSON.parse((t.hub.core.db.prepare('SELECT state FROM units WHERE id = ?').get(unitId) as { state: string }).state) as { departmentCode: string };
    expect(unit.departmentCode).toBe('greening');
    await page.getByTestId('op-submit').click();
    await page.locator(`[data-testid="op-unit"][data-unit-id="${unitId}"]`).waitFor({ timeout: 20_000 });
    await own.getByTestId('op-task-done').click();
    await submitForm('report', { 'op-text': '倒伏树木已清理，道路恢复通行' });
    await page.locator('[data-testid="op-task"][data-task-id="tf-iv-03"][data-status="done"]').waitFor({ timeout: 20_000 });
    // Another department's task offers nothing to this liaison.
    expect(await page.locator('[data-testid="op-task"][data-task-id="tf-iv-01"] button').count()).toBe(0);
    await signInAs('coordinator');
    await board(`[data-operation-id="${opId}"]`);
  });

  it('stands down past the open required tasks only with a reason, and logs it', async () => {
    await page.getByTestId('op-stand-down').click();
    await page.getByTestId('op-open-required').waitFor();
    await page.getByTestId('op-text').fill('积水已退，道路恢复通行');
    expect(await page.getByTestId('op-submit').isDisabled()).toBe(true); // no reason, no override
    await submitForm('standDown', { 'op-override': '台风已过境，剩余任务转入日常处置' });
    await board('[data-status="stood_down"]');
    const op = hubOperation(opId);
    expect(op.status).toBe('stood_down');
    expect(op.log.map((e) => e.kind)).toEqual(['activated', 'escalated', 'task_added', 'task_acknowledged', 'unit_assigned', 'task_done', 'override', 'stood_down']);
    expect(await page.getByTestId('op-actions').count()).toBe(0);
  });

  it('exports the situation report, with the command log, as a PDF', async () => {
    const text = await page.getByTestId('op-report-text').inputValue();
    expect(text).toContain(opId);
    expect(text).toContain('升级为Ⅲ级响应');
    // Who made each decision, by name from the hub's people directory (not the user id).
    expect(text).toMatch(/区指挥长 \[/);
    // The coordinator edits the report before exporting it.
    await page.getByTestId('op-report-text').fill(`${text}\n值班记录：EDITED-BY-COORDINATOR`);
    // The button prints (window.print opens the print dialog a person saves as PDF): record the
    // call, then print the same page headless the way that dialog would, with the print styles.
    type Printing = { printed: number; print(): void };
    await page.evaluate(() => {
      const w = globalThis as unknown as Printing;
      w.printed = 0;
      w.print = () => { w.printed++; };
    });
    await page.getByTestId('op-report-export').click();
    expect(await page.evaluate(() => (globalThis as unknown as Printing).printed)).toBe(1);
    const file = path.join(t.dir, `${opId}.pdf`);
    await page.pdf({ path: file, format: 'A4', printBackground: true });
    const pdf = fs.readFileSync(file);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    // Chromium embeds the text as glyph ids; read it back through the fonts' ToUnicode maps.
    const extracted = pdfText(pdf).replace(/\s+/g, '');
    const has = (s: string) => expect(extracted).toContain(s.replace(/\s+/g, ''));
    has(opId);
    has('EDITED-BY-COORDINATOR');
    has('区指挥'); // who made each decision (长 may come back as its radical-supplement form, see below)
    // The command log's lines, Chinese included. (Radical-supplement glyphs such as ⻛ for 风 and
    // ⻩ for 黄 come back as those code points, so the phrases avoid them.)
    has('升级为Ⅲ级响应');
    has('多处道路积水超过20厘米');
    has('剩余任务转入日常处置');
    // Only the report prints: nothing of the board's controls.
    expect(extracted).not.toContain('导出PDF');
  });

  it('speaks English when switched, every UI string included (the log and the report are data)', async () => {
    await page.getByTestId('language-switch').click();
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.getByTestId('op-level-badge').first().innerText()).toBe('Level Ⅲ (yellow)');
    const text = await page.getByTestId('op-board').evaluate((el) => {
      const copy = el.cloneNode(true) as typeof el;
      copy.querySelectorAll('[data-testid="op-log"] li, [data-testid="op-report-text"], .op-summary, [data-testid="op-case"] .muted, [data-testid="op-task"] .ellipsis').forEach((x: { remove(): void }) => x.remove());
      return copy.textContent ?? '';
    });
    const ui = Object.values(flatten(zh.operation)).filter((x) => /[\u4e00-\u9fff]/.test(x) && !x.includes('{{'));
    expect(ui.filter((x) => text.includes(x))).toEqual([]);
    expect(text).toContain('Tasks by department');
    await page.getByTestId('language-switch').click();
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('zh-CN');
  });

  it('the console shows active operations and opens the board in a new tab that signs in by itself', async () => {
    const second = floodCase('地下车库进水');
    const r = t.hub.core.applyNow({ userId: 'coordinator-test', role: 'coordinator', subdistricts: [] }, { commandId: randomUUID(), type: 'operation.activate', expectedVersion: null, payload: { planId: 'typhoon-flood', level: 2, caseIds: [second] } });
    expect(r.ok).toBe(true);
    const opened = r.ok ? r.entityId : '';
    const console = await t.open('/');
    await console.locator('[data-testid="operations-entry"][data-level="2"][data-active="1"]').waitFor({ timeout: 30_000 });
    expect(await console.getByTestId('operations-badge').innerText()).toContain('Ⅱ');
    const [tab] = await Promise.all([console.context().waitForEvent('page'), console.getByTestId('operations-entry').click()]);
    await tab.locator(`[data-testid="op-board"][data-operation-id="${opened}"][data-level="2"]`).waitFor({ timeout: 30_000 });
    expect(new URL(tab.url()).searchParams.has('token')).toBe(false); // taken out of the address bar
    // The palette offers the board too.
    await console.keyboard.press('Control+k');
    await console.getByTestId('palette-input').fill('应急');
    await console.locator('[data-testid="palette-item"][data-item-id="page:operation"]').waitFor();
    await tab.close();
    await console.close();

    // A decision on a state someone else changed meanwhile is refused, and the board says so.
    await page.getByTestId('op-back').click();
    await page.locator(`[data-testid="op-open"][data-operation-id="${opened}"]`).click();
    await board(`[data-operation-id="${opened}"][data-level="2"]`);
    await page.getByTestId('op-escalate').click();
    await page.getByTestId('op-form-escalate').waitFor();
    await page.getByTestId('op-text').fill('险情扩大');
    const other = t.hub.core.applyNow({ userId: 'coordinator-test', role: 'coordinator', subdistricts: [] }, { commandId: randomUUID(), type: 'operation.logEntry', expectedVersion: null, payload: { operationId: opened, text: '另一席位记录' } });
    expect(other.ok).toBe(true);
    await page.locator('[data-testid="op-board"][data-version="2"]').waitFor({ timeout: 20_000 });
    await page.getByTestId('op-submit').click();
    await page.locator('[data-testid="op-refusal"][data-code="conflict"]').waitFor({ timeout: 20_000 });
    expect(hubOperation(opened).level).toBe(2);
    await page.getByTestId('op-refusal-dismiss').click();
    await page.getByTestId('op-refusal').waitFor({ state: 'detached' });
  });
});

function flatten(o: unknown, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(o as Record<string, unknown>)) {
    if (typeof v === 'string') out[prefix + k] = v;
    else if (v && typeof v === 'object') Object.assign(out, flatten(v, `${prefix}${k}.`));
  }
  return out;
}
