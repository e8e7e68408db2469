// The people directory in the window: the slice fills from snapshots and from batches that carry
// the directory (merged per frame: the later directory wins), the signed-in user is always
// known, and the label a timeline or command log shows (name, department; unknown id → short form).
import { describe, expect, it } from 'vitest';
import type { ChangeBatch, ConnectionState, LinkageBridge, Snapshot } from '../../shared/bridge/contract';
import type { Person, User } from '../../shared/protocol/entities';
import { changesApplied, snapshotLoaded } from '../../renderer/app/actions';
import { mergeBatches, normalizeBatch } from '../../renderer/app/batches';
import { makeStore } from '../../renderer/app/store';
import { asIs, personLabel, shortUserId } from '../../renderer/features/people/label';

const T0 = Date.parse('2026-11-25T09:00:00+08:00');
const me: User = { id: 'u-me', username: 'officer', displayName: '区中心值班员', role: 'officer', subdistricts: [], departmentCode: null };
const liaison: Person = { id: 'u-ae617d0f-1111-4222-8333-444455556666', displayName: '绿化联络员', role: 'liaison', departmentCode: 'greening' };
const enforcer: Person = { id: 'u-enf', displayName: '区城管执法局联络员', role: 'liaison', departmentCode: 'enforcement' };
const coordinator: Person = { id: 'u-coord', displayName: '区指挥长', role: 'coordinator', departmentCode: null };
const connection: ConnectionState = { state: 'online', since: T0, lastOnlineAt: T0, lastSeq: 1, headSeq: 1, caughtUp: null, pending: 0, user: me, error: null, hub: null, node: null };
const bridge = {} as LinkageBridge;

function snapshot(over: Partial<Snapshot> = {}): Snapshot {
  return {
    user: me, cases: [], units: [], cameras: [], positions: [], pending: [], answers: [], connection,
    settings: { language: 'zh-CN', theme: 'dark', soundMuted: false, presets: [], layout: {} }, ...over,
  };
}

const DEPARTMENTS: Record<string, string> = { greening: '区绿化和市容管理局', enforcement: '区城管执法局' };
const names = { department: (c: string) => DEPARTMENTS[c] ?? c, withDepartment: (n: string, d: string) => `${n}（${d}）` };
const short = (id: string) => `用户 ${shortUserId(id)}`;

describe('the people slice', () => {
  it('fills from the snapshot, and knows the signed-in user even without a directory', () => {
    const store = makeStore(bridge);
    store.dispatch(snapshotLoaded(snapshot()));
    expect(Object.keys(store.getState().people.entities)).toEqual(['u-me']);
    store.dispatch(snapshotLoaded(snapshot({ people: [liaison, coordinator] })));
    const s = store.getState().people;
    expect(s.ids).toEqual([liaison.id, coordinator.id, 'u-me']);
    expect(s.entities[liaison.id]).toEqual(liaison);
    expect(s.entities['u-me']).toMatchObject({ displayName: '区中心值班员', role: 'officer' });
    // A snapshot without `people` (an older shell) keeps what the window knows.
    store.dispatch(snapshotLoaded(snapshot()));
    expect(store.getState().people.entities[liaison.id]).toEqual(liaison);
  });

  it('takes the whole directory from a batch that carries it, and nothing from one that does not', () => {
    const store = makeStore(bridge);
    store.dispatch(snapshotLoaded(snapshot({ people: [liaison] })));
    store.dispatch(changesApplied(normalizeBatch({ cases: [] })));
    expect(store.getState().people.entities[liaison.id]).toEqual(liaison);
    const renamed = { ...liaison, displayName: '绿化局联络员' };
    store.dispatch(changesApplied(normalizeBatch({ people: [renamed, enforcer] })));
    const s = store.getState().people;
    expect(s.entities[liaison.id]?.displayName).toBe('绿化局联络员');
    expect(s.entities[enforcer.id]).toEqual(enforcer);
  });

  it('normalizes a batch without people to null and keeps the later directory when merging', () => {
    expect(normalizeBatch({ cases: [] } as Partial<ChangeBatch>).people).toBeNull();
    const a = normalizeBatch({ people: [liaison] });
    const b = normalizeBatch({ cases: [] });
    const c = normalizeBatch({ people: [enforcer] });
    expect(mergeBatches(a, b).people).toEqual([liaison]);
    expect(mergeBatches(b, a).people).toEqual([liaison]);
    expect(mergeBatches(a, c).people).toEqual([enforcer]);
    expect(mergeBatches(b, b).people).toBeNull();
  });
});

describe('a person\'s label', () => {
  const people = { [liaison.id]: liaison, [enforcer.id]: enforcer, [coordinator.id]: coordinator };

  it('is the display name, with the department when the name does not say it', () => {
    expect(personLabel(coordinator.id, people, names, short)).toBe('区指挥长');
    expect(personLabel(liaison.id, people, names, short)).toBe('绿化联络员（区绿化和市容管理局）');
    expect(personLabel(enforcer.id, people, names, short)).toBe('区城管执法局联络员');
    // A department the district does not know is not spelled as its code.
    expect(personLabel('u-x', { 'u-x': { ...liaison, id: 'u-x', departmentCode: 'unknown-dept' } }, names, short)).toBe('绿化联络员');
  });

  it('falls back to the caller\'s short form for an id the directory does not know', () => {
    expect(personLabel('u-ae617d0f-9999-4222-8333-444455556666', people, names, short)).toBe('用户 ae617d0f');
    expect(personLabel('u-coordinator', people, names, asIs)).toBe('u-coordinator');
    // A network's own intake is named by its source; without a namer, or malformed, it stays as the caller shows ids.
    const withSource = { ...names, source: (s: string) => `${s === 'hotline' ? '12345热线' : s}（系统接入）` };
    expect(personLabel('source:hotline', people, withSource, short)).toBe('12345热线（系统接入）');
    expect(personLabel('source:hotline', people, names, asIs)).toBe('source:hotline');
    expect(personLabel('source:../x', people, withSource, asIs)).toBe('source:../x');
  });
});
