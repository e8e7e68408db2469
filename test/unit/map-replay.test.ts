// Replay's model (issue 6): cases appear and change status at their event times, units move
// along their samples (interpolated, held across gaps), and unchanged things keep their objects.
import { describe, expect, it } from 'vitest';
import type { History } from '../../shared/bridge/contract';
import type { Case } from '../../shared/protocol/entities';
import { buildReplay, keyStep, lastAtOrBefore, nextSpeed, ReplayFrames, statusKeys, TRACK_GAP_MS } from '../../renderer/features/replay/model';
import { fromLocalInput, toLocalInput } from '../../renderer/features/replay/time';

const T0 = Date.UTC(2025, 5, 2, 2, 0); // 10:00 Shanghai
const M = 60_000;

function aCase(over: Partial<Case> = {}): Case {
  return {
    id: 'c1', version: 1, status: 'reported', previousStatus: null, source: 'hotline', externalRef: null, categoryCode: '06013',
    urgency: 'normal', point: [121.38, 31.11], address: '', subdistrictCode: '310112101', communityCode: '310112101001', reporter: null,
    description: '', attachments: [], owners: [], reportedAt: T0, registeredAt: null, dispatchedAt: null, acceptedAt: null,
    resolvedAt: null, closedAt: null, dispatchDue: T0 + 30 * M, handlingDue: null, dueSoonAt: null, overdueAt: null, mergedInto: null, updatedAt: T0,
    ...over,
  };
}

function history(over: Partial<History> = {}): History {
  return { from: T0 - 10 * M, to: T0 + 60 * M, cases: [], events: [], tracks: [], sampleStepMs: 10_000, truncated: false, ...over };
}

describe('case statuses over time', () => {
  it('follows the events, with a suspension resumed to the status before it', () => {
    const c = aCase({ status: 'accepted' });
    const keys = statusKeys(c, [
      { at: T0, type: 'case.reported' }, { at: T0 + M, type: 'case.registered' }, { at: T0 + 2 * M, type: 'case.commented' },
      { at: T0 + 3 * M, type: 'case.dispatched' }, { at: T0 + 4 * M, type: 'case.suspended' }, { at: T0 + 5 * M, type: 'case.resumed' },
      { at: T0 + 6 * M, type: 'case.accepted' },
    ]);
    expect(keys.map((k) => [k.at - T0, k.status])).toEqual([[0, 'reported'], [M, 'registered'], [3 * M, 'dispatched'], [4 * M, 'suspended'], [5 * M, 'dispatched'], [6 * M, 'accepted']]);
  });

  it('takes a case known only from a snapshot from its stage times', () => {
    const c = aCase({ status: 'dispatched', registeredAt: T0 + M, dispatchedAt: T0 + 2 * M, handlingDue: T0 + 99 * M });
    expect(statusKeys(c, []).map((k) => [k.at - T0, k.status])).toEqual([[0, 'reported'], [M, 'registered'], [2 * M, 'dispatched']]);
    const rejected = aCase({ status: 'rejected', updatedAt: T0 + 5 * M });
    expect(statusKeys(rejected, []).map((k) => [k.at - T0, k.status])).toEqual([[0, 'reported'], [5 * M, 'rejected']]);
    // stage times before the first event the replica has, then the events
    const later = aCase({ status: 'closed', registeredAt: T0 + M, dispatchedAt: T0 + 2 * M, closedAt: T0 + 9 * M });
    expect(statusKeys(later, [{ at: T0 + 9 * M, type: 'case.closed' }]).map((k) => k.status)).toEqual(['reported', 'registered', 'dispatched', 'closed']);
  });
});

describe('replay frames', () => {
  const c1 = aCase({ id: 'c1' });
  const c2 = aCase({ id: 'c2', reportedAt: T0 + 20 * M, status: 'closed', closedAt: T0 + 40 * M });
  const h = history({
    cases: [c1, c2],
    events: [
      { caseId: 'c1', at: T0, type: 'case.reported' }, { caseId: 'c1', at: T0 + 30 * M, type: 'case.registered' },
      { caseId: 'c2', at: T0 + 20 * M, type: 'case.reported' }, { caseId: 'c2', at: T0 + 40 * M, type: 'case.closed' },
    ],
    tracks: [{ unitId: 'u1', at: [T0, T0 + 10_000, T0 + 10_000 + TRACK_GAP_MS + 1], lng: [121.3, 121.31, 121.5], lat: [31.1, 31.1, 31.1], heading: [80, 100, 90] }],
  });

  it('shows cases from their report, each in the status of that moment', () => {
    const f = new ReplayFrames(buildReplay(h));
    expect(f.casesAt(T0 - M)).toEqual([]);
    expect(f.casesAt(T0 + M).map((c) => [c.id, c.status])).toEqual([['c1', 'reported']]);
    expect(f.casesAt(T0 + 25 * M).map((c) => [c.id, c.status])).toEqual([['c1', 'reported'], ['c2', 'reported']]);
    const at35 = f.casesAt(T0 + 35 * M);
    expect(at35.map((c) => [c.id, c.status])).toEqual([['c1', 'registered'], ['c2', 'reported']]);
    // a stage time still in the future is not known yet (the map judges the case as it was)
    expect(at35[1]!.closedAt).toBeNull();
    expect(f.casesAt(T0 + 50 * M).map((c) => [c.id, c.status])).toEqual([['c1', 'registered'], ['c2', 'closed']]);
  });

  it('keeps the list and each unchanged case as the same object between changes', () => {
    const f = new ReplayFrames(buildReplay(h));
    const a = f.casesAt(T0 + 21 * M);
    expect(f.casesAt(T0 + 29 * M)).toBe(a);
    const b = f.casesAt(T0 + 31 * M);
    expect(b).not.toBe(a);
    expect(b[1]).toBe(a[1]); // c2 did not change
  });

  it('moves units along their samples, interpolated, and holds them across a gap in coverage', () => {
    const f = new ReplayFrames(buildReplay(h));
    expect(f.positionsAt(T0 - 1)).toEqual({});
    const mid = f.positionsAt(T0 + 5_000).u1!;
    expect(mid.point[0]).toBeCloseTo(121.305, 6);
    expect(mid.heading).toBeCloseTo(90);
    const inGap = f.positionsAt(T0 + 10_000 + TRACK_GAP_MS / 2).u1!;
    expect(inGap.point).toEqual([121.31, 31.1]);
    expect(f.positionsAt(T0 + 10_000 + TRACK_GAP_MS / 3).u1).toBe(inGap); // held: the same object
    expect(f.positionsAt(T0 + 60 * M).u1!.point).toEqual([121.5, 31.1]);
  });

  it('lists the moments the case list changes', () => {
    expect(buildReplay(h).changes.map((t) => (t - T0) / M)).toEqual([0, 20, 30, 40]);
  });
});

describe('replay helpers', () => {
  it('finds the last sample at or before a moment', () => {
    expect(lastAtOrBefore([10, 20, 30], 5)).toBe(-1);
    expect(lastAtOrBefore([10, 20, 30], 20)).toBe(1);
    expect(lastAtOrBefore([10, 20, 30], 99)).toBe(2);
  });

  it('steps 1% of the period by key, and walks the speeds', () => {
    expect(keyStep(0, 3600_000)).toBe(36_000);
    expect(keyStep(0, 60_000)).toBe(10_000);
    expect(nextSpeed(60, 1)).toBe(300);
    expect(nextSpeed(3600, 1)).toBe(3600);
    expect(nextSpeed(1, -1)).toBe(1);
  });

  it('reads and writes the period fields in Shanghai time whatever the machine\'s zone', () => {
    expect(toLocalInput(T0)).toBe('2025-06-02T10:00');
    expect(fromLocalInput('2025-06-02T10:00')).toBe(T0);
    expect(fromLocalInput('nonsense')).toBeNull();
  });
});
