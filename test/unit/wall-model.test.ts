// The wall's pure parts (issue 7): layouts as data (checked, exported, imported), the rotation
// and its interruptions, the figures, the live feed and its alerts, camera choice and streams.
import { describe, expect, it } from 'vitest';
import { SettingsSchema } from '../../shared/bridge/contract';
import type { Camera, Case, Operation } from '../../shared/protocol/entities';
import { backoffMs, chooseCameras, classifyStream } from '../../renderer/features/wall/cameras';
import { isOperationAlert, isUrgentArrival, tapBridge, WallFeed, type WallAlert } from '../../renderer/features/wall/feed';
import {
  ALERT_LAYOUT, DEFAULT_WALL, exportWalls, parseWallConfig, parseWallFile, resolveWall, scheduleOverrides, wallNameOf, WallSchema,
} from '../../renderer/features/wall/layouts';
import { MjpegParser } from '../../renderer/features/wall/mjpeg';
import { COOLDOWN_MS, followed, interrupt, startRotation, tick } from '../../renderer/features/wall/rotation';
import { CENTER_BUCKET, computeWallStats } from '../../renderer/features/wall/stats';
import type { ChangeBatch, LinkageBridge, Snapshot } from '../../shared/bridge/contract';

const T0 = Date.parse('2026-11-25T09:00:00+08:00');
const MIN = 60_000;
const HOUR = 60 * MIN;

function aCase(id: string, over: Partial<Case> = {}): Case {
  return {
    id, version: 1, status: 'reported', previousStatus: null, source: 'hotline', externalRef: null, categoryCode: '06010', urgency: 'normal',
    point: [121.38, 31.11], address: '', subdistrictCode: '310112101', communityCode: '310112101001', reporter: null, description: '',
    attachments: [], owners: [], reportedAt: T0, registeredAt: null, dispatchedAt: null, acceptedAt: null, resolvedAt: null, closedAt: null,
    dispatchDue: T0 + 30 * MIN, handlingDue: null, dueSoonAt: null, overdueAt: null, mergedInto: null, updatedAt: T0, ...over,
  };
}

function anOp(id: string, over: Partial<Operation> = {}): Operation {
  return {
    id, version: 1, planId: 'typhoon-flood', hazard: 'typhoon-flood', level: 3, status: 'active', caseIds: [], area: null, subdistrictCodes: ['310112101'],
    tasks: [], log: [], activatedAt: T0, activatedBy: 'u1', stoodDownAt: null, summary: null, updatedAt: T0, ...over,
  } as Operation;
}

function aCamera(id: string, point: [number, number], over: Partial<Camera> = {}): Camera {
  return { id, version: 1, name: id, kind: 'road', point, subdistrictCode: '310112101', communityCode: '310112101001', status: 'online', stream: null, updatedAt: T0, ...over };
}

describe('wall layouts', () => {
  it('the built-in layouts are valid, and settings accept walls (default: none)', () => {
    expect(WallSchema.safeParse(DEFAULT_WALL).success).toBe(true);
    expect(WallSchema.safeParse({ ...DEFAULT_WALL, alertLayout: ALERT_LAYOUT }).success).toBe(true);
    expect(SettingsSchema.parse({}).walls).toEqual({});
    expect(SettingsSchema.parse({ walls: { main: DEFAULT_WALL } }).walls?.main?.layouts).toHaveLength(2);
    expect(SettingsSchema.safeParse({ walls: { 'Bad Name': DEFAULT_WALL } }).success).toBe(false);
  });

  it('refuses unknown kinds, unknown options, panels off the grid or overlapping, two maps, duplicate ids', () => {
    const one = (panels: unknown[], extra = {}) => JSON.stringify({ layouts: [{ id: 'a', columns: 4, rows: 2, panels }], ...extra });
    const p = (kind: string, col: number, row: number, colSpan = 1, rowSpan = 1, options = {}) => ({ kind, col, row, colSpan, rowSpan, options });
    expect(parseWallConfig(one([p('kpis', 1, 1)])).ok).toBe(true);
    const bad = (text: string, what: RegExp) => {
      const r = parseWallConfig(text);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.message).toMatch(what);
    };
    bad(one([p('radar', 1, 1)]), /unknown panel kind 'radar'/);
    bad(one([p('cameras', 1, 1, 1, 1, { size: 5 })]), /size/);
    bad(one([p('ticker', 1, 1, 1, 1, { colour: 'red' })]), /colour/);
    bad(one([p('map', 3, 1, 3, 1)]), /does not fit/);
    bad(one([p('map', 1, 1, 2, 2), p('kpis', 2, 2)]), /overlaps panel 1 at column 2, row 2/);
    bad(one([p('map', 1, 1), p('map', 2, 1)]), /one map per layout/);
    bad(JSON.stringify({ layouts: [{ id: 'a', columns: 1, rows: 1, panels: [p('clock', 1, 1)] }, { id: 'a', columns: 1, rows: 1, panels: [p('clock', 1, 1)] }] }), /used twice/);
    bad('{', /not JSON/);
  });

  it('resolves a wall: settings when valid, else the built-in one with the reason', () => {
    expect(resolveWall(undefined, 'main')).toMatchObject({ source: 'default', problem: null });
    expect(resolveWall({}, 'lobby').config).toBe(DEFAULT_WALL);
    const custom = { ...DEFAULT_WALL, rotateSeconds: 20 };
    expect(resolveWall({ main: custom }, 'main')).toMatchObject({ source: 'settings', config: { rotateSeconds: 20 } });
    const broken = resolveWall({ main: { layouts: [] } }, 'main');
    expect(broken.source).toBe('default');
    expect(broken.problem).toBeTruthy();
  });

  it('exports and imports walls as a checked JSON file', () => {
    const file = exportWalls(undefined, 'main');
    expect(file).toMatchObject({ format: 'linkage-walls', version: 1 });
    const back = parseWallFile(JSON.stringify(file));
    expect(back.ok && back.walls.main?.layouts.map((l) => l.id)).toEqual(['overview', 'cameras']);
    expect(parseWallFile(JSON.stringify({ ...file, format: 'other' })).ok).toBe(false);
    const damaged = structuredClone(file) as unknown as { walls: { main: { layouts: Array<{ panels: Array<{ kind: string }> }> } } };
    damaged.walls.main.layouts[0]!.panels[0]!.kind = 'radar';
    const r = parseWallFile(JSON.stringify(damaged));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/radar/);
  });

  it('reads the page: wall names and schedule overrides', () => {
    expect(wallNameOf('/wall/main')).toBe('main');
    expect(wallNameOf('/wall/east-2/')).toBe('east-2');
    expect(wallNameOf('/wall/%3Cx%3E')).toBe('main');
    expect(wallNameOf('/')).toBeNull();
    expect(scheduleOverrides('?rotate=2&alert=5')).toEqual({ rotateSeconds: 2, alertSeconds: 5 });
    expect(scheduleOverrides('?rotate=0&alert=x')).toEqual({ rotateSeconds: undefined, alertSeconds: undefined });
  });
});

describe('wall rotation', () => {
  const cfg = { ...DEFAULT_WALL, rotateSeconds: 60, alertSeconds: 90 };
  const caseAlert = (id: string, at: number): WallAlert => ({ kind: 'case', id, at });

  it('rotates each layout for its seconds, a layout’s own seconds first, a test override over all', () => {
    let s = startRotation(cfg, T0);
    expect(tick(s, cfg, T0 + 59_000)).toBe(s);
    s = tick(s, cfg, T0 + 60_000);
    expect(s.index).toBe(1);
    s = tick(s, cfg, T0 + 120_000);
    expect(s.index).toBe(0);
    const own = { ...cfg, layouts: [{ ...cfg.layouts[0]!, seconds: 10 }, cfg.layouts[1]!] };
    expect(tick(startRotation(own, T0), own, T0 + 10_000).index).toBe(1);
    expect(tick(startRotation(own, T0, { rotateSeconds: 2 }), own, T0 + 2_000, { rotateSeconds: 2 }).index).toBe(1);
  });

  it('an alert holds the wall, then the rotation resumes where it was', () => {
    let s = tick(startRotation(cfg, T0), cfg, T0 + 60_000); // on layout 1
    s = interrupt(s, caseAlert('c1', T0 + 70_000), cfg, T0 + 70_000);
    expect(s.alert).toMatchObject({ id: 'c1', until: T0 + 160_000 });
    expect(tick(s, cfg, T0 + 150_000).alert).not.toBeNull(); // layouts do not rotate under an alert
    s = tick(s, cfg, T0 + 160_000);
    expect(s.alert).toBeNull();
    expect(s.index).toBe(1);
    expect(s.nextAt).toBe(T0 + 220_000);
    expect(followed(s, T0 + 200_000)?.id).toBe('c1');
    expect(followed(s, T0 + 70_000 + 31 * MIN)).toBeNull();
  });

  it('a streak of alerts holds at most twice the hold; then cases wait for the cooldown, operations do not', () => {
    let s = interrupt(startRotation(cfg, T0), caseAlert('c1', T0), cfg, T0);
    s = interrupt(s, caseAlert('c2', T0 + 80_000), cfg, T0 + 80_000);
    expect(s.alert).toMatchObject({ id: 'c2', until: T0 + 170_000 });
    s = interrupt(s, caseAlert('c3', T0 + 170_000 - 1), cfg, T0 + 170_000 - 1);
    expect(s.alert?.until).toBe(T0 + 180_000);
    s = tick(s, cfg, T0 + 180_000);
    expect(s.alert).toBeNull();
    const quiet = interrupt(s, caseAlert('c4', T0 + 200_000), cfg, T0 + 200_000);
    expect(quiet.alert).toBeNull();
    expect(quiet.last?.id).toBe('c4');
    expect(interrupt(s, { kind: 'operation', id: 'op1', at: T0 + 200_000 }, cfg, T0 + 200_000).alert?.id).toBe('op1');
    expect(interrupt(s, caseAlert('c5', T0 + 180_000 + COOLDOWN_MS), cfg, T0 + 180_000 + COOLDOWN_MS).alert?.id).toBe('c5');
  });
});

describe('wall figures', () => {
  it('counts today’s flow, open and overdue (by department, the center’s own, by subdistrict), sources, per hour', () => {
    const now = T0 + 2 * HOUR;
    const s = computeWallStats([
      aCase('a', { reportedAt: T0, dispatchDue: T0 + 10 * MIN }), // overdue in dispatch: the center's
      aCase('b', { status: 'dispatched', reportedAt: T0 + HOUR, registeredAt: T0 + HOUR, dispatchedAt: T0 + HOUR, owners: ['greening'], handlingDue: T0 + HOUR + 30 * MIN, source: 'patrol', subdistrictCode: '310112102' }),
      aCase('c', { status: 'closed', reportedAt: T0 - 30 * HOUR, registeredAt: T0 - 30 * HOUR, dispatchedAt: T0 - 29 * HOUR, resolvedAt: T0 + 30 * MIN, closedAt: T0 + 40 * MIN, handlingDue: T0 + HOUR }),
      aCase('d', { status: 'closed', reportedAt: T0, closedAt: T0 + 50 * MIN, resolvedAt: T0 + 45 * MIN, handlingDue: T0 + 20 * MIN }),
    ], now);
    // 按期结案率: due today b (open), c (closed in time), d (resolved late) → 1 of 3.
    expect(s).toMatchObject({ reported: 3, registered: 1, dispatched: 1, closed: 2, onTime: 1 / 3, open: 2, overdue: 2 });
    expect(s.overdueByDepartment).toEqual([[CENTER_BUCKET, 1], ['greening', 1]]);
    expect(s.overdueBySubdistrict).toEqual([['310112101', 1], ['310112102', 1]]);
    expect(s.sources).toEqual([['hotline', 2], ['patrol', 1]]);
    expect(s.hourly[9]).toBe(2);
    expect(s.hourly[10]).toBe(1);
    expect(computeWallStats([], now).onTime).toBeNull();
  });
});

describe('wall feed', () => {
  const known = new Map<string, Case>();
  const make = () => new WallFeed({ caseBefore: (id) => known.get(id), now: () => T0 + MIN, keep: 5 });
  const batch = (over: Partial<ChangeBatch>): Partial<ChangeBatch> => ({ cases: [], removed: { cases: [], units: [], cameras: [] }, ...over });

  it('alerts on a new fresh urgent report and a new or escalated operation, once, never from a snapshot', () => {
    expect(isUrgentArrival(aCase('u', { urgency: 'urgent' }), undefined, T0 + MIN)).toBe(true);
    expect(isUrgentArrival(aCase('u', { urgency: 'urgent' }), aCase('u'), T0 + MIN)).toBe(false);
    expect(isUrgentArrival(aCase('u', { urgency: 'high' }), undefined, T0 + MIN)).toBe(false);
    expect(isUrgentArrival(aCase('u', { urgency: 'urgent' }), undefined, T0 + 11 * MIN)).toBe(false);
    expect(isOperationAlert(anOp('o', { level: 2 }), anOp('o', { level: 3 }), T0)).toBe(true);
    expect(isOperationAlert(anOp('o', { level: 4 }), anOp('o', { level: 3 }), T0)).toBe(false);

    const feed = make();
    const alerts: WallAlert[] = [];
    feed.onAlert((a) => alerts.push(a));
    feed.apply(batch({ cases: [aCase('early', { urgency: 'urgent' })] })); // before the first snapshot: catch-up, not news
    feed.reset({ cases: [aCase('x', { urgency: 'urgent' })], operations: [anOp('o1')] });
    expect(alerts).toEqual([]);
    const urgent = aCase('u1', { urgency: 'urgent' });
    feed.apply(batch({ cases: [urgent] }));
    feed.apply(batch({ cases: [urgent] })); // the same case twice within a frame
    feed.apply(batch({ operations: [anOp('o2')] }));
    feed.apply(batch({ operations: [anOp('o1', { version: 2, level: 2 })] }));
    expect(alerts.map((a) => `${a.kind}:${a.id}`)).toEqual(['case:u1', 'operation:o2', 'operation:o1']);
    expect(feed.getState().operations.map((o) => o.id)).toEqual(['o1', 'o2']); // level Ⅱ first
    feed.apply(batch({ removed: { cases: [], units: [], cameras: [], operations: ['o2'] } }));
    expect(feed.getState().operations.map((o) => o.id)).toEqual(['o1']);
  });

  it('keeps a bounded ticker of status changes and overdue marks, newest first', () => {
    const feed = make();
    feed.reset({ cases: Array.from({ length: 9 }, (_, i) => aCase(`s${i}`, { updatedAt: T0 + i })) });
    expect(feed.getState().ticker.map((x) => x.caseId)).toEqual(['s8', 's7', 's6', 's5', 's4']);
    known.set('s1', aCase('s1'));
    feed.apply(batch({ cases: [aCase('s1', { version: 2, status: 'registered', updatedAt: T0 + 100 })] }));
    feed.apply(batch({ cases: [aCase('s1', { version: 2, comment: 'x', updatedAt: T0 + 101 } as Partial<Case>)] })); // same status: not news
    known.set('s1', aCase('s1', { version: 2, status: 'registered' }));
    feed.apply(batch({ cases: [aCase('s1', { version: 3, status: 'registered', overdueAt: T0 + 200, updatedAt: T0 + 200 })] }));
    const t = feed.getState().ticker;
    expect(t).toHaveLength(5);
    expect(t.slice(0, 2).map((x) => `${x.caseId}:${x.kind}:${x.status}`)).toEqual(['s1:overdue:registered', 's1:status:registered']);
    known.clear();
  });

  it('taps a bridge without losing its calls or its link extras', async () => {
    const feed = make();
    let listener: ((b: ChangeBatch) => void) | null = null;
    const inner = {
      snapshot: async () => ({ cases: [aCase('a')], operations: [anOp('o1')] }) as unknown as Snapshot,
      onChanges: (l: (b: ChangeBatch) => void) => { listener = l; return () => {}; },
      onLink: () => () => {},
      onResync: () => () => {},
      search: async (x: string) => [x],
    } as unknown as LinkageBridge;
    const tapped = tapBridge(inner, feed);
    expect('onLink' in tapped && 'onResync' in tapped).toBe(true);
    await tapped.snapshot();
    expect(feed.getState().operations).toHaveLength(1);
    const got: ChangeBatch[] = [];
    tapped.onChanges((b) => got.push(b));
    listener!({ ...batch({ operations: [anOp('o3')] }) } as ChangeBatch);
    expect(got).toHaveLength(1);
    expect(feed.getState().operations.map((o) => o.id)).toContain('o3');
    expect(await tapped.search('q')).toEqual(['q']);
  });
});

describe('wall cameras', () => {
  const cams = [
    aCamera('c1', [121.40, 31.10]), aCamera('c2', [121.30, 31.00], { stream: 'http://x/a.mjpg' }),
    aCamera('c3', [121.41, 31.10], { status: 'offline', stream: 'http://x/b.mjpg' }), aCamera('c4', [121.5, 31.2]),
  ];
  it('follows a place with the nearest cameras, else pinned ones, then streaming and online ones', () => {
    expect(chooseCameras(cams, 2, [121.405, 31.10]).map((x) => x.camera.id)).toEqual(['c1', 'c3']);
    expect(chooseCameras(cams, 2, [121.405, 31.10])[0]!.distanceM).toBeGreaterThan(0);
    expect(chooseCameras(cams, 3, null).map((x) => x.camera.id)).toEqual(['c2', 'c3', 'c1']);
    expect(chooseCameras(cams, 2, null, ['c4', 'nope']).map((x) => x.camera.id)).toEqual(['c4', 'c2']);
  });

  it('tells the stream kinds apart and backs off', () => {
    expect(classifyStream('http://gw/live/cam1.m3u8').kind).toBe('hls');
    expect(classifyStream('https://gw/play?format=m3u8').kind).toBe('hls');
    expect(classifyStream('/cams/7.mjpg').kind).toBe('mjpeg');
    expect(classifyStream('http://gw/a.webm').kind).toBe('video');
    expect(classifyStream('rtsp://10.0.0.1/stream')).toEqual({ kind: 'unsupported', what: 'rtsp' });
    expect([1, 2, 3, 10].map((n) => backoffMs(n, () => 0.5))).toEqual([1000, 2000, 4000, 30000]);
  });
});

describe('MJPEG parser', () => {
  const jpeg = (n: number) => Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, ...Array.from({ length: n }, (_, i) => (i * 7) % 0xfe), 0xff, 0xd9]);
  const enc = (s: string) => new TextEncoder().encode(s);
  const cat = (...parts: Uint8Array[]) => {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) { out.set(p, o); o += p.length; }
    return out;
  };

  it('splits a multipart stream with Content-Length, across any chunking', () => {
    const frames = [jpeg(50), jpeg(300), jpeg(7)];
    const stream = cat(...frames.flatMap((f) => [enc(`--frame\r\nContent-Type: image/jpeg\r\nContent-Length: ${f.length}\r\n\r\n`), f, enc('\r\n')]));
    for (const size of [1, 3, 17, 4096]) {
      const p = new MjpegParser();
      const got: Uint8Array[] = [];
      for (let i = 0; i < stream.length; i += size) got.push(...p.push(stream.subarray(i, i + size)));
      expect(got.map((f) => f.length), `chunks of ${size}`).toEqual(frames.map((f) => f.length));
      expect(got[1]).toEqual(frames[1]);
    }
  });

  it('splits by JPEG markers when parts carry no length, and gives up on what is not MJPEG', () => {
    const frames = [jpeg(20), jpeg(40)];
    const stream = cat(...frames.flatMap((f) => [enc('--b\r\nContent-Type: image/jpeg\r\n\r\n'), f]));
    const p = new MjpegParser();
    expect(p.push(stream.subarray(0, 30)).length).toBe(0);
    expect(p.push(stream.subarray(30)).map((f) => f.length)).toEqual([frames[0]!.length, frames[1]!.length]);
    const junk = new MjpegParser();
    expect(() => { for (let i = 0; i < 9; i++) junk.push(new Uint8Array(1024 * 1024).fill(0x41)); }).not.toThrow(); // garbage is dropped as it comes
  });
});
