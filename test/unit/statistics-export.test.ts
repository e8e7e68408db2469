// Issue 9: the statistics window's export writers (CSV with BOM, a dependency-free XLSX), its
// periods in Beijing time, its tables from the hub's answers, and the bridge's query schema.
import { describe, expect, it } from 'vitest';
import { inflateRawSync } from 'node:zlib';
import { columnName, crc32, sheetNames, toCsv, toXlsx, zip, type ExportTable } from '../../renderer/features/statistics/export';
import { periodOf, dayOf, dateOf, periodDates } from '../../renderer/features/statistics/period';
import { assessmentTable, exportOf, kpiTable, type Names } from '../../renderer/features/statistics/tables';
import { StatisticsQuerySchema, statisticsPath, AssessmentAnswerSchema } from '../../shared/bridge/statistics';
import { validateCall } from '../../shared/bridge/contract';

function unzip(buf: Buffer): Map<string, { method: number; crc: number; data: Buffer }> {
  const out = new Map<string, { method: number; crc: number; data: Buffer }>();
  const end = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = buf.readUInt16LE(end + 10);
  let at = buf.readUInt32LE(end + 16);
  for (let i = 0; i < count; i++) {
    expect(buf.readUInt32LE(at)).toBe(0x02014b50);
    const method = buf.readUInt16LE(at + 10);
    const crc = buf.readUInt32LE(at + 16);
    const size = buf.readUInt32LE(at + 20);
    const nameLen = buf.readUInt16LE(at + 28);
    const local = buf.readUInt32LE(at + 42);
    expect(buf.readUInt32LE(local)).toBe(0x04034b50);
    const name = buf.subarray(at + 46, at + 46 + nameLen).toString('utf8');
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(start, start + size);
    out.set(name, { method, crc, data: method === 8 ? inflateRawSync(raw) : Buffer.from(raw) });
    at += 46 + nameLen + buf.readUInt16LE(at + 30) + buf.readUInt16LE(at + 32);
  }
  return out;
}

const table: ExportTable = {
  title: '部门考核',
  header: ['部门', '受理数', '退回率 (%)', '备注'],
  rows: [['区绿化和市容管理局', 12, 8.3, '含"引号", 逗号'], ['七宝镇\n第二行', 0, null, ' 前后空格 ']],
};

describe('CSV', () => {
  it('is UTF-8 with a BOM, CRLF, RFC 4180 quoting, empty cells for null', () => {
    const csv = toCsv(table);
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect([...Buffer.from(csv, 'utf8').subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csv.slice(1)).toBe('部门,受理数,退回率 (%),备注\r\n区绿化和市容管理局,12,8.3,"含""引号"", 逗号"\r\n"七宝镇\n第二行",0,," 前后空格 "\r\n');
  });
});

describe('XLSX', () => {
  it('zips stored entries with correct CRCs that a zip reader takes', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    const z = Buffer.from(zip([{ name: 'a.txt', data: new TextEncoder().encode('你好') }, { name: 'dir/b.xml', data: new Uint8Array(0) }]));
    const files = unzip(z);
    expect(files.get('a.txt')!.data.toString('utf8')).toBe('你好');
    expect(files.get('a.txt')!.crc).toBe(crc32(new TextEncoder().encode('你好')));
    expect(files.get('dir/b.xml')!.data.length).toBe(0);
  });

  it('writes a workbook with one sheet per table, numbers as numbers, strings inline and escaped', () => {
    const files = unzip(Buffer.from(toXlsx([table, { title: '部门考核', header: ['a<b>&'], rows: [] }])));
    expect([...files.keys()].sort()).toEqual(['[Content_Types].xml', '_rels/.rels', 'xl/_rels/workbook.xml.rels', 'xl/styles.xml', 'xl/workbook.xml', 'xl/worksheets/sheet1.xml', 'xl/worksheets/sheet2.xml']);
    const wb = files.get('xl/workbook.xml')!.data.toString('utf8');
    expect(wb).toContain('<sheet name="部门考核" sheetId="1" r:id="rId1"/>');
    expect(wb).toContain('<sheet name="部门考核~2" sheetId="2" r:id="rId2"/>');
    const s1 = files.get('xl/worksheets/sheet1.xml')!.data.toString('utf8');
    expect(s1).toContain('<c r="B2"><v>12</v></c>');
    expect(s1).toContain('<c r="C2"><v>8.3</v></c>');
    expect(s1).toContain('<t xml:space="preserve">含"引号", 逗号</t>'.replace(/"/g, '&quot;').replace('xml:space=&quot;preserve&quot;', 'xml:space="preserve"'));
    expect(s1).not.toContain('r="C3"'); // null: no cell
    expect(files.get('xl/worksheets/sheet2.xml')!.data.toString('utf8')).toContain('a&lt;b&gt;&amp;');
    for (const f of files.values()) expect(f.method).toBe(0);
  });

  it('names columns and sheets as Excel requires', () => {
    expect([0, 25, 26, 27, 51, 52, 701, 702].map(columnName)).toEqual(['A', 'Z', 'AA', 'AB', 'AZ', 'BA', 'ZZ', 'AAA']);
    const names = sheetNames(['a/b:c*?[d]', 'x'.repeat(40), 'X'.repeat(40), '']);
    expect(names[0]).toBe('a b c   d');
    expect(names[1]).toHaveLength(31);
    expect(names[2]).not.toBe(names[1]);
    expect(names[2]!.length).toBeLessThanOrEqual(31);
    expect(names[3]).toBe('Sheet4');
  });
});

describe('periods (Beijing time)', () => {
  const now = Date.parse('2026-09-30T23:30:00+08:00'); // a Wednesday, late evening in Beijing, afternoon in UTC
  it('today, this week from Monday, this month, and the period before each', () => {
    const day = periodOf('today', now)!;
    expect([day.from, day.to]).toEqual([Date.parse('2026-09-30T00:00:00+08:00'), Date.parse('2026-10-01T00:00:00+08:00')]);
    expect(day.previousFrom).toBe(Date.parse('2026-09-29T00:00:00+08:00'));
    const week = periodOf('week', now)!;
    expect(week.from).toBe(Date.parse('2026-09-28T00:00:00+08:00'));
    expect(week.to - week.from).toBe(7 * 86_400_000);
    const month = periodOf('month', now)!;
    expect([month.from, month.to, month.previousFrom]).toEqual([Date.parse('2026-09-01T00:00:00+08:00'), Date.parse('2026-10-01T00:00:00+08:00'), Date.parse('2026-08-01T00:00:00+08:00')]);
    expect(periodDates(month)).toEqual({ from: '2026-09-01', to: '2026-09-30' });
  });
  it('custom dates include both ends; the previous period has the same length', () => {
    const p = periodOf('custom', now, { from: '2026-09-01', to: '2026-09-10' })!;
    expect(p.to - p.from).toBe(10 * 86_400_000);
    expect(p.previousTo).toBe(p.from);
    expect(p.from - p.previousFrom).toBe(10 * 86_400_000);
    expect(periodOf('custom', now, { from: '2026-09-10', to: '2026-09-01' })).toBeNull();
    expect(periodOf('custom', now, { from: '2026-02-30', to: '2026-03-01' })).toBeNull();
    expect(dateOf(dayOf('2024-02-29')!)).toBe('2024-02-29');
  });
});

const names: Names = {
  department: (c) => ({ greening: '区绿化和市容管理局' })[c] ?? '', subdistrict: (c) => ({ '310112101': '莘庄镇' })[c] ?? '',
  community: () => '', category: () => '', bigClass: () => '', source: (c) => c,
};
const t = (k: string, v?: Record<string, unknown>) => (v ? `${k}(${Object.values(v).join(',')})` : k);
const figures = (received: number, returned: number, dispatched: number) => ({
  counts: { received, registered: received, dispatched, dispatchedOnTime: dispatched, acceptedOnTime: 0, resolvedOnTime: 0, closed: 0, returned, reopened: 0, overdueNow: 1 },
  rates: { return: dispatched ? returned / dispatched : null, rework: null, dispatchOnTime: 1, onTimeClosure: null, closure: null },
  stages: { register: { n: 1, meanMinutes: 5.04, p90Minutes: 6 }, dispatch: { n: 0, meanMinutes: null, p90Minutes: null }, accept: { n: 0, meanMinutes: null, p90Minutes: null }, resolve: { n: 0, meanMinutes: null, p90Minutes: null }, close: { n: 0, meanMinutes: null, p90Minutes: null } },
  score: 83.333,
});

describe('tables', () => {
  const answer = AssessmentAnswerSchema.parse({
    from: 0, to: 86_400_000, asOf: 1, groupBy: 'department', weights: {},
    groups: [{ key: 'greening', name: null, figures: figures(3, 1, 3) }, { key: 'water', name: '区水务局', figures: figures(5, 0, 5) }],
    total: figures(8, 1, 8),
  });
  it('assessment rows sorted by received, rates in %, a total row, each count drills to its cases', () => {
    const tb = assessmentTable('x', 'X', answer, names, t);
    expect(tb.rows.map((r) => r.cells[0])).toEqual(['区水务局', '区绿化和市容管理局', 'statistics.total']);
    const col = (k: string) => tb.columns.findIndex((c) => c.key === k);
    const greening = tb.rows[1]!;
    expect(greening.cells[col('received')]).toBe(3);
    expect(greening.cells[col('return')]).toBe(33.3);
    expect(greening.cells[col('stage.register.mean')]).toBe(5);
    expect(greening.cells[col('score')]).toBe(83.3);
    expect(greening.drills![col('received')]).toEqual({ figure: 'received', groupBy: 'department', key: 'greening' });
    expect(greening.drills![col('return')]).toEqual({ figure: 'returned', groupBy: 'department', key: 'greening' });
    expect(tb.rows[2]!.drills![col('received')]!.key).toBeNull();
    expect(exportOf(tb).header[col('return')]).toBe('statistics.rate.return (%)');
  });
  it('the KPI table compares with the period before', () => {
    const k = kpiTable(answer.total, figures(4, 0, 4), t);
    const received = k.rows.find((r) => r.cells[0] === 'statistics.count.received')!;
    expect(received.cells.slice(1)).toEqual([8, 4, 4]);
  });
});

describe('the statistics bridge call', () => {
  it('checks its query and builds the hub path', () => {
    expect(validateCall('statistics', [{ kind: 'assessment', from: 0, to: 86_400_000, groupBy: 'subdistrict' }]).ok).toBe(true);
    expect(validateCall('statistics', [{ kind: 'assessment', from: 5, to: 5 }]).ok).toBe(false);
    expect(validateCall('statistics', [{ kind: 'drilldown', figure: 'rm -rf' }]).ok).toBe(false);
    expect(validateCall('statistics', [{ kind: 'drilldown', figure: 'received', key: '../../x' }]).ok).toBe(false);
    expect(validateCall('statistics', [{ kind: 'repeats', from: 0, to: 94 * 86_400_000 }]).ok).toBe(false);
    expect(validateCall('statistics', [{ kind: 'demands', from: 0, to: 1, extra: 1 }]).ok).toBe(false);
    const q = StatisticsQuerySchema.parse({ kind: 'drilldown', figure: 'stage.accept', groupBy: 'department', key: 'greening', from: 1, to: 2, limit: 10 });
    expect(statisticsPath(q)).toBe('/api/stats/drilldown?figure=stage.accept&groupBy=department&key=greening&from=1&to=2&limit=10');
  });
});
