// Issue 5: the snapshot's cases cross the process host as one JSON text with a structural check,
// and the window's cases slice loads them outside Immer (frozen later) with the same result.
import { describe, expect, it } from 'vitest';
import { casesAdapter, casesSlice } from '../../renderer/features/cases/slice';
import { changesApplied, snapshotLoaded } from '../../renderer/app/actions';
import { deepFreeze } from '../../renderer/app/listeners';
import { casesFromJson } from '../../main/core/model';
import type { Case } from '../../shared/protocol/entities';
import type { ChangeBatch, Snapshot } from '../../shared/bridge/contract';

const mk = (id: string, version = 1) => ({ id, version, status: 'reported', point: [121.38, 31.11], owners: [] as string[] }) as unknown as Case;

describe('casesFromJson', () => {
  it('parses an array of cases and refuses what is not one', () => {
    expect(casesFromJson(JSON.stringify([mk('a'), mk('b')])).map((c) => c.id)).toEqual(['a', 'b']);
    expect(casesFromJson('[]')).toEqual([]);
    expect(() => casesFromJson('{"id":"a"}')).toThrow();
    expect(() => casesFromJson('[null]')).toThrow();
    expect(() => casesFromJson('[{"id":1,"version":1,"status":"reported"}]')).toThrow();
    expect(() => casesFromJson('[{"id":"a","status":"reported"}]')).toThrow();
    expect(() => casesFromJson('[{"id":"a"')).toThrow();
  });
});

describe('the cases slice on a snapshot', () => {
  it('holds what setAll would, duplicates last-wins, and replaces the previous cases', () => {
    const cases = [mk('a'), mk('b'), mk('a', 2), mk('c')];
    const before = casesSlice.reducer(undefined, snapshotLoaded({ cases: [mk('z')] } as unknown as Snapshot));
    const after = casesSlice.reducer(before, snapshotLoaded({ cases } as unknown as Snapshot));
    const expected = { ...casesAdapter.setAll(casesAdapter.getInitialState(), cases), loaded: true };
    expect(after).toEqual(expected);
    expect(after.entities.a!.version).toBe(2);
    expect(Object.isFrozen(after.entities)).toBe(true);
  });

  it('still takes changes after it, and deepFreeze freezes a case through', () => {
    const s = casesSlice.reducer(undefined, snapshotLoaded({ cases: [mk('a'), mk('b')] } as unknown as Snapshot));
    deepFreeze(s.entities.a);
    expect(Object.isFrozen(s.entities.a!.point)).toBe(true);
    const next = casesSlice.reducer(s, changesApplied({ cases: [mk('b', 2), mk('d')], removed: { cases: ['a'] } } as unknown as ChangeBatch));
    expect(next.ids).toEqual(['b', 'd']);
    expect(next.entities.b!.version).toBe(2);
    expect(s.ids).toEqual(['a', 'b']);
  });
});
