// Issue 5: the snapshot's cases cross the process host and browser mode's WebSocket as one JSON
// text of compact rows (field names once, a case per array) with a structural check, and the
// window's cases slice loads them outside Immer (frozen later) with the same result.
import { describe, expect, it } from 'vitest';
import { casesAdapter, casesSlice } from '../../renderer/features/cases/slice';
import { changesApplied, snapshotLoaded } from '../../renderer/app/actions';
import { deepFreeze } from '../../renderer/app/listeners';
import { casesFromRowsJson } from '../../main/core/model';
import { asciiJson } from '../../main/core/wire';
import { CaseSchema, type Case } from '../../shared/protocol/entities';
import { CASE_FIELDS, decodeCaseRows, encodeCaseRows, snapshotFromWire, type ChangeBatch, type Snapshot } from '../../shared/bridge/contract';

const mk = (id: string, version = 1) => ({ id, version, status: 'reported', point: [121.38, 31.11], owners: [] as string[] }) as unknown as Case;

/** A full case as the hub makes them, with text that needs escaping. */
const full = (i: number, over: Partial<Case> = {}): Case => CaseSchema.parse({
  id: `MH20261125${String(i).padStart(5, '0')}`, version: 1 + (i % 3), status: i % 2 ? 'registered' : 'reported', previousStatus: null,
  source: 'hotline', externalRef: i % 5 ? null : `12345-${i}`, categoryCode: '06013', urgency: 'normal', point: [121.38 + i / 1e6, 31.11],
  address: `闵行区莘庄镇 "${i}" 号\n路口`, subdistrictCode: '310112102', communityCode: '310112102001', reporter: i % 2 ? '张三 😀' : null,
  description: 'bench \u2028 \t case', attachments: i % 4 ? [] : [{ id: 'a1', name: '照片.jpg', mime: 'image/jpeg', size: 1024 }], owners: i % 3 ? [] : ['dept-police'],
  reportedAt: 1_795_617_692_525 + i, registeredAt: null, dispatchedAt: null, acceptedAt: null, resolvedAt: null, closedAt: null,
  dispatchDue: 1_795_619_492_525, handlingDue: null, dueSoonAt: null, overdueAt: null, mergedInto: null, updatedAt: 1_795_617_692_525 + i,
  ...over,
});

describe('the compact case rows (CaseRows)', () => {
  it('name every field of CaseSchema, in its order', () => {
    expect([...CASE_FIELDS]).toEqual(Object.keys(CaseSchema.shape));
  });

  it('round-trip to objects equal to the cases, through JSON and its all-ASCII form', () => {
    const cases = Array.from({ length: 50 }, (_, i) => full(i));
    const rows = encodeCaseRows(cases);
    expect(rows.rows[0]).toHaveLength(CASE_FIELDS.length);
    expect(decodeCaseRows(rows)).toEqual(cases);
    const text = JSON.stringify(rows);
    const ascii = asciiJson(text);
    expect(/^[\x00-\x7f]*$/.test(ascii)).toBe(true);
    expect(ascii.length).toBeLessThan(JSON.stringify(cases).length);
    expect(casesFromRowsJson(ascii)).toEqual(cases);
    // Same keys in the same order as the objects (what the slice and the map read).
    expect(Object.keys(casesFromRowsJson(ascii)[0]!)).toEqual(Object.keys(cases[0]!));
  });

  it('decode rows of other fields in another order too (a core of another version)', () => {
    const cases = [full(1), full(2)];
    const fields = [...CASE_FIELDS].reverse();
    const rows = cases.map((c) => fields.map((f) => c[f]));
    expect(decodeCaseRows({ fields, rows })).toEqual(cases);
    expect(decodeCaseRows({ fields: ['id', 'version', 'status'], rows: [['a', 1, 'reported']] })).toEqual([{ id: 'a', version: 1, status: 'reported' }]);
    expect(decodeCaseRows({ fields: [...CASE_FIELDS], rows: [] })).toEqual([]);
  });

  it('refuse what is not case rows, saying what is wrong', () => {
    const ok = encodeCaseRows([full(1)]);
    const bad: Array<[unknown, RegExp]> = [
      [null, /not an object/], [[], /not an object/], ['rows', /not an object/],
      [{ rows: [] }, /fields is not a list/], [{ fields: ['id', 1], rows: [] }, /fields is not a list/],
      [{ fields: ok.fields }, /rows is not a list/],
      [{ fields: ok.fields.filter((f) => f !== 'version'), rows: [] }, /lack id, version or status/],
      [{ fields: ok.fields, rows: [null] }, /row 0 is not a list of 28 values/],
      [{ fields: ok.fields, rows: [ok.rows[0], ok.rows[0]!.slice(1)] }, /row 1 is not a list/],
      [{ fields: ok.fields, rows: [ok.rows[0]!.map((v, i) => (i === 0 ? 7 : v))] }, /row 0 has no id, version or status/],
      [{ fields: ok.fields, rows: [ok.rows[0]!.map((v, i) => (i === 1 ? '2' : v))] }, /row 0 has no id, version or status/],
      [{ fields: ['id', 'version', 'status'], rows: [['a', 1, null]] }, /row 0 has no id, version or status/],
    ];
    for (const [value, message] of bad) expect(() => decodeCaseRows(value), JSON.stringify(value)?.slice(0, 80)).toThrow(message);
    expect(() => casesFromRowsJson('{"fields":["id"')).toThrow();
  });

  it('stand for the snapshot\'s cases in browser mode\'s reply', () => {
    const cases = [full(1), full(2)];
    const snap = snapshotFromWire({ cases: [], caseRows: encodeCaseRows(cases), units: [] }) as Snapshot & { caseRows?: unknown };
    expect(snap.cases).toEqual(cases);
    expect('caseRows' in snap).toBe(false);
    // A reply with the cases as objects (an older server) is taken as it is.
    expect(snapshotFromWire({ cases, units: [] }).cases).toBe(cases);
    expect(() => snapshotFromWire({ cases: [], caseRows: { fields: ['id'], rows: [] } })).toThrow(/case rows/);
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
