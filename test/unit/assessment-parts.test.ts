// The building blocks of the statistics: local days and months, how a period is split between
// rollups and facts, stage-time buckets and the p90, repeated-demand groups, query instants.
import { describe, expect, it } from 'vitest';
import {
  bucketMinutes, compositeScore, dayStart, localDay, localHour, localMonth, monthStart, p90Minutes, splitPeriod, DEFAULT_WEIGHTS, ScoreWeightsSchema,
} from '../../shared/domain/assessment';
import { clusterRepeats, type RepeatPoint } from '../../hub/stats/repeats';
import { parseInstant } from '../../hub/stats/routes';
import { loadStatsConfig } from '../../hub/stats/config';
import fs from 'node:fs';
import path from 'node:path';
import { tmpDir } from '../helpers/tmp';

const T = (s: string) => Date.parse(`${s}+08:00`);

describe('local time (Beijing)', () => {
  it('days, months and hours follow UTC+8', () => {
    expect(localDay(T('2026-10-01T00:00:00'))).toBe(localDay(T('2026-10-01T23:59:59')));
    expect(localDay(T('2026-10-01T00:00:00')) - localDay(T('2026-09-30T23:59:59'))).toBe(1);
    expect(dayStart(localDay(T('2026-10-01T15:00:00')))).toBe(T('2026-10-01T00:00:00'));
    expect(monthStart(localMonth(T('2026-10-31T23:00:00')))).toBe(T('2026-10-01T00:00:00'));
    expect(localMonth(T('2027-01-01T00:00:00')) - localMonth(T('2026-12-31T23:59:59'))).toBe(1);
    expect(localHour(T('2026-10-01T00:30:00'))).toBe(0);
    expect(localHour(T('2026-10-01T23:59:00'))).toBe(23);
  });
});

describe('splitPeriod', () => {
  const day = (s: string) => localDay(T(`${s}T00:00:00`));
  const month = (s: string) => localMonth(T(`${s}-01T00:00:00`));
  it('whole months, the days beside them and the partial days at the ends', () => {
    expect(splitPeriod(T('2026-08-20T10:00:00'), T('2026-11-03T06:00:00'))).toEqual({
      months: [month('2026-09'), month('2026-11')],
      days: [[day('2026-08-21'), day('2026-09-01')], [day('2026-11-01'), day('2026-11-03')]],
      edges: [[T('2026-08-20T10:00:00'), T('2026-08-21T00:00:00')], [T('2026-11-03T00:00:00'), T('2026-11-03T06:00:00')]],
    });
  });
  it('whole days without a whole month; less than a day; an empty period', () => {
    expect(splitPeriod(T('2026-09-14T00:00:00'), T('2026-10-12T00:00:00'))).toEqual({ months: null, days: [[day('2026-09-14'), day('2026-10-12')]], edges: [] });
    expect(splitPeriod(T('2026-10-09T12:00:00'), T('2026-10-10T12:00:00'))).toEqual({ months: null, days: [], edges: [[T('2026-10-09T12:00:00'), T('2026-10-10T12:00:00')]] });
    expect(splitPeriod(T('2026-10-09T12:00:00'), T('2026-10-09T12:00:00'))).toEqual({ months: null, days: [], edges: [] });
    expect(splitPeriod(T('2026-01-01T00:00:00'), T('2027-01-01T00:00:00'))).toEqual({ months: [month('2026-01'), month('2027-01')], days: [], edges: [] });
  });
});

describe('stage-time buckets and the p90', () => {
  it('1 min to 2 h, 5 min to 24 h, 30 min to 7 days, 6 h beyond (edges in minutes, rounded up)', () => {
    const m = (min: number) => min * 60_000;
    expect([0, 1, m(0.2), m(1), m(1) + 1, m(120)].map(bucketMinutes)).toEqual([0, 1, 1, 1, 2, 120]);
    expect([m(121), m(125), m(126), m(1440)].map(bucketMinutes)).toEqual([125, 125, 130, 1440]);
    expect([m(1441), m(2855), m(10_080)].map(bucketMinutes)).toEqual([1470, 2880, 10_080]);
    expect([m(10_081), m(11_160), m(15_960)].map(bucketMinutes)).toEqual([10_440, 11_160, 16_200]);
  });
  it('nearest rank: the smallest edge with at least 90% of the times at or below it', () => {
    expect(p90Minutes(new Map())).toBeNull();
    expect(p90Minutes(new Map([[5, 1]]))).toBe(5);
    expect(p90Minutes(new Map([[1, 9], [100, 1]]))).toBe(1); // rank 9 of 10
    expect(p90Minutes(new Map([[100, 1], [1, 8]]))).toBe(100); // rank ceil(8.1) = 9 of 9
  });
});

describe('score weights', () => {
  const rates = { dispatchOnTime: 1, acceptOnTime: 1, resolveOnTime: 0.5, return: 0.1, rework: 0.2, extension: 0.3, closure: 0.9, onTimeClosure: 0.75 };
  it('default: 60 on-time closure, 20 closure, 10 (1 − return), 10 (1 − rework)', () => {
    expect(compositeScore(rates, DEFAULT_WEIGHTS)).toBeCloseTo(60 * 0.75 + 20 * 0.9 + 10 * 0.9 + 10 * 0.8, 10);
    expect(compositeScore({ ...rates, closure: null, onTimeClosure: null }, DEFAULT_WEIGHTS)).toBeCloseTo((100 * (10 * 0.9 + 10 * 0.8)) / 20, 10);
    expect(compositeScore({ ...rates, closure: null, onTimeClosure: null, return: null, rework: null }, DEFAULT_WEIGHTS)).toBeNull();
  });
  it('a configuration names its weights; the others are 0; all zero is refused', () => {
    const w = ScoreWeightsSchema.parse({ onTimeClosure: 1, noExtension: 1 });
    expect(compositeScore(rates, w)).toBeCloseTo(100 * (0.75 + 0.7) / 2, 10);
    expect(ScoreWeightsSchema.safeParse({}).success).toBe(false);
    expect(ScoreWeightsSchema.safeParse({ onTimeClosure: 50, bogus: 1 }).success).toBe(false);
  });
  it('is read from assessment.json in the data directory, or the default', () => {
    const dir = tmpDir('stats-config-'); // removed when the file ends, pass or fail
    expect(loadStatsConfig(dir, {}).weights).toEqual(DEFAULT_WEIGHTS);
    fs.writeFileSync(path.join(dir, 'assessment.json'), JSON.stringify({ weights: { onTimeClosure: 70, closure: 30 } }));
    expect(loadStatsConfig(dir, {}).weights).toMatchObject({ onTimeClosure: 70, closure: 30, noReturn: 0 });
    fs.writeFileSync(path.join(dir, 'assessment.json'), JSON.stringify({ weights: { onTimeClosure: -1 } }));
    expect(() => loadStatsConfig(dir, {})).toThrow(/assessment settings/);
  });
});

describe('repeated demands from the same place', () => {
  // ~ metres → degrees near 31.1°N
  const north = (m: number) => m / 110_574;
  const east = (m: number) => m / (111_320 * Math.cos((31.1 * Math.PI) / 180));
  const p = (_id: string, dx: number, dy: number, at: number, category = '06010'): RepeatPoint => ({ category, lng: 121.37 + east(dx), lat: 31.1 + north(dy), at });
  const ids = 'abcdef';

  it('groups reports within the radius of the first one, same small class by default', () => {
    const pts = [p('a', 0, 0, 1), p('b', 60, 0, 2), p('c', 0, 90, 3), p('d', 0, 250, 4), p('e', 20, 20, 5, '09006'), p('f', 0, 260, 6)];
    const g = clusterRepeats(pts, { radiusM: 100, minCount: 2, sameCategory: true });
    expect(g.map((x) => x.members.map((i) => ids[i]))).toEqual([['a', 'b', 'c'], ['d', 'f']]);
    expect(g[0]).toMatchObject({ count: 3, first: 1, last: 3, categories: ['06010'] });
    const any = clusterRepeats(pts, { radiusM: 100, minCount: 2, sameCategory: false });
    expect(any[0]!.members.map((i) => ids[i])).toEqual(['a', 'b', 'c', 'e']);
    expect(any[0]!.categories).toEqual(['06010', '09006']);
  });
  it('does not chain along a street: every member is within the radius of the group seed', () => {
    const street = Array.from({ length: 10 }, (_, i) => p(`s${i}`, i * 80, 0, i));
    const g = clusterRepeats(street, { radiusM: 100, minCount: 1, sameCategory: true });
    expect(g.map((x) => x.count)).toEqual([2, 2, 2, 2, 2]);
  });
  it('nothing to group is no group', () => {
    expect(clusterRepeats([], { radiusM: 100, minCount: 2, sameCategory: true })).toEqual([]);
    expect(clusterRepeats([p('a', 0, 0, 1)], { radiusM: 100, minCount: 2, sameCategory: true })).toEqual([]);
  });
});

describe('query instants', () => {
  it('a date is Beijing midnight; ISO needs its offset; digits are epoch ms', () => {
    expect(parseInstant('2026-10-01')).toBe(T('2026-10-01T00:00:00'));
    expect(parseInstant('2026-10-01T08:30:00+08:00')).toBe(T('2026-10-01T08:30:00'));
    expect(parseInstant('2026-10-01T00:30Z')).toBe(Date.UTC(2026, 9, 1, 0, 30));
    expect(parseInstant('1790000000000')).toBe(1_790_000_000_000);
    for (const bad of ['2026-02-30', '2026-10-01T08:30', 'yesterday', '', '-5', '1e12']) expect(parseInstant(bad), bad).toBeNull();
  });
});
