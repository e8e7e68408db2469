// Issue 5: one case through every transition of the closed loop with the keyboard alone, as a
// duty officer and as a department liaison; each role sees only its actions; a conflict between
// two consoles is shown to the loser; no untranslated string in either language.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import type { Case } from '../../shared/protocol';
import zh from '../../renderer/i18n/zh-CN';
import en from '../../renderer/i18n/en';
import { pointIn, report, XINZHUANG } from '../integration/helpers/hub';
import { startTestApp, type TestApp } from './helpers/app';

let t: TestApp;
let page: Page;
const source = { userId: 'source:test', role: 'officer' as const, subdistricts: [] };

beforeAll(async () => {
  t = await startTestApp();
  page = await t.open('/');
  await page.locator('[data-testid="connection-bar"][data-state="online"]').waitFor({ timeout: 30_000 });
});
afterAll(async () => t?.close());

const hubCase = (id: string) => JSON.parse((t.hub.core.db.prepare('SELECT state FROM cases WHERE id = ?').get(id) as { state: string }).state) as Case;

function newCase(description: string): string {
  const r = t.hub.core.applyNow(source, { commandId: randomUUID(), type: 'case.report', expectedVersion: null, payload: report(pointIn(null, XINZHUANG), { description }) });
  if (!r.ok) throw new Error(r.error.message);
  return r.entityId;
}

const view = (id: string, status: string) => page.locator(`[data-testid="case-view"][data-case-id="${id}"][data-status="${status}"]`).waitFor({ timeout: 20_000 });

async function signInAs(username: string): Promise<void> {
  await page.getByTestId('role-switcher').selectOption(username);
  await page.locator(`[data-testid="role-switcher"]:not([disabled])`).waitFor();
  await expect.poll(() => page.getByTestId('role-switcher').inputValue(), { timeout: 20_000 }).toBe(username);
  await page.locator('[data-testid="connection-bar"][data-state="online"]').waitFor({ timeout: 30_000 });
}

/** Select the case with the keyboard only: Home, then ↓ until it is the selected row. */
async function selectByKeyboard(id: string): Promise<void> {
  await page.locator(`[data-testid="queue-row"][data-case-id="${id}"]`).waitFor({ timeout: 20_000 });
  await page.keyboard.press('Escape');
  await page.keyboard.press('Home');
  for (let i = 0; i < 50; i++) {
    if (await page.locator(`[data-testid="queue-row"][data-case-id="${id}"][data-selected="true"]`).count()) return;
    await page.keyboard.press('ArrowDown');
  }
  throw new Error(`could not reach ${id} with the keyboard`);
}

async function step(key: string, text?: string): Promise<void> {
  await page.keyboard.press(key);
  if (text !== undefined) {
    await page.getByTestId('action-form').waitFor();
    if (text) await page.keyboard.type(text);
    await page.keyboard.press('Control+Enter');
    await page.getByTestId('action-form').waitFor({ state: 'detached' });
  }
}

const offered = async () => (await page.locator('[data-testid^="action-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')))).filter((x) => x !== 'action-bar' && x !== 'action-form').sort();

describe('the closed loop by keyboard', () => {
  it('walks a case through every transition, as officer and liaison, each offered only its actions', async () => {
    const id = newCase('键盘全流程：暴露垃圾');
    await selectByKeyboard(id);
    await view(id, 'reported');
    expect(await offered()).toEqual(['action-attach', 'action-comment', 'action-merge', 'action-register', 'action-reject']);
    await step('r');
    await view(id, 'registered');
    await step('u', '8');
    await view(id, 'suspended');
    await step('u');
    await view(id, 'registered');
    await step('d', ''); // the catalog's owner (greening) is preselected
    await view(id, 'dispatched');
    expect(hubCase(id).owners).toEqual(['greening']);

    await signInAs('greening');
    await selectByKeyboard(id);
    await view(id, 'dispatched');
    expect(await offered()).toEqual(['action-accept', 'action-attach', 'action-comment', 'action-return']);
    await step('a');
    await view(id, 'accepted');
    await step('p', '已到场处置');
    await step('s', '垃圾已清运');
    await view(id, 'resolved');
    expect(await offered()).toEqual(['action-attach', 'action-comment']);

    await signInAs('officer');
    await selectByKeyboard(id);
    // Verification fails: ↓ moves the verdict to "failed", Tab to the note.
    await page.keyboard.press('v');
    await page.getByTestId('form-verify').waitFor();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Tab');
    await page.keyboard.type('现场仍有残留');
    await page.keyboard.press('Control+Enter');
    await view(id, 'reopened');

    await signInAs('greening');
    await selectByKeyboard(id);
    await step('s', '已复查清理');
    await view(id, 'resolved');
    await signInAs('officer');
    await selectByKeyboard(id);
    await step('v', ''); // "passed" is the default verdict
    await view(id, 'closed');
    // Who acted, by name from the hub's people directory (the liaison with their department), not by id.
    const by = page.locator('[data-testid="case-timeline"] [data-testid="timeline-by"]');
    await expect.poll(async () => (await by.allInnerTexts()).join('|'), { timeout: 20_000 }).toContain('绿化市容局联络员（区绿化和市容管理局）');
    expect(await by.allInnerTexts()).toContain('区中心值班员');
    const types = (t.hub.core.db.prepare(`SELECT type FROM events WHERE id = ? ORDER BY seq`).all(id) as { type: string }[]).map((r) => r.type);
    expect(types).toEqual(['case.reported', 'case.registered', 'case.suspended', 'case.resumed', 'case.dispatched', 'case.accepted', 'case.progressed', 'case.resolved', 'case.reopened', 'case.resolved', 'case.closed']);
  });

  it('rejects with a reason and returns to the center, by keyboard', async () => {
    const a = newCase('重复上报');
    await selectByKeyboard(a);
    await step('x', '重复工单');
    await view(a, 'rejected');
    const b = newCase('非本部门');
    await selectByKeyboard(b);
    await step('r');
    await view(b, 'registered');
    await step('d', '');
    await view(b, 'dispatched');
    await signInAs('greening');
    await selectByKeyboard(b);
    await step('t', '非本部门职责');
    await page.locator(`[data-testid="queue-row"][data-case-id="${b}"]`).waitFor({ state: 'detached', timeout: 20_000 });
    expect(hubCase(b).status).toBe('returned');
    await signInAs('officer');
  });

  it('shows the loser of a conflict the winner\'s change', async () => {
    const id = newCase('两台席位同时操作');
    await selectByKeyboard(id);
    await view(id, 'reported');
    // The other console wins: it registers the case at the version this page still shows.
    const other = t.hub.core.applyNow({ userId: 'other-console', role: 'officer', subdistricts: [] }, { commandId: randomUUID(), type: 'case.reject', expectedVersion: 1, payload: { caseId: id, reason: '另一席位已处理' } });
    expect(other.ok).toBe(true);
    // This page acts before its replica has the change, or right after: either way it is told.
    await page.keyboard.press('r');
    await page.locator(`[data-testid="case-view"][data-case-id="${id}"][data-status="rejected"]`).waitFor({ timeout: 20_000 });
    const refusal = page.getByTestId('case-refusal');
    if (await refusal.count()) expect(await refusal.getAttribute('data-code')).toMatch(/conflict|invalid_transition/);
  });

  it('switches language at run time and leaves no string of the other language', async () => {
    await page.getByTestId('language-switch').click();
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('en');
    // Data is not UI text: people's and units' names, addresses and descriptions stay as entered.
    const data = [
      ...t.credentials.accounts.map((a) => (a as { displayName?: string }).displayName ?? ''),
      ...(t.hub.core.db.prepare('SELECT state FROM units').all() as { state: string }[]).map((r) => (JSON.parse(r.state) as { name: string }).name),
      ...(t.hub.core.db.prepare('SELECT state FROM cameras').all() as { state: string }[]).map((r) => (JSON.parse(r.state) as { name: string }).name),
      ...(t.hub.core.db.prepare('SELECT state FROM cases').all() as { state: string }[]).flatMap((r) => { const c = JSON.parse(r.state) as Case; return [c.address, c.description]; }),
    ].filter(Boolean).sort((a, b) => b.length - a.length);
    let text = await page.locator('body').innerText();
    for (const d of data) text = text.split(d).join(' ');
    const zhOnly = Object.values(flatten(zh)).filter((s) => /[\u4e00-\u9fff]/.test(s) && s.length >= 2 && !s.includes('{{'));
    const leaked = zhOnly.filter((s) => text.includes(s));
    expect(leaked).toEqual([]);
    // and no raw i18n key shown in place of a text
    const keys = Object.keys(flatten(en)).filter((k) => k.includes('.'));
    expect(keys.filter((k) => text.includes(k))).toEqual([]);
    await page.getByTestId('language-switch').click();
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('zh-CN');
    const zhText = await page.locator('body').innerText();
    const enOnly = Object.values(flatten(en)).filter((s) => /^[A-Z][a-z]+ [a-z]+/.test(s) && s.length >= 8 && !s.includes('{{'));
    expect(enOnly.filter((s) => zhText.includes(s))).toEqual([]);
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
