// The ingestion endpoints ("many networks in one") against a real hub on loopback: keys, batch
// semantics, idempotent re-posts, and each network's own rules (CSV, video confidence, CAP).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startHub, type RunningHub } from '../../hub/server';
import { checkKey, ensureSourceKeys, KEYED_SOURCES, rotateSourceKey, type KeyedSource } from '../../hub/sources/keys';
import { VIDEO_ALGORITHMS } from '../../hub/sources/adapters';
import { DISTRICT_SEAT } from '../../hub/sources/cap';
import { MAX_RECORDS } from '../../hub/sources/routes';
import { parseCsv } from '../../hub/sources/csv';
import { parseXml } from '../../hub/sources/xml';
import { uuidFromHash } from '../../hub/sources/ids';
import type { IngestResult } from '../../hub/sources/ingest';
import type { Camera, Case } from '../../shared/protocol';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/sources');
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name));

let hub: RunningHub;
let dir: string;
let keys: Record<KeyedSource, string>;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-sources-'));
  hub = await startHub({ dataDir: dir, host: '127.0.0.1', port: 0, defaultAccounts: false, log: () => {} });
  // startHub may already have made the keys (and printed them): take fresh ones either way.
  keys = Object.fromEntries(await Promise.all(KEYED_SOURCES.map(async (s) => [s, await rotateSourceKey(hub.core, s)]))) as Record<KeyedSource, string>;
});

afterAll(async () => {
  await hub?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

interface Posted<T = IngestResult> { status: number; body: T }

async function post<T = IngestResult>(route: string, body: string | Buffer, opts: { key?: string | null; type?: string } = {}): Promise<Posted<T>> {
  const headers: Record<string, string> = { 'content-type': opts.type ?? 'application/json' };
  if (opts.key !== null && opts.key !== undefined) headers['x-api-key'] = opts.key;
  const res = await fetch(`${hub.url}/api/sources/${route}`, { method: 'POST', headers, body });
  return { status: res.status, body: (await res.json()) as T };
}

const postJson = (source: KeyedSource, records: unknown, route: string = source) => post(route, JSON.stringify(records), { key: keys[source] });

function cases(): Case[] {
  return (hub.core.db.prepare('SELECT state FROM cases').all() as { state: string }[]).map((r) => JSON.parse(r.state) as Case);
}
const caseById = (id: string) => cases().find((c) => c.id === id)!;
const caseCount = () => (hub.core.db.prepare('SELECT COUNT(*) AS n FROM cases').get() as { n: number }).n;

const order = (orderNo: string, extra: Record<string, unknown> = {}) => ({
  orderNo, category: '06010', urgency: 'normal', lng: 121.385, lat: 31.111, address: '莘庄镇沪闵路', caller: '市民',
  content: '路边暴露垃圾', receivedAt: '2026-05-02T08:00:00+08:00', ...extra,
});

describe('source keys', () => {
  it('stores only hashes, makes missing keys once, and checks in constant time', async () => {
    const rows = hub.core.db.prepare('SELECT source, key_hash FROM source_keys').all() as { source: string; key_hash: string }[];
    expect(rows.map((r) => r.source).sort()).toEqual([...KEYED_SOURCES].sort());
    for (const r of rows) {
      expect(r.key_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(Object.values(keys)).not.toContain(r.key_hash);
    }
    expect(await ensureSourceKeys(hub.core)).toBeNull();
    expect(await checkKey(hub.core, 'hotline', keys.hotline)).toBe(true);
    expect(await checkKey(hub.core, 'hotline', keys.patrol)).toBe(false);
    expect(await checkKey(hub.core, 'hotline', '')).toBe(false);
    expect(await checkKey(hub.core, 'hotline', undefined)).toBe(false);
    expect(await checkKey(hub.core, 'officer', 'anything')).toBe(false);
  });

  it('makes a key only for a source lacking one, and rotation retires the old key', async () => {
    hub.core.db.prepare(`DELETE FROM source_keys WHERE source = 'police'`).run();
    const made = await ensureSourceKeys(hub.core);
    expect(Object.keys(made ?? {})).toEqual(['police']);
    expect(await checkKey(hub.core, 'police', made!.police)).toBe(true);
    expect(await checkKey(hub.core, 'police', keys.police)).toBe(false);
    const old = made!.police!;
    keys.police = await rotateSourceKey(hub.core, 'police');
    expect((await post('police', '[]', { key: old })).status).toBe(401);
    expect((await post('police', '[]', { key: keys.police })).status).toBe(200);
  });

  it.each([
    ['hotline', 'application/json'], ['hotline/csv', 'text/csv'], ['patrol', 'application/json'],
    ['video', 'application/json'], ['police', 'application/json'], ['cap', 'application/xml'],
  ])('%s refuses a missing or wrong key with 401 unauthenticated', async (route, type) => {
    const before = caseCount();
    const missing = await post(route, '[]', { key: null, type });
    expect(missing.status).toBe(401);
    expect(missing.body).toMatchObject({ code: 'unauthenticated' });
    const wrong = await post(route, '[]', { key: 'lk_hotline_not-the-key', type });
    expect(wrong.status).toBe(401);
    // Another network's key is not this one's.
    const other = await post(route, '[]', { key: route.startsWith('hotline') ? keys.patrol : keys.hotline, type });
    expect(other.status).toBe(401);
    expect(caseCount()).toBe(before);
  });
});

describe('request refusals', () => {
  it('wrong content type → 415, unreadable body → 400, too large → 413, too many records → 400', async () => {
    const r415 = await post('hotline', JSON.stringify([order('X-1')]), { key: keys.hotline, type: 'text/plain' });
    expect(r415.status).toBe(415);
    expect(r415.body).toMatchObject({ code: 'invalid_input' });
    expect((await post('cap', '<alert/>', { key: keys.cap, type: 'application/json' })).status).toBe(415);
    expect((await post('hotline/csv', 'a,b', { key: keys.hotline, type: 'application/json' })).status).toBe(415);

    const bad = await post('hotline', '[{"orderNo": ', { key: keys.hotline });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'invalid_input' });
    expect((await post('hotline', '"just a string"', { key: keys.hotline })).status).toBe(400);
    expect((await post('hotline', Buffer.from([0x5b, 0xff, 0xfe, 0x5d]), { key: keys.hotline })).status).toBe(400);

    const huge = await post('patrol', JSON.stringify([{ text: 'x'.repeat(3 * 1024 * 1024) }]), { key: keys.patrol });
    expect(huge.status).toBe(413);

    const many = await post('police', JSON.stringify(Array.from({ length: MAX_RECORDS + 1 }, () => ({}))), { key: keys.police });
    expect(many.status).toBe(400);
    expect((many.body as unknown as { message: string }).message).toMatch(/at most/);
  });
});

describe('12345 hotline (JSON)', () => {
  const batch = [
    order('HL-0001'),
    order('HL-0002', { category: '09006', urgency: '加急', lng: '121.352', lat: '31.158', address: '七宝镇七莘路', caller: undefined, content: '人行道占道经营', receivedAt: '2026-05-02 09:15:00' }),
    order('HL-0003', { category: '99999' }),
    order('HL-0004', { lng: 121.60, lat: 31.25, address: '浦东新区' }),
    order('HL-0005', { lng: 'east', lat: 31.1 }),
    order('HL-0006', { lat: 131.1 }),
    { orderNo: 'HL-0007', category: '06010', lng: 121.385, lat: 31.111 },
    order('HL-0008', { category: 6010 }),
    'not an object',
    order('HL-0009', { urgency: 'urgent' }), // 06010 offers high and normal only
  ];
  let first: IngestResult;

  it('takes the good records and reports each bad one with its position and reason', async () => {
    const before = caseCount();
    const res = await postJson('hotline', batch);
    expect(res.status).toBe(200);
    first = res.body;
    expect(first.accepted.map((a) => [a.line, a.externalRef])).toEqual([[1, 'HL-0001'], [2, 'HL-0002']]);
    expect(first.duplicates).toEqual([]);
    expect(first.skipped).toEqual([]);
    const codes = Object.fromEntries(first.rejected.map((r) => [r.line, r.code]));
    expect(codes).toEqual({
      3: 'unknown_category', 4: 'outside_district', 5: 'invalid_input', 6: 'invalid_input', 7: 'invalid_input',
      8: 'invalid_input', 9: 'invalid_input', 10: 'unknown_urgency',
    });
    const missing = first.rejected.find((r) => r.line === 7)!;
    expect(missing.externalRef).toBe('HL-0007');
    expect(missing.message).toMatch(/address/);
    expect(missing.message).toMatch(/content/);
    expect(missing.message).toMatch(/receivedAt/);
    expect(first.rejected.find((r) => r.line === 5)!.message).toMatch(/lng/);
    expect(first.rejected.find((r) => r.line === 8)!.message).toMatch(/string code/);
    expect(caseCount()).toBe(before + 2);
  });

  it('made cases through the hub, as the hotline system actor', () => {
    const c1 = caseById(first.accepted[0]!.caseId);
    expect(c1).toMatchObject({
      source: 'hotline', externalRef: 'hotline:HL-0001', categoryCode: '06010', urgency: 'normal', status: 'reported',
      point: [121.385, 31.111], address: '莘庄镇沪闵路', reporter: '市民', description: '路边暴露垃圾',
      subdistrictCode: '310112101', reportedAt: Date.parse('2026-05-02T08:00:00+08:00'),
    });
    const c2 = caseById(first.accepted[1]!.caseId);
    // Numbers as strings, Chinese urgency words, and local Beijing time are understood.
    expect(c2).toMatchObject({ categoryCode: '09006', urgency: 'high', point: [121.352, 31.158], reporter: null, reportedAt: Date.parse('2026-05-02T09:15:00+08:00') });
    const audit = hub.core.db.prepare(`SELECT user_id FROM audit WHERE type = 'case.report' AND entity_id = ?`).get(c1.id) as { user_id: string };
    expect(audit.user_id).toBe('source:hotline');
  });

  it('a re-posted batch changes nothing: accepted come back as duplicates with the same cases', async () => {
    const before = caseCount();
    const head = hub.core.log.headSeq;
    const again = (await postJson('hotline', { orders: batch })).body;
    expect(again.accepted).toEqual([]);
    expect(again.duplicates).toEqual(first.accepted);
    expect(again.rejected).toEqual(first.rejected);
    expect(caseCount()).toBe(before);
    expect(hub.core.log.headSeq).toBe(head);
  });

  it('a corrected record is taken; a changed record whose order is already a case is a conflict naming it', async () => {
    const fixed = (await postJson('hotline', [order('HL-0003', { category: '06012' })])).body;
    expect(fixed.accepted).toHaveLength(1);
    const changed = (await postJson('hotline', [order('HL-0001', { content: '垃圾已堆了三天' })])).body;
    expect(changed.accepted).toEqual([]);
    expect(changed.rejected).toEqual([expect.objectContaining({ line: 1, externalRef: 'HL-0001', code: 'conflict', caseId: first.accepted[0]!.caseId })]);
    expect(caseById(first.accepted[0]!.caseId).description).toBe('路边暴露垃圾');
  });

  it('the same order twice in one batch is one case and one duplicate', async () => {
    const res = (await postJson('hotline', [order('HL-0100'), order('HL-0100')])).body;
    expect(res.accepted).toHaveLength(1);
    expect(res.duplicates).toEqual([{ line: 2, externalRef: 'HL-0100', caseId: res.accepted[0]!.caseId }]);
  });
  it('a long batch is committed in slices and answered in record order, refusals in between', async () => {
    const before = caseCount();
    const records = Array.from({ length: 80 }, (_, i) => (i % 9 === 4 ? order(`HL-2${i}`, { category: '99999' }) : i % 13 === 7 ? order('HL-0001', { content: `变了 ${i}` }) : order(`HL-2${i}`)));
    const res = (await postJson('hotline', records)).body;
    const expected = { unknown: [] as number[], conflict: [] as number[], accepted: [] as number[] };
    records.forEach((_, i) => (i % 9 === 4 ? expected.unknown : i % 13 === 7 ? expected.conflict : expected.accepted).push(i + 1));
    expect(res.accepted.map((a) => a.line)).toEqual(expected.accepted);
    expect(res.rejected.map((r) => r.line)).toEqual([...expected.unknown, ...expected.conflict].sort((a, b) => a - b));
    expect(res.rejected.filter((r) => r.code === 'conflict').map((r) => r.line)).toEqual(expected.conflict);
    expect(res.rejected.filter((r) => r.code === 'conflict').every((r) => r.caseId === first.accepted[0]!.caseId)).toBe(true);
    expect(caseCount()).toBe(before + expected.accepted.length);
  });
});

describe('12345 hotline (CSV)', () => {
  let res: IngestResult;

  it('reads quoted fields with commas, quotes and line breaks; reports bad lines by line number', async () => {
    const r = await post('hotline/csv', fixture('hotline.csv'), { key: keys.hotline, type: 'text/csv; charset=utf-8' });
    expect(r.status).toBe(200);
    res = r.body;
    expect(res.accepted.map((a) => [a.line, a.externalRef])).toEqual([[2, 'HL-CSV-001'], [3, 'HL-CSV-002'], [12, 'HL-CSV-009']]);
    expect(res.rejected.map((x) => [x.line, x.code])).toEqual([
      [5, 'invalid_input'], [6, 'invalid_input'], [7, 'unknown_category'], [8, 'outside_district'], [9, 'invalid_input'], [10, 'invalid_input'],
    ]);
    expect(res.rejected[0]!.message).toMatch(/closing quote/);
    expect(res.rejected[1]!.message).toMatch(/7 fields, the header has 9/);
    expect(res.rejected[5]!.message).toMatch(/receivedAt/);
    const c1 = caseById(res.accepted[0]!.caseId);
    expect(c1).toMatchObject({ address: '莘庄镇沪闵路6258号, 南门', description: '门口垃圾堆放两天无人清理, 气味很大', reportedAt: Date.UTC(2026, 4, 1, 1, 30) });
    const c2 = caseById(res.accepted[1]!.caseId);
    expect(c2).toMatchObject({ urgency: 'high', reporter: null, description: '七莘路人行道上有人摆摊\n占用盲道，"夜市"持续到凌晨' });
  });

  it('the same file again: duplicates, no new case; the JSON and CSV paths agree on identity', async () => {
    const before = caseCount();
    const again = (await post('hotline/csv', fixture('hotline.csv'), { key: keys.hotline, type: 'text/csv' })).body;
    expect(again.duplicates).toEqual(res.accepted);
    expect(caseCount()).toBe(before);
  });

  it('handles CRLF without BOM, Chinese headers, and GB18030 bodies; refuses a header lacking columns', async () => {
    const csv = '工单编号,分类编码,经度,纬度,地址,诉求内容,受理时间,extra\r\nHL-CSV-100,06010,121.385,31.111,莘庄镇,垃圾,2026-05-03 08:00,ignored\r\n';
    const r = (await post('hotline/csv', csv, { key: keys.hotline, type: 'text/csv' })).body;
    expect(r.accepted.map((a) => [a.line, a.externalRef])).toEqual([[2, 'HL-CSV-100']]);
    expect(caseById(r.accepted[0]!.caseId).urgency).toBe('normal');

    // 莘庄镇 in GB18030, the encoding of many Chinese exports.
    const gbk = Buffer.concat([
      Buffer.from('orderNo,category,lng,lat,address,content,receivedAt\nHL-CSV-101,06010,121.385,31.111,'),
      Buffer.from([0xdd, 0xb7, 0xd7, 0xaf, 0xd5, 0xf2]),
      Buffer.from(',x,2026-05-03 08:00\n'),
    ]);
    const g = (await post('hotline/csv', gbk, { key: keys.hotline, type: 'text/csv; charset=GB18030' })).body;
    expect(caseById(g.accepted[0]!.caseId).address).toBe('莘庄镇');

    const noHeader = await post('hotline/csv', 'orderNo,category\nA,06010\n', { key: keys.hotline, type: 'text/csv' });
    expect(noHeader.status).toBe(400);
    expect((noHeader.body as unknown as { message: string }).message).toMatch(/lng/);
    expect((await post('hotline/csv', '', { key: keys.hotline, type: 'text/csv' })).status).toBe(400);
  });
});

describe('patrol', () => {
  it('takes a report with photos as attachments; a single object is a batch of one', async () => {
    const report = {
      reportId: 'PT-001', patrolUnit: '莘庄镇网格巡查一组', category: '09006', lng: 121.39, lat: 31.115, address: '莘庄镇莘松路',
      text: '路口流动摊贩占道', photos: [{ name: 'a.jpg', mime: 'image/jpeg', size: 123456, url: 'https://patrol.example/p/a.jpg' }],
      at: '2026-05-02T10:00:00+08:00',
    };
    const res = (await postJson('patrol', report)).body;
    expect(res.accepted).toEqual([{ line: 1, externalRef: 'PT-001', caseId: expect.any(String) }]);
    const c = caseById(res.accepted[0]!.caseId);
    expect(c).toMatchObject({ source: 'patrol', externalRef: 'patrol:PT-001', reporter: '莘庄镇网格巡查一组', urgency: 'normal' });
    expect(c.attachments).toEqual([{ id: 'PT-001-p1', name: 'a.jpg', mime: 'image/jpeg', size: 123456, url: 'https://patrol.example/p/a.jpg' }]);
  });

  it('rejects unsafe photo links, bad points and missing text', async () => {
    const res = (await postJson('patrol', { reports: [
      { reportId: 'PT-002', category: '06010', lng: 121.39, lat: 31.115, text: 'x', photos: [{ name: 'a', mime: 'image/png', size: 1, url: 'javascript:alert(1)' }] },
      { reportId: 'PT-003', category: '06010', lng: 121.47, lat: 31.23, text: '市区' },
      { reportId: 'PT-004', category: '06010', lng: 121.39, lat: 31.115 },
      { reportId: 'PT-005', category: '06010', lng: 121.39, lat: 31.115, text: '好的', address: '' },
    ] })).body;
    expect(res.rejected.map((r) => [r.line, r.code])).toEqual([[1, 'invalid_input'], [2, 'outside_district'], [3, 'invalid_input']]);
    expect(res.rejected[0]!.message).toMatch(/http/);
    expect(res.accepted.map((a) => a.line)).toEqual([4]);
    // The patrol report has no time: the hub's receipt time stands.
    expect(caseById(res.accepted[0]!.caseId).reportedAt).toBeGreaterThan(Date.now() - 60_000);
  });
});

describe('video AI', () => {
  let camera: Camera;
  beforeAll(() => {
    camera = JSON.parse((hub.core.db.prepare('SELECT state FROM cameras ORDER BY id LIMIT 1').get() as { state: string }).state) as Camera;
  });

  it('every algorithm maps to a category and urgency the catalog knows', () => {
    for (const [algo, m] of Object.entries(VIDEO_ALGORITHMS)) {
      expect(() => hub.core.rules.checkCategory(m.categoryCode, m.urgency), algo).not.toThrow();
    }
  });

  it('places an alarm at its camera, skips low confidence, rejects unknown algorithms and cameras', async () => {
    const at = '2026-05-02T11:00:00+08:00';
    const res = (await postJson('video', { alarms: [
      { alarmId: 'VA-001', cameraId: camera.id, algorithm: 'garbage', confidence: 0.91, at, snapshotUrl: 'https://video.example/s/VA-001.jpg' },
      { alarmId: 'VA-002', cameraId: camera.id, algorithm: 'occupy_road', confidence: 0.42, at },
      { alarmId: 'VA-003', cameraId: camera.id, algorithm: 'ufo', confidence: 0.99, at },
      { alarmId: 'VA-004', cameraId: 'cam-nope', algorithm: 'garbage', confidence: 0.9, at },
      { alarmId: 'VA-005', cameraId: 'cam-nope', algorithm: 'fire_smoke', confidence: 0.8, lng: 121.385, lat: 31.111, at },
      { alarmId: 'VA-006', cameraId: camera.id, algorithm: 'ponding', confidence: 1.3, at },
      { alarmId: 'VA-007', cameraId: camera.id, algorithm: 'ponding', confidence: 0.7, lng: 121.385, at },
    ] })).body;
    expect(res.accepted.map((a) => [a.line, a.externalRef])).toEqual([[1, 'VA-001'], [5, 'VA-005']]);
    expect(res.skipped).toEqual([{ line: 2, externalRef: 'VA-002', reason: expect.stringMatching(/confidence 0.42 below the threshold 0.6/) }]);
    expect(res.rejected.map((r) => [r.line, r.code])).toEqual([[3, 'unknown_category'], [4, 'not_found'], [6, 'invalid_input'], [7, 'invalid_input']]);
    const c1 = caseById(res.accepted[0]!.caseId);
    expect(c1).toMatchObject({ source: 'video', categoryCode: '06010', point: camera.point, address: camera.name, subdistrictCode: camera.subdistrictCode });
    expect(c1.attachments[0]).toMatchObject({ url: 'https://video.example/s/VA-001.jpg' });
    expect(caseById(res.accepted[1]!.caseId)).toMatchObject({ categoryCode: '90004', urgency: 'urgent', point: [121.385, 31.111] });
    const again = (await postJson('video', { alarmId: 'VA-001', cameraId: camera.id, algorithm: 'garbage', confidence: 0.91, at, snapshotUrl: 'https://video.example/s/VA-001.jpg' })).body;
    expect(again.duplicates).toEqual([{ line: 1, externalRef: 'VA-001', caseId: res.accepted[0]!.caseId }]);
  });
});

describe('110 police referrals', () => {
  it('takes referrals with their urgency; urgency is required here', async () => {
    const ref = { referralNo: 'JJ-2026-0001', category: '93001', urgency: 'urgent', lng: 121.372, lat: 31.179, address: '虹桥镇', summary: '两人在路口发生争执并扭打', at: '2026-05-02T22:10:00+08:00' };
    const res = (await postJson('police', { referrals: [ref, { ...ref, referralNo: 'JJ-2026-0002', urgency: undefined }] })).body;
    expect(res.accepted).toHaveLength(1);
    expect(caseById(res.accepted[0]!.caseId)).toMatchObject({ source: 'police', categoryCode: '93001', urgency: 'urgent', reporter: '110联动', externalRef: 'police:JJ-2026-0001' });
    expect(res.rejected).toEqual([expect.objectContaining({ line: 2, externalRef: 'JJ-2026-0002', code: 'invalid_input', message: expect.stringMatching(/urgency/) })]);
  });
});

describe('CAP 1.2 warnings', () => {
  const cap = (name: string, type = 'application/cap+xml') => post('cap', fixture(name), { key: keys.cap, type });
  let typhoonCase: string;

  it('Actual Severe typhoon → an urgent case at the area centroid, from the Chinese info', async () => {
    const r = await cap('cap-typhoon-severe.xml');
    expect(r.status).toBe(200);
    expect(r.body.accepted).toEqual([{ line: 1, externalRef: '31000041600000_20260728093000_1', caseId: expect.any(String) }]);
    expect(r.body.advisories).toEqual([]);
    typhoonCase = r.body.accepted[0]!.caseId;
    const c = caseById(typhoonCase);
    expect(c).toMatchObject({ source: 'cap', categoryCode: '90013', urgency: 'urgent', address: '闵行区中部', reporter: '上海中心气象台', reportedAt: Date.parse('2026-07-28T09:30:00+08:00') });
    expect(c.point[0]).toBeCloseTo(121.385, 6);
    expect(c.point[1]).toBeCloseTo(31.11, 6);
    expect(c.description).toMatch(/台风橙色预警/);
    expect(c.description).toMatch(/10~11 级大风 & 暴雨/);
    expect(c.description).toMatch(/定位：预警区域中心/);
    const again = await cap('cap-typhoon-severe.xml', 'application/xml');
    expect(again.body.duplicates).toEqual(r.body.accepted);
  });

  it('status Test → skipped with a reason, no case', async () => {
    const before = caseCount();
    const r = (await cap('cap-test-status.xml', 'text/xml')).body;
    expect(r.accepted).toEqual([]);
    expect(r.skipped).toEqual([{ line: 1, externalRef: '31000041600000_20260728100000_2', reason: expect.stringMatching(/Test/) }]);
    expect(caseCount()).toBe(before);
  });

  it('Moderate rainstorm → an advisory in the response, no case', async () => {
    const before = caseCount();
    const r = (await cap('cap-rainstorm-moderate.xml')).body;
    expect(r.accepted).toEqual([]);
    expect(r.advisories).toEqual([expect.objectContaining({ line: 1, externalRef: '31000041600000_20260728110000_3', event: '暴雨', severity: 'Moderate', headline: '暴雨黄色预警', areaDesc: '上海市' })]);
    expect(caseCount()).toBe(before);
  });

  it('an area whose centroid lies outside the district puts the case at the district seat', async () => {
    const r = (await cap('cap-flood-outside.xml')).body;
    expect(r.accepted).toHaveLength(1);
    const c = caseById(r.accepted[0]!.caseId);
    expect(c.point).toEqual(DISTRICT_SEAT);
    expect(c.subdistrictCode).toBe('310112101');
    expect(c.description).toMatch(/定位：区政府/);
  });

  it('an alert for an area far from the district is skipped', async () => {
    const r = (await cap('cap-far-away.xml')).body;
    expect(r.skipped).toEqual([{ line: 1, externalRef: '44000041600000_20260728120000_9', reason: expect.stringMatching(/does not reach the district/) }]);
  });

  it('an Update of an alert that is a case is noted on that case, not a new case', async () => {
    const before = caseCount();
    const version = caseById(typhoonCase).version;
    const r = (await cap('cap-typhoon-update.xml')).body;
    expect(r.accepted).toEqual([]);
    expect(r.skipped).toEqual([{ line: 1, externalRef: '31000041600000_20260728150000_5', reason: expect.stringMatching(/noted on the case/), caseId: typhoonCase }]);
    expect(caseCount()).toBe(before);
    expect(caseById(typhoonCase).version).toBe(version + 1);
    const ev = hub.core.db.prepare(`SELECT data FROM events WHERE type = 'case.commented' AND id = ? ORDER BY seq DESC LIMIT 1`).get(typhoonCase) as { data: string };
    expect(ev.data).toMatch(/升级为红色预警/);
    // Posted again: the same note, not a second one.
    await cap('cap-typhoon-update.xml');
    expect(caseById(typhoonCase).version).toBe(version + 1);
  });

  it('malformed XML → 400; a CAP alert with bad fields → a rejected record', async () => {
    const bad = await cap('cap-malformed.xml');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/malformed XML.*statu/) });
    const notCap = await post('cap', '<alert xmlns="urn:oasis:names:tc:emergency:cap:1.1"/>', { key: keys.cap, type: 'application/xml' });
    expect(notCap.status).toBe(400);
    const doctype = await post('cap', '<!DOCTYPE x [<!ENTITY a "aaaa">]><alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">&a;</alert>', { key: keys.cap, type: 'application/xml' });
    expect(doctype.status).toBe(400);

    const fields = await cap('cap-missing-fields.xml');
    expect(fields.status).toBe(200);
    expect(fields.body.rejected).toHaveLength(1);
    const rej = fields.body.rejected[0]!;
    expect(rej).toMatchObject({ line: 1, externalRef: '31000041600000_20260728130000_7', code: 'invalid_input' });
    expect(rej.message).toMatch(/sent/);
    expect(rej.message).toMatch(/severity/);
    expect(rej.message).toMatch(/polygon/);
  });
});

describe('readers', () => {
  it('CSV: quotes, escaped quotes, CRLF/CR, blank lines, line numbers, recovery after a bad record', () => {
    expect(parseCsv('a,b\r\n"x, y","say ""hi"""\r\n\r\n"multi\nline",z\rlast,1')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['x, y', 'say "hi"'] },
      { line: 4, fields: ['multi\nline', 'z'] },
      { line: 6, fields: ['last', '1'] },
    ]);
    expect(parseCsv('a,b"c\nd,e\n"open,f\ng,h')).toEqual([
      { line: 1, error: expect.stringMatching(/stray quote/) },
      { line: 2, fields: ['d', 'e'] },
      { line: 3, error: expect.stringMatching(/unterminated/) },
    ]);
    expect(parseCsv('\uFEFFa,,\n')).toEqual([{ line: 1, fields: ['a', '', ''] }]);
  });

  it('XML: namespaces, entities, CDATA, and refusals', () => {
    const el = parseXml('<?xml version="1.0"?><p:a xmlns:p="urn:x" k=\'v&amp;w\'><!-- c --><p:b>1 &lt; 2 &#x4E2D;</p:b><c xmlns="urn:y"><![CDATA[<raw>]]></c></p:a>');
    expect(el).toMatchObject({ name: 'a', ns: 'urn:x', attrs: { k: 'v&w' } });
    expect(el.children.map((c) => [c.name, c.ns, c.text])).toEqual([['b', 'urn:x', '1 < 2 中'], ['c', 'urn:y', '<raw>']]);
    for (const bad of ['<a><b></a>', '<a>', '<a/><b/>', '<q:a/>', '<a x="1" x="2"/>', '<a>&ent;</a>', '<!DOCTYPE a><a/>', '', '<a>x & y</a>']) {
      expect(() => parseXml(bad), bad).toThrow();
    }
  });

  it('command ids are RFC 9562 version-5 shaped and deterministic', () => {
    const id = uuidFromHash('hotline', 'HL-1');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(uuidFromHash('hotline', 'HL-1')).toBe(id);
    expect(uuidFromHash('hotline', 'HL-2')).not.toBe(id);
    expect(uuidFromHash('a', 'bc')).not.toBe(uuidFromHash('ab', 'c'));
  });
});
