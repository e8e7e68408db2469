import { describe, expect, it } from 'vitest';
import type { Case, Unit } from '../../shared/protocol/entities';
import { CaseFeatureCache, caseFeatures, FRESH_URGENT_MS, isFreshUrgent, isOverdue, judgedUntil, MAX_PULSING, pulsingIds, unitFeature } from '../../renderer/features/map/features';
import { FeatureStore } from '../../renderer/features/map/feature-store';
import { choroplethStates, changedStates, countBySubdistrict, countFeatures } from '../../renderer/features/map/choropleth';

const NOW = Date.UTC(2025, 5, 2, 2, 0); // 10:00 Shanghai
const H = 3600_000;

function aCase(over: Partial<Case> = {}): Case {
  return {
    id: 'c1', version: 1, status: 'registered', previousStatus: null, source: 'hotline', externalRef: null, categoryCode: '010101',
    urgency: 'normal', point: [121.38, 31.11], address: '', subdistrictCode: '310112101', communityCode: '310112101001', reporter: null,
    description: '', attachments: [], owners: [], reportedAt: NOW - 2 * H, registeredAt: NOW - 2 * H, dispatchedAt: null, acceptedAt: null,
    resolvedAt: null, closedAt: null, dispatchDue: NOW + H, handlingDue: null, dueSoonAt: null, overdueAt: null, mergedInto: null, updatedAt: NOW,
    ...over,
  };
}

describe('case features', () => {
  it('derives overdue from the running stage deadline, never from a stored flag', () => {
    expect(isOverdue(aCase({ dispatchDue: NOW - 1 }), NOW)).toBe(true);
    expect(isOverdue(aCase({ dispatchDue: NOW + 1 }), NOW)).toBe(false);
    expect(isOverdue(aCase({ overdueAt: NOW - H }), NOW)).toBe(false);
    // dispatched: the handling clock runs, the missed dispatch deadline no longer matters
    const dispatched = aCase({ status: 'dispatched', dispatchedAt: NOW - H, dispatchDue: NOW - 3 * H, handlingDue: NOW + H });
    expect(isOverdue(dispatched, NOW)).toBe(false);
    expect(isOverdue({ ...dispatched, handlingDue: NOW - 1 }, NOW)).toBe(true);
  });

  it('never calls a finished, suspended or incomplete case overdue', () => {
    expect(isOverdue(aCase({ status: 'closed', dispatchDue: NOW - H }), NOW)).toBe(false);
    expect(isOverdue(aCase({ status: 'suspended', dispatchDue: NOW - H }), NOW)).toBe(false);
    expect(isOverdue(aCase({ dispatchDue: null }), NOW)).toBe(false);
    expect(isOverdue(aCase({ status: 'dispatched', dispatchedAt: NOW - H, handlingDue: null }), NOW)).toBe(false);
  });

  it('pulses only new, undispatched urgent cases', () => {
    expect(isFreshUrgent(aCase({ urgency: 'urgent', reportedAt: NOW - 60_000 }), NOW)).toBe(true);
    expect(isFreshUrgent(aCase({ urgency: 'urgent', reportedAt: NOW - FRESH_URGENT_MS }), NOW)).toBe(false);
    expect(isFreshUrgent(aCase({ urgency: 'high', reportedAt: NOW - 60_000 }), NOW)).toBe(false);
    expect(isFreshUrgent(aCase({ urgency: 'urgent', status: 'dispatched', reportedAt: NOW - 60_000 }), NOW)).toBe(false);
  });

  it('leaves finished and merged cases off the map unless the officer selected one', () => {
    const cases = [aCase({ id: 'open' }), aCase({ id: 'closed', status: 'closed' }), aCase({ id: 'rej', status: 'rejected' }), aCase({ id: 'merged', mergedInto: 'open' })];
    expect(caseFeatures(cases, NOW).map((f) => f.properties.id)).toEqual(['open']);
    expect(caseFeatures(cases, NOW, 'closed').map((f) => f.properties.id)).toEqual(['open', 'closed']);
  });

  it('builds point features with the string id in properties and a draw rank', () => {
    const [f] = caseFeatures([aCase({ urgency: 'urgent', dispatchDue: NOW - 1 })], NOW);
    expect(f).toEqual({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [121.38, 31.11] },
      properties: { id: 'c1', urgency: 'urgent', status: 'registered', overdue: true, fresh: false, pulse: false, rank: 6, subdistrictCode: '310112101' },
    });
  });
});

describe('unit features', () => {
  const unit: Unit = { id: 'u1', version: 1, name: '巡逻一组', kind: 'patrol', departmentCode: 'enforcement', subdistrictCode: '310112101', status: 'enroute', home: [121.3, 31.1], caseId: null, updatedAt: NOW };
  it('sits at home with no heading until a fix arrives', () => {
    expect(unitFeature(unit, undefined)).toMatchObject({ geometry: { coordinates: [121.3, 31.1] }, properties: { live: false, heading: 0 } });
    expect(unitFeature(unit, { point: [121.31, 31.12], heading: 87.04 })).toMatchObject({ geometry: { coordinates: [121.31, 31.12] }, properties: { live: true, heading: 87 } });
  });
});

describe('FeatureStore diffs (updateData instead of setData)', () => {
  const pt = (id: string, x: number, status = 'a') => ({ type: 'Feature' as const, geometry: { type: 'Point' as const, coordinates: [x, 31] }, properties: { id, status } });

  it('adds everything the first time, then only what changed', () => {
    const store = new FeatureStore<{ id: string; status: string }>();
    expect(store.replace([pt('a', 1), pt('b', 2)])).toEqual({ add: [pt('a', 1), pt('b', 2)] });
    expect(store.replace([pt('a', 1), pt('b', 2)])).toBeNull();
    expect(store.replace([pt('a', 1, 'z'), pt('b', 3), pt('c', 4)])).toEqual({
      add: [pt('c', 4)],
      update: [
        { id: 'a', addOrUpdateProperties: [{ key: 'status', value: 'z' }] },
        { id: 'b', newGeometry: { type: 'Point', coordinates: [3, 31] } },
      ],
    });
    expect(store.replace([pt('c', 4)])).toEqual({ remove: ['a', 'b'] });
    expect(store.size).toBe(1);
  });

  it('upsert touches only the given features', () => {
    const store = new FeatureStore<{ id: string; status: string }>();
    store.replace([pt('a', 1), pt('b', 2)]);
    expect(store.upsert([pt('b', 5)])).toEqual({ update: [{ id: 'b', newGeometry: { type: 'Point', coordinates: [5, 31] } }] });
    expect(store.collection().features.map((f) => f.properties.id)).toEqual(['a', 'b']);
  });
});

describe('subdistrict choropleth', () => {
  const cases = [
    aCase({ id: '1', subdistrictCode: 'A' }),
    aCase({ id: '2', subdistrictCode: 'A', dispatchDue: NOW - 1 }),
    aCase({ id: '3', subdistrictCode: 'B' }),
    aCase({ id: '4', subdistrictCode: 'B', status: 'closed' }),
    aCase({ id: '5', subdistrictCode: 'B', mergedInto: '3' }),
    aCase({ id: '6', subdistrictCode: 'A', status: 'resolved' }),
  ];

  it('counts open and overdue cases per subdistrict', () => {
    const counts = countBySubdistrict(cases, NOW);
    expect(Object.fromEntries(counts)).toEqual({ A: { open: 3, overdue: 1 }, B: { open: 1, overdue: 0 } });
  });

  it('normalises to the busiest subdistrict and gives quiet ones zeros', () => {
    const states = choroplethStates(['A', 'B', 'C'], countBySubdistrict(cases, NOW));
    expect(states.get('A')).toEqual({ open: 3, overdue: 1, openLevel: 1, overdueLevel: 1 });
    expect(states.get('B')).toEqual({ open: 1, overdue: 0, openLevel: 1 / 3, overdueLevel: 0 });
    expect(states.get('C')).toEqual({ open: 0, overdue: 0, openLevel: 0, overdueLevel: 0 });
  });

  it('sends only the subdistricts whose state changed', () => {
    const before = choroplethStates(['A', 'B'], countBySubdistrict(cases, NOW));
    const after = choroplethStates(['A', 'B'], countBySubdistrict([...cases, aCase({ id: '7', subdistrictCode: 'B' })], NOW));
    expect([...changedStates(before, after).keys()]).toEqual(['B']);
    expect(changedStates(after, after).size).toBe(0);
  });
});

describe('pulse and re-judging (the map repaints only for what changed)', () => {
  it('pulses only the newest few fresh urgent cases', () => {
    const cases = Array.from({ length: 30 }, (_, i) => aCase({ id: `u${i}`, urgency: 'urgent', status: 'reported', reportedAt: NOW - 60_000 - i * 1000 }));
    const ids = pulsingIds([...cases, aCase({ id: 'old', urgency: 'urgent', reportedAt: NOW - FRESH_URGENT_MS - 1 })], NOW);
    expect([...ids].sort()).toEqual(cases.slice(0, MAX_PULSING).map((c) => c.id).sort());
    const features = caseFeatures(cases, NOW);
    expect(features.filter((f) => f.properties.pulse)).toHaveLength(MAX_PULSING);
    expect(features.filter((f) => f.properties.fresh)).toHaveLength(30);
  });

  it('keeps the feature object of an unchanged case, so the diff skips it', () => {
    const cache = new CaseFeatureCache();
    const a = aCase({ id: 'a' });
    const b = aCase({ id: 'b' });
    const first = cache.build([a, b], NOW, new Set());
    const store = new FeatureStore<{ id: string }>();
    store.replace(first);
    const b2 = { ...b, status: 'dispatched' as const, dispatchedAt: NOW, handlingDue: NOW + H };
    const second = cache.build([a, b2], NOW, new Set());
    expect(second[0]).toBe(first[0]);
    expect(second[1]).not.toBe(first[1]);
    expect(store.replace(second)).toEqual({ update: [{ id: 'b', addOrUpdateProperties: [{ key: 'status', value: 'dispatched' }] }] });
    // a changed object whose judgement is the same keeps its feature too
    expect(cache.build([{ ...a, description: 'edited' }, b2], NOW, new Set())[0]).toBe(first[0]);
  });

  it('re-judges on the clock only the cases whose deadline (or freshness) passed', () => {
    const cache = new CaseFeatureCache();
    const soon = aCase({ id: 'soon', dispatchDue: NOW + 60_000 });
    const later = aCase({ id: 'later', dispatchDue: NOW + 10 * H });
    const [s1, l1] = cache.build([soon, later], NOW, new Set());
    expect(judgedUntil(soon, NOW)).toBe(NOW + 60_001);
    const [s2, l2] = cache.build([soon, later], NOW + 120_000, new Set(), 'due');
    expect(s2!.properties.overdue).toBe(true);
    expect(s2).not.toBe(s1);
    expect(l2).toBe(l1);
    // the clock going back (a replay seeking) re-judges everything
    const [s3] = cache.build([soon, later], NOW, new Set(), 'all');
    expect(s3!.properties.overdue).toBe(false);
  });

  it('counts the choropleth from the features already judged', () => {
    const features = caseFeatures([aCase({ id: 'a', dispatchDue: NOW - 1 }), aCase({ id: 'b' }), aCase({ id: 'c', status: 'closed' })], NOW, 'c');
    expect(countFeatures(features)).toEqual(countBySubdistrict([aCase({ id: 'a', dispatchDue: NOW - 1 }), aCase({ id: 'b' })], NOW));
  });
});
