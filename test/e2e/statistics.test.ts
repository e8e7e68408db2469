// Issue 9: the statistics window in Chromium against a real hub and core. Cases with known
// outcomes go in through the hub's command path; the window is opened from the console's top
// bar (browser mode: the bridge token travels in the URL); a figure is checked, drilled down to
// its cases, a case opened in the console; CSV, XLSX and the PDF report are exported and read
// back. The PDF is Playwright's page.pdf() of the report view in headless Chromium — the
// printing Electron's webContents.printToPDF does (no Electron binary exists here; the app itself
// prints the view with window.print()).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import type { Download, Page } from 'playwright-core';
import type { Actor } from '../../shared/domain/roles';
import { pointIn, QIBAO, report, XINZHUANG } from '../integration/helpers/hub';
import { startTestApp, type TestApp } from './helpers/app';
import { pdfText } from './helpers/pdf-text';

let t: TestApp;
let consolePage: Page;
let stats: Page;
const ids: Record<string, string> = {};
const officer: Actor = { userId: 'officer', role: 'officer', subdistricts: [] };
const greening: Actor = { userId: 'lg', role: 'liaison', subdistricts: [], departmentCode: 'greening' };

function act(actor: Actor, type: string, payload: Record<string, unknown>): string {
  const r = t.hub.core.applyNow(actor, { commandId: randomUUID(), type, payload, expectedVersion: null });
  if (!r.ok) throw new Error(`${type}: ${r.error.code} ${r.error.message}`);
  return r.entityId;
}

beforeAll(async () => {
  t = await startTestApp();
  const xz = pointIn(null, XINZHUANG);
  // c1 (莘庄): the whole loop, closed. c2 (莘庄): dispatched, returned by the department.
  // c3 (七宝): reported only. Today: received 3, registered 2, dispatched 2, closed 1, returned 1.
  ids.c1 = act(officer, 'case.report', report(xz, { description: '统计测试一' }));
  act(officer, 'case.register', { caseId: ids.c1 });
  act(officer, 'case.dispatch', { caseId: ids.c1, departments: ['greening'] });
  act(greening, 'case.accept', { caseId: ids.c1 });
  act(greening, 'case.resolve', { caseId: ids.c1, note: '已清运' });
  act(officer, 'case.verify', { caseId: ids.c1, passed: true });
  ids.c2 = act(officer, 'case.report', report(xz, { description: '统计测试二' }));
  act(officer, 'case.register', { caseId: ids.c2 });
  act(officer, 'case.dispatch', { caseId: ids.c2, departments: ['greening'] });
  act(greening, 'case.return', { caseId: ids.c2, reason: '非本部门职责' });
  ids.c3 = act(officer, 'case.report', report(pointIn(null, QIBAO), { description: '统计测试三' }));

  consolePage = await t.open('/');
  await consolePage.locator('[data-testid="connection-bar"][data-state="online"]').waitFor({ timeout: 30_000 });
  const popup = consolePage.waitForEvent('popup');
  await consolePage.getByTestId('statistics-entry').click();
  stats = await popup;
  stats.on('pageerror', (e) => console.error('[statistics page]', e.message));
  await stats.locator('[data-testid="statistics"][data-state="ready"]').waitFor({ timeout: 30_000 });
}, 120_000);
afterAll(async () => t?.close());

async function saved(page: Page, click: () => Promise<void>): Promise<{ name: string; data: Buffer }> {
  const wait = page.waitForEvent('download');
  await click();
  const d: Download = await wait;
  const file = path.join(t.dir, `dl-${randomUUID()}`);
  await d.saveAs(file);
  return { name: d.suggestedFilename(), data: fs.readFileSync(file) };
}

/** RFC 4180 CSV (quotes, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (ch === '"') quoted = false; else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(field); field = ''; } else if (ch === '\n') { row.push(field.replace(/\r$/, '')); rows.push(row); row = []; field = ''; } else field += ch;
  }
  if (field || row.length) rows.push([...row, field]);
  return rows;
}

/** The entries of a zip file (stored or deflated), by name. */
function unzip(buf: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const end = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = buf.readUInt16LE(end + 10);
  let at = buf.readUInt32LE(end + 16);
  for (let i = 0; i < count; i++) {
    const method = buf.readUInt16LE(at + 10);
    const size = buf.readUInt32LE(at + 20);
    const nameLen = buf.readUInt16LE(at + 28);
    const extra = buf.readUInt16LE(at + 30) + buf.readUInt16LE(at + 32);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.subarray(at + 46, at + 46 + nameLen).toString('utf8');
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(start, start + size);
    out.set(name, method === 8 ? inflateRawSync(data) : Buffer.from(data));
    at += 46 + nameLen + extra;
  }
  return out;
}

/** A worksheet's rows as text (inline strings and numbers). */
function sheetRows(xml: string): string[][] {
  return [...xml.matchAll(/<row[^>]*>([\s\S]*?)<\/row>/g)].map((r) => {
    const cells: string[] = [];
    for (const c of r[1]!.matchAll(/<c r="([A-Z]+)\d+"[^>]*>([\s\S]*?)<\/c>/g)) {
      const col = [...c[1]!].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0) - 1;
      const v = /<v>([^<]*)<\/v>/.exec(c[2]!)?.[1] ?? /<t[^>]*>([^<]*)<\/t>/.exec(c[2]!)?.[1] ?? '';
      cells[col] = v.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
    }
    return Array.from(cells, (x) => x ?? '');
  });
}

const kpi = (name: string) => stats.getByTestId(`kpi-${name}`).getAttribute('data-value');

describe('the statistics window', () => {
  it('opens from the console and shows the day’s figures, the same the hub computes', async () => {
    expect(new URL(stats.url()).pathname).toBe('/statistics');
    expect(await kpi('received')).toBe('3');
    expect(await kpi('registered')).toBe('2');
    expect(await kpi('dispatched')).toBe('2');
    expect(await kpi('closed')).toBe('1');
    expect(await kpi('return')).toBe('50');
    const row = stats.getByTestId('table-assessment-subdistrict').locator('tr', { hasText: '莘庄镇' });
    expect(await row.locator('td[data-col="received"]').innerText()).toBe('2');
    // Every string is translated: no i18n key shows.
    const text = await stats.locator('body').innerText();
    expect(text).not.toMatch(/statistics\.[a-zA-Z]/);
  });

  it('drills a figure down to its cases and opens one in the console', async () => {
    const row = stats.getByTestId('table-assessment-subdistrict').locator('tr', { hasText: '莘庄镇' });
    await row.locator('td[data-col="received"] button').click();
    await stats.locator('[data-testid="drill-panel"][data-total="2"]').waitFor();
    const listed = await stats.getByTestId('drill-case').evaluateAll((els) => els.map((e) => e.getAttribute('data-case-id')));
    expect(listed.sort()).toEqual([ids.c1, ids.c2].sort());
    await stats.locator(`[data-testid="drill-case"][data-case-id="${ids.c2}"] button`).click();
    await consolePage.locator(`[data-testid="case-view"][data-case-id="${ids.c2}"]`).waitFor({ timeout: 10_000 });
    await stats.getByTestId('drill-close').click();
    // The department's returned cases: only c2.
    const dept = stats.getByTestId('table-assessment-department').locator('tr', { hasText: '区绿化和市容管理局' });
    await dept.locator('td[data-col="return"] button').click();
    await stats.locator('[data-testid="drill-panel"][data-total="1"]').waitFor();
    expect(await stats.getByTestId('drill-case').getAttribute('data-case-id')).toBe(ids.c2);
    await stats.getByTestId('drill-close').click();
  });

  it('takes a screenshot at 1920×1080 when asked (SHOTS=<dir>)', async () => {
    if (!process.env.SHOTS) return;
    fs.mkdirSync(process.env.SHOTS, { recursive: true });
    await stats.setViewportSize({ width: 1920, height: 1080 });
    await stats.evaluate('window.scrollTo(0, 0)');
    await stats.waitForTimeout(800);
    await stats.screenshot({ path: path.join(process.env.SHOTS, 'statistics.png') });
  });

  it('exports a table as CSV (UTF-8 with BOM) and XLSX with the figures shown', async () => {
    const csv = await saved(stats, () => stats.getByTestId('csv-assessment-subdistrict').click());
    expect(csv.name).toMatch(/\.csv$/);
    expect([...csv.data.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parseCsv(csv.data.toString('utf8').slice(1));
    const header = rows[0]!;
    const received = header.indexOf('受理数');
    expect(received).toBeGreaterThan(0);
    expect(rows.find((r) => r[0] === '莘庄镇')?.[received]).toBe('2');
    expect(rows.find((r) => r[0] === '七宝镇')?.[received]).toBe('1');
    expect(rows.find((r) => r[0] === '全区合计')?.[received]).toBe('3');

    const xlsx = await saved(stats, () => stats.getByTestId('xlsx-assessment-department').click());
    expect(xlsx.name).toMatch(/\.xlsx$/);
    const files = unzip(xlsx.data);
    expect([...files.keys()]).toEqual(expect.arrayContaining(['[Content_Types].xml', 'xl/workbook.xml', 'xl/worksheets/sheet1.xml']));
    const sheet = sheetRows(files.get('xl/worksheets/sheet1.xml')!.toString('utf8'));
    const h = sheet[0]!;
    const greeningRow = sheet.find((r) => r[0] === '区绿化和市容管理局')!;
    expect(greeningRow[h.indexOf('派遣数')]).toBe('2');
    expect(greeningRow[h.indexOf('结案数')]).toBe('1');
    expect(greeningRow[h.indexOf('退回率 (%)')]).toBe('50');

    const all = await saved(stats, () => stats.getByTestId('export-all-xlsx').click());
    const book = unzip(all.data).get('xl/workbook.xml')!.toString('utf8');
    expect((book.match(/<sheet /g) ?? []).length).toBeGreaterThanOrEqual(9);
  });

  it('produces the PDF report of the period, with progress, cover, KPIs, charts and tables', async () => {
    const range = await stats.getByTestId('period-range').innerText();
    const date = /\d{4}-\d{2}-\d{2}/.exec(range)![0];
    await stats.getByTestId('open-report').click();
    await stats.locator('[data-testid="report"][data-ready="true"]').waitFor({ timeout: 30_000 });
    expect(await stats.getByTestId('report-kpi-received').locator('.value').innerText()).toBe('3');
    await stats.emulateMedia({ media: 'print' });
    // Electron would use webContents.printToPDF of this same view; here headless Chromium's page.pdf().
    const pdf = await stats.pdf({ format: 'A4', landscape: true, printBackground: true });
    await stats.emulateMedia({ media: 'screen' });
    if (process.env.SHOTS) fs.writeFileSync(path.join(process.env.SHOTS, 'statistics-report.pdf'), pdf);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = pdfText(pdf);
    expect(text).toContain(date);
    expect(text).toContain('50.0%');
    expect(text).toContain('统计报告');
    await stats.getByTestId('report-back').click();
    await stats.locator('[data-testid="statistics"][data-state="ready"]').waitFor();
  });

  it('says the center is offline when the hub cannot be reached', async () => {
    await t.cutHub();
    await stats.getByTestId('stats-refresh').click();
    await stats.locator('[data-testid="stats-error"][data-code="offline"]').waitFor({ timeout: 20_000 });
    await t.restoreHub();
  });
});
