// Repeated demands (重复诉求): the hub's fast path (columns read by an SQL function into typed
// arrays, a hashed grid) must give exactly the groups of the plain definition — leader
// clustering in report order, nearest seed within the radius — written out below as a
// reference that compares every point with every seed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HubCore } from '../../hub/core';
import { loadRules } from '../../hub/rules';
import { StatsQueries, type Scope } from '../../hub/stats/query';
import { loadNames } from '../../hub/stats/names';
import { FACT_COLUMNS, rowValues } from '../../hub/stats/rows';
import { RepeatColumnsBuilder, clusterRepeatColumns, clusterRepeats, type RepeatCluster, type RepeatPoint } from '../../hub/stats/repeats';
import { mulberry32 } from '../../hub/simulator/random';
import { DEFAULT_WEIGHTS, type CaseFact } from '../../shared/domain/assessment';

type Opts = { radiusM: number; minCount: number; sameCategory: boolean };

/**
 * The definition, point by point. Points are projected as the hub does (equirectangular around
 * the first point, the same arithmetic, so the same doubles), and only seeds in the 3×3 cells of
 * `radius` metres around a point are its candidates. A point joins the nearest seed within the
 * radius (same class unless sameCategory is false); on equal distances the seed whose cell comes
 * first (x offset, then y offset, each from −1 to +1), then the older seed. Else it is a seed.
 * `ties` counts the decisions that needed the tie rule.
 */
function reference(points: readonly RepeatPoint[], o: Opts, stats = { ties: 0 }): RepeatCluster[] {
  if (points.length === 0) return [];
  const kx = 111_320 * Math.cos((points[0]!.lat * Math.PI) / 180);
  const r = o.radiusM;
  const seeds: Array<{ x: number; y: number; cx: number; cy: number; part: string; members: number[] }> = [];
  points.forEach((p, i) => {
    const x = p.lng * kx;
    const y = p.lat * 110_574;
    const cx = Math.floor(x / r);
    const cy = Math.floor(y / r);
    const part = o.sameCategory ? p.category : '';
    let best: { d: number; a: number; b: number; k: number } | null = null;
    let tied = false;
    seeds.forEach((s, k) => {
      const a = s.cx - cx;
      const b = s.cy - cy;
      if (s.part !== part || Math.abs(a) > 1 || Math.abs(b) > 1) return;
      const dx = s.x - x;
      const dy = s.y - y;
      const d = dx * dx + dy * dy;
      if (d > r * r) return;
      if (best && d === best.d) tied = true;
      if (!best || d < best.d || (d === best.d && (a < best.a || (a === best.a && (b < best.b || (b === best.b && k < best.k)))))) best = { d, a, b, k };
    });
    if (tied) stats.ties++;
    if (best) seeds[(best as { k: number }).k]!.members.push(i);
    else seeds.push({ x, y, cx, cy, part, members: [i] });
  });
  return seeds.filter((s) => s.members.length >= o.minCount).map((s) => {
    const seed = points[s.members[0]!]!;
    return {
      center: [seed.lng, seed.lat] as [number, number], count: s.members.length,
      categories: [...new Set(s.members.map((i) => points[i]!.category))],
      first: seed.at, last: Math.max(...s.members.map((i) => points[i]!.at)), members: s.members,
    };
  }).sort((a, b) => b.count - a.count || a.first - b.first || a.members[0]! - b.members[0]!);
}

const CATEGORIES = ['06010', '06011', '09006', '01002'];

/** Reports around hot spots (so groups form), some at the very same place, some scattered. */
function randomPoints(seed: number, n: number): RepeatPoint[] {
  const r = mulberry32(seed);
  const spots = Array.from({ length: 12 }, () => [121.3 + r() * 0.05, 31.0 + r() * 0.05] as const);
  const out: RepeatPoint[] = [];
  let at = 1_780_000_000_000;
  for (let i = 0; i < n; i++) {
    at += Math.floor(r() * 3) * 60_000; // equal report times happen (minute resolution)
    const category = CATEGORIES[Math.floor(r() * CATEGORIES.length)]!;
    const u = r();
    if (u < 0.1 && out.length) out.push({ ...out[Math.floor(r() * out.length)]!, category, at });
    else if (u < 0.7) {
      const [lng, lat] = spots[Math.floor(r() * spots.length)]!;
      out.push({ category, lng: lng + (r() - 0.5) * 0.004, lat: lat + (r() - 0.5) * 0.004, at });
    } else out.push({ category, lng: 121.3 + r() * 0.05, lat: 31.0 + r() * 0.05, at });
  }
  return out;
}

/**
 * Points on a lattice of 2^-12 degrees around (0°, 0°): there the projection and the squared
 * distances are exact, so a point halfway between two seeds is at exactly equal distances and
 * the tie rule decides.
 */
function latticePoints(seed: number, n: number): RepeatPoint[] {
  const r = mulberry32(seed);
  const step = 2 ** -12;
  const out: RepeatPoint[] = [{ category: CATEGORIES[0]!, lng: 0, lat: 0, at: 0 }];
  for (let i = 1; i < n; i++) {
    out.push({ category: CATEGORIES[Math.floor(r() * 2)]!, lng: Math.floor(r() * 24 - 12) * step, lat: Math.floor(r() * 24 - 12) * step, at: Math.floor(r() * n) });
  }
  return out;
}

describe('repeats: the fast path gives exactly the groups of the reference', () => {
  const sets: Array<[string, RepeatPoint[]]> = [
    ['hot spots', randomPoints(1, 3000)],
    ['hot spots, another seed', randomPoints(2, 2000)],
    ['a lattice (exact ties)', latticePoints(3, 1500)],
    ['reports out of time order', randomPoints(4, 1000).map((p, i) => ({ ...p, at: (i * 7919) % 1000 }))],
    // 500 km away: beyond ±16,000 cells of 10 m, where cell keys wrap around.
    ['far-away reports', [...randomPoints(5, 800), ...randomPoints(6, 200).map((p) => ({ ...p, lng: p.lng + 5, lat: p.lat - 4 }))]],
  ];
  const options: Opts[] = [10, 37.5, 100, 250, 1000].flatMap((radiusM) => [true, false].flatMap((sameCategory) => [1, 2, 3].map((minCount) => ({ radiusM, minCount, sameCategory }))));

  it.each(sets)('%s', (_name, points) => {
    let grouped = 0;
    for (const o of options) {
      const want = reference(points, o);
      expect(clusterRepeats(points, o), JSON.stringify(o)).toEqual(want);
      grouped += want.filter((c) => c.count > 1).length;
    }
    expect(grouped).toBeGreaterThan(0);
  });

  it('the lattice really puts the tie rule to work', () => {
    const stats = { ties: 0 };
    for (const o of options) reference(latticePoints(3, 1500), o, stats);
    expect(stats.ties).toBeGreaterThan(100);
  });

  it('columns read in another order are put back in the order given', () => {
    const points = randomPoints(7, 1500);
    const r = mulberry32(8);
    // Added shuffled; `order` lists, for each position of the answer, the point's index in the builder.
    const shuffled = points.map((p, i) => ({ p, i, k: r() })).sort((a, b) => a.k - b.k);
    const b = new RepeatColumnsBuilder();
    const order = new Array<number>(points.length);
    for (const { p, i } of shuffled) order[i] = b.add(p.category, p.lng, p.lat, p.at, 1000 + i);
    const cols = b.columns(order);
    expect(Array.from(cols.ref.subarray(0, cols.length))).toEqual(points.map((_, i) => 1000 + i));
    for (const o of options.filter((x) => x.minCount === 2)) {
      const want = reference(points, o);
      expect(clusterRepeatColumns(cols, o)).toEqual(want);
      expect(clusterRepeatColumns(cols, { ...o, limit: 7 })).toEqual(want.slice(0, 7));
    }
  });

  it('nothing, one point, and many more points than the builder starts with', () => {
    expect(clusterRepeatColumns(new RepeatColumnsBuilder().columns(), { radiusM: 100, minCount: 1, sameCategory: true })).toEqual([]);
    expect(clusterRepeats([{ category: '06010', lng: 121.4, lat: 31.1, at: 1 }], { radiusM: 100, minCount: 1, sameCategory: true })).toMatchObject([{ count: 1, members: [0] }]);
    const many = randomPoints(9, 5000);
    expect(clusterRepeats(many, { radiusM: 100, minCount: 2, sameCategory: true })).toEqual(reference(many, { radiusM: 100, minCount: 2, sameCategory: true }));
  });
});

describe('repeats from the hub store: the same groups as reading every case and applying the reference', () => {
  const NOW = Date.parse('2026-10-12T12:00:00+08:00');
  const DAY0 = Date.parse('2026-10-01T00:00:00+08:00');
  const SUBS = ['310112101', '310112102', '310112103'];
  let dir: string;
  let core: HubCore;
  let queries: StatsQueries;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stats-repeats-'));
    core = new HubCore(path.join(dir, 'hub.sqlite'), loadRules(), { sessionTtlMs: 1e6, maxFailedLogins: 5, lockoutMs: 1 }, () => NOW);
    const insert = core.db.prepare(`INSERT INTO case_facts (${FACT_COLUMNS.join(', ')}) VALUES (${FACT_COLUMNS.map(() => '?').join(', ')})`);
    const r = mulberry32(11);
    const points = randomPoints(12, 4000);
    core.db.transaction(() => {
      points.forEach((p, i) => {
        const sub = SUBS[Math.floor(r() * SUBS.length)]!;
        // Reported within 5 days on whole minutes, so many share a report time and the order
        // after it (subdistrict, community, class, source, place, id) decides.
        const reportedAt = DAY0 + Math.floor(r() * 5 * 1440) * 60_000;
        const f: CaseFact = {
          caseId: `C${String(Math.floor(r() * 1e6)).padStart(6, '0')}-${i}`, dept: '', owner: true, subdistrict: sub, community: `${sub}00${1 + Math.floor(r() * 3)}`,
          category: p.category, source: r() < 0.5 ? 'hotline' : 'patrol', urgency: 'normal', lng: p.lng, lat: p.lat, status: 'reported',
          reportedAt, registeredAt: null, dispatchedAt: null, acceptedAt: null, resolvedAt: null, closedAt: null,
          dispatchOnTime: null, acceptOnTime: null, resolveOnTime: null, returned: false, reopened: false, extended: false, submitted: false,
          dispatchDue: null, handlingDue: null, dueAt: null, runningDue: null, updatedAt: reportedAt, seq: i + 1,
        };
        insert.run(rowValues(f));
        // Department rows are not reports of their own.
        if (r() < 0.3) insert.run(rowValues({ ...f, dept: 'greening', owner: false, lng: f.lng + 1e-6 }));
      });
    })();
    queries = new StatsQueries(core.db, loadNames(), DEFAULT_WEIGHTS, () => NOW);
  });
  afterAll(() => {
    core.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Every case of the period in the documented order, the scope applied in JS, then the reference. */
  function straightforward(q: { from: number; to: number; scope: Scope; radius: number; min: number; sameCategory: boolean; limit: number }) {
    type Row = { case_id: string; subdistrict: string; community: string; category: string; source: string; lng: number; lat: number; reported_at: number };
    const rows = (core.db.prepare(`SELECT case_id, subdistrict, community, category, source, lng, lat, reported_at FROM case_facts
      WHERE dept = '' AND reported_at >= ? AND reported_at < ?`).all(q.from, q.to) as Row[])
      .filter((c) => q.scope === null || q.scope.includes(c.subdistrict));
    const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);
    rows.sort((a, b) => cmp(a.reported_at, b.reported_at) || cmp(a.subdistrict, b.subdistrict) || cmp(a.community, b.community) || cmp(a.category, b.category)
      || cmp(a.source, b.source) || cmp(a.lng, b.lng) || cmp(a.lat, b.lat) || cmp(a.case_id, b.case_id));
    const groups = reference(rows.map((c) => ({ category: c.category, lng: c.lng, lat: c.lat, at: c.reported_at })), { radiusM: q.radius, minCount: q.min, sameCategory: q.sameCategory })
      .slice(0, q.limit).map((c) => ({
        center: c.center, count: c.count, categories: c.categories, communities: [...new Set(c.members.map((i) => rows[i]!.community))],
        first: c.first, last: c.last, caseIds: c.members.map((i) => rows[i]!.case_id),
      }));
    return { from: q.from, to: q.to, radius: q.radius, groups };
  }

  const cases: Array<[string, Scope, number, number, boolean, number]> = [
    ['the district, 100 m', null, 100, 2, true, 100],
    ['the district, any class', null, 100, 2, false, 100],
    ['the district, 10 m, groups of 3', null, 10, 3, true, 1000],
    ['the district, 1 km, top 5', null, 1000, 2, true, 5],
    ['one subdistrict', [SUBS[1]!], 100, 2, true, 100],
    ['two subdistricts, any class', [SUBS[0]!, SUBS[2]!], 250, 2, false, 1000],
    ['a subdistrict with no cases', ['310112999'], 100, 2, true, 100],
  ];
  it.each(cases)('%s', (_name, scope, radius, min, sameCategory, limit) => {
    for (const [from, to] of [[DAY0, DAY0 + 5 * 86_400_000], [DAY0 + 86_400_000 + 3_600_000, DAY0 + 3 * 86_400_000]] as const) {
      const q = { from, to, scope, radius, min, sameCategory, limit };
      const want = straightforward(q);
      expect(queries.repeats(q)).toEqual(want);
      if (scope?.[0] !== '310112999') expect(want.groups.length).toBeGreaterThan(0);
    }
  });
  it('a period without cases has no groups', () => {
    expect(queries.repeats({ from: NOW, to: NOW + 86_400_000, scope: null, radius: 100, min: 2, sameCategory: true, limit: 100 }).groups).toEqual([]);
  });
});
