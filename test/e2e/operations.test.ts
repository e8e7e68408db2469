// Issue 8: the operation board in Chromium against browser mode. The coordinator activates the
// typhoon plan at level Ⅳ for a flooding case, escalates to Ⅲ (the new level's tasks added, none
// lost), adds an ad-hoc task; the greening liaison acknowledges and finishes its task on the same
// board; the coordinator stands down past the still-open required tasks with a reason; the
// situation report prints to a PDF that holds the command log. Plus the console's entry.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { tasksFor, parsePlans } from '../../shared/domain/operations';
import type { Operation } from '../../shared/protocol';
import { pointIn, report, XINZHUANG } from '../integration/helpers/hub';
import { ROOT, startTestApp, type TestApp } from './helpers/app';
import { pdfText } from './helpers/pdf-text';
import zh from '../../renderer/i18n/zh-CN';

let t: TestApp;
let page: Page;
const source = { userId: 'source:test', role: 'officer' as const, subdistricts: [] };
const plan = parsePlans(JSON.parse(fs.readFileSync(path.join(ROOT, 'resources/plans/plans.json'), 'utf8'))).plan('typhoon-flood');

beforeAll(async () => {
  t = await startTestApp({ defaultUser: 'coordinator' });
});
afterAll(async () => t?.close());

const hubOperation = (id: string) => JSON.parse((t.hub.core.db.prepare('SELECT state FROM operations WHERE id = ?').get(id) as { state: string }).state) as Operation;
const board = (attrs: string) => page.locator(`[data-testid="op-board"]${attrs}`).waitFor({ timeout: 20_000 });

function floodCase(description: string): string {
  const r = t.hub.core.apply(source, { commandId: randomUUID(), type: 'case.report', expectedVersion: null, payload: report(pointIn(null, XINZHUANG), { categoryCode: '90001', urgency: 'urgent', description }) });
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

describe('the operation board', () => {
  let opId = '';
  let caseId = '';

  it('activates the typhoon plan at level Ⅳ for a case, from the list page', async () => {
    caseId = floodCase('道路积水 30 厘米，车辆无法通行');
    page = await t.open('/operation');
    await page.locator('[data-testid="connection-bar"][data-state="online"]').waitFor({ timeout: 30_000 });
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
    const r = t.hub.core.apply({ userId: 'coordinator-test', role: 'coordinator', subdistricts: [] }, { commandId: randomUUID(), type: 'operation.activate', expectedVersion: null, payload: { planId: 'typhoon-flood', level: 2, caseIds: [second] } });
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
    const other = t.hub.core.apply({ userId: 'coordinator-test', role: 'coordinator', subdistricts: [] }, { commandId: randomUUID(), type: 'operation.logEntry', expectedVersion: null, payload: { operationId: opened, text: '另一席位记录' } });
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
