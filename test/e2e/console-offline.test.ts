// Issue 4's UI test: log in, see live cases arrive, act on one, cut the hub, act again offline
// (shown pending), restore the hub and see both applied. Real hub, real core processes, Chromium.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import type { Case } from '../../shared/protocol';
import { pointIn, report, XINZHUANG } from '../integration/helpers/hub';
import { startTestApp, type TestApp } from './helpers/app';

let t: TestApp;
let page: Page;
const source = { userId: 'source:test', role: 'officer' as const, subdistricts: [] };

beforeAll(async () => {
  t = await startTestApp({ defaultUser: null });
  page = await t.open('/');
});
afterAll(async () => t?.close());

function hubCase(id: string): Case {
  return JSON.parse((t.hub.core.db.prepare('SELECT state FROM cases WHERE id = ?').get(id) as { state: string }).state) as Case;
}

function newCase(description: string): string {
  const r = t.hub.core.applyNow(source, { commandId: randomUUID(), type: 'case.report', expectedVersion: null, payload: report(pointIn(null, XINZHUANG), { description, source: 'hotline' }) });
  if (!r.ok) throw new Error(r.error.message);
  return r.entityId;
}

async function openCase(id: string): Promise<void> {
  await page.locator(`[data-testid="queue-row"][data-case-id="${id}"]`).click();
  await page.locator(`[data-testid="case-view"][data-case-id="${id}"]`).waitFor();
}

describe('console through a network cut', () => {
  it('logs in and sees live cases arrive', async () => {
    const officer = t.credentials.accounts.find((a) => a.username === 'officer')!;
    await page.getByTestId('login-username').fill(officer.username);
    await page.getByTestId('login-password').fill(officer.password);
    await page.getByTestId('login-submit').click();
    await page.locator('[data-testid="connection-bar"][data-state="online"]').waitFor({ timeout: 30_000 });
    const ids = [newCase('虹桥路暴露垃圾一'), newCase('莘庄暴露垃圾二')];
    for (const id of ids) await page.locator(`[data-testid="queue-row"][data-case-id="${id}"]`).waitFor({ timeout: 15_000 });
  });

  it('acts online, then offline (pending), and both are applied after the hub returns', async () => {
    const [first, second] = (t.hub.core.db.prepare('SELECT id FROM cases ORDER BY id').all() as { id: string }[]).map((r) => r.id) as [string, string];
    await openCase(first);
    await page.keyboard.press('r');
    await page.locator(`[data-testid="case-view"][data-case-id="${first}"][data-status="registered"]`).waitFor({ timeout: 15_000 });
    expect(hubCase(first).status).toBe('registered');

    await t.cutHub();
    await page.locator('[data-testid="connection-bar"][data-state="offline"]').waitFor({ timeout: 15_000 });
    await openCase(second);
    await page.keyboard.press('r');
    await page.getByTestId('case-pending').waitFor({ timeout: 10_000 });
    await expect.poll(() => page.getByTestId('connection-bar').getAttribute('data-pending')).toBe('1');

    await t.restoreHub();
    await page.locator('[data-testid="connection-bar"][data-state="online"]').waitFor({ timeout: 30_000 });
    await page.locator(`[data-testid="case-view"][data-case-id="${second}"][data-status="registered"]`).waitFor({ timeout: 15_000 });
    await expect.poll(() => page.getByTestId('connection-bar').getAttribute('data-pending')).toBe('0');
    expect(hubCase(first).status).toBe('registered');
    expect(hubCase(second).status).toBe('registered');
    // exactly once: one register command per case in the hub
    const registers = t.hub.core.db.prepare(`SELECT COUNT(*) AS n FROM commands WHERE type = 'case.register' AND result LIKE '%"ok":true%'`).get() as { n: number };
    expect(registers.n).toBe(2);
  });
});
