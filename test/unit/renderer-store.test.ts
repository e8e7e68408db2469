// The console's store: snapshots and change batches land in the slices (one dispatch per
// batch, at most one per frame), versions never go back, the outbox remembers its cases.
import { describe, expect, it, vi } from 'vitest';
import type { Answer, ChangeBatch, ConnectionState, LinkageBridge, Snapshot } from '../../shared/bridge/contract';
import { newAlarms } from '../../shared/domain/alarms';
import type { Case, Unit } from '../../shared/protocol/entities';
import { changesApplied, snapshotLoaded, ticked } from '../../renderer/app/actions';
import { createBatchPump, mergeBatches, normalizeBatch } from '../../renderer/app/batches';
import { makeStore } from '../../renderer/app/store';
import { sendCommand } from '../../renderer/features/outbox/slice';
import { selectRefusals } from '../../renderer/features/outbox/selectors';
import { flashed, searchHitsReceived, searchTextChanged } from '../../renderer/features/queue/slice';
import { settingsChanged } from '../../renderer/features/settings/slice';

const T0 = Date.parse('2026-11-25T09:00:00+08:00');

function aCase(id: string, over: Partial<Case> = {}): Case {
  return {
    id, version: 1, status: 'reported', previousStatus: null, source: 'hotline', externalRef: null, categoryCode: '06010', urgency: 'normal',
    point: [121.38, 31.11], address: '莘庄镇 某路 1 号', subdistrictCode: '310112101', communityCode: '310112101001', reporter: null,
    description: '', attachments: [], owners: [], reportedAt: T0, registeredAt: null, dispatchedAt: null, acceptedAt: null, resolvedAt: null,
    closedAt: null, dispatchDue: T0 + 30 * 60_000, handlingDue: null, dueSoonAt: null, overdueAt: null, mergedInto: null, updatedAt: T0, ...over,
  };
}

function aUnit(id: string, version = 1): Unit {
  return { id, version, name: id, kind: 'patrol', departmentCode: 'enforcement', subdistrictCode: '310112101', status: 'available', home: [121.38, 31.11], caseId: null, updatedAt: T0 };
}

const connection: ConnectionState = { state: 'online', since: T0, lastOnlineAt: T0, lastSeq: 10, headSeq: 10, caughtUp: null, pending: 0, user: null, error: null, hub: null, node: null };

function snapshot(over: Partial<Snapshot> = {}): Snapshot {
  return {
    user: { id: 'u1', username: 'officer', displayName: '值班员', role: 'officer', subdistricts: [], departmentCode: null },
    cases: [aCase('c1'), aCase('c2')], units: [aUnit('u-1')], cameras: [], positions: [], pending: [], answers: [], connection,
    settings: { language: 'zh-CN', theme: 'dark', soundMuted: false, presets: [], layout: {} }, ...over,
  };
}

function batch(over: Partial<ChangeBatch> = {}): ChangeBatch {
  return normalizeBatch(over);
}

function fakeBridge(over: Partial<LinkageBridge> = {}): LinkageBridge {
  return {
    snapshot: async () => snapshot(), district: async () => ({ boundary: null, subdistricts: null, communities: null, departments: null, catalog: null }),
    command: async () => ({ commandId: 'cmd-1' }), search: async () => [], caseDetail: async () => null, setSettings: async (p) => ({ ...snapshot().settings, ...p }),
    accounts: async () => [], switchUser: async () => ({ ok: true }), login: async () => ({ ok: true }), onChanges: () => () => {}, ...over,
  };
}

const refusal = (commandId: string, code: 'conflict' | 'forbidden', currentVersion: number | null = null): Answer => ({
  commandId, type: 'case.dispatch', createdAt: T0, answeredAt: T0 + 1000,
  result: { ok: false, commandId, error: { code, message: code }, currentVersion },
});

describe('renderer slices apply the bridge', () => {
  it('loads a snapshot into every slice', () => {
    const store = makeStore(fakeBridge());
    store.dispatch(snapshotLoaded(snapshot()));
    const s = store.getState();
    expect(s.cases.ids).toEqual(['c1', 'c2']);
    expect(s.cases.loaded).toBe(true);
    expect(s.units.ids).toEqual(['u-1']);
    expect(s.session.user?.username).toBe('officer');
    expect(s.connection.core?.state).toBe('online');
  });

  it('applies a change batch: upserts, removals, positions, connection, settings, pending', () => {
    const store = makeStore(fakeBridge());
    store.dispatch(snapshotLoaded(snapshot()));
    store.dispatch(changesApplied(batch({
      cases: [aCase('c1', { version: 2, status: 'registered' }), aCase('c3')],
      removed: { cases: ['c2'], units: [], cameras: [] },
      positions: [{ id: 'u-1', point: [121.4, 31.1], heading: 90, speed: 5, at: T0 + 5 }],
      connection: { ...connection, state: 'offline', since: T0 + 9 },
      settings: { language: 'en', theme: 'light', soundMuted: true, presets: [], layout: { queueWidth: 500 } },
      pending: [{ commandId: 'p1', type: 'case.register', payload: { caseId: 'c3' }, expectedVersion: 1, createdAt: T0, attempts: 0, state: 'pending', lastError: null }],
    })));
    const s = store.getState();
    expect([...s.cases.ids].sort()).toEqual(['c1', 'c3']);
    expect(s.cases.entities.c1?.status).toBe('registered');
    expect(s.positions['u-1']?.heading).toBe(90);
    expect(s.connection.core?.state).toBe('offline');
    expect(s.settings).toMatchObject({ language: 'en', theme: 'light', soundMuted: true, layout: { queueWidth: 500 } });
    expect(s.outbox.pending).toHaveLength(1);
    expect(s.outbox.submitted.p1?.caseId).toBe('c3');
  });

  it('never takes a case or unit back to an older version', () => {
    const store = makeStore(fakeBridge());
    store.dispatch(snapshotLoaded(snapshot({ cases: [aCase('c1', { version: 5, status: 'dispatched' })], units: [aUnit('u-1', 3)] })));
    store.dispatch(changesApplied(batch({ cases: [aCase('c1', { version: 4, status: 'registered' })], units: [aUnit('u-1', 2)] })));
    expect(store.getState().cases.entities.c1?.status).toBe('dispatched');
    expect(store.getState().units.entities['u-1']?.version).toBe(3);
    // The hub's overdue mark keeps the version: it still lands.
    store.dispatch(changesApplied(batch({ cases: [aCase('c1', { version: 5, status: 'dispatched', overdueAt: T0 })] })));
    expect(store.getState().cases.entities.c1?.overdueAt).toBe(T0);
  });

  it('keeps answers once, newest last, and knows which case a refusal is about', async () => {
    const store = makeStore(fakeBridge({ command: async () => ({ commandId: 'cmd-9' }) }));
    store.dispatch(snapshotLoaded(snapshot({ answers: [refusal('old-2', 'forbidden'), refusal('old-1', 'forbidden')] })));
    expect(store.getState().outbox.answers.map((a) => a.commandId)).toEqual(['old-1', 'old-2']);
    expect(store.getState().outbox.unread).toEqual([]); // old news is not shouted
    await store.dispatch(sendCommand({ type: 'case.dispatch', payload: { caseId: 'c1', departments: ['water'] }, expectedVersion: 1 }));
    const answer = refusal('cmd-9', 'conflict', 2);
    store.dispatch(changesApplied(batch({ answers: [answer] })));
    store.dispatch(changesApplied(batch({ answers: [answer] })));
    const s = store.getState();
    expect(s.outbox.answers.map((a) => a.commandId)).toEqual(['old-1', 'old-2', 'cmd-9']);
    expect(s.outbox.unread).toEqual(['cmd-9']);
    const r = selectRefusals(s).find((x) => x.answer.commandId === 'cmd-9');
    expect(r).toMatchObject({ caseId: 'c1', code: 'conflict', seenVersion: 1, currentVersion: 2 });
  });

  it('drops search answers to an older query and clears hits with the text', () => {
    const store = makeStore(fakeBridge());
    store.dispatch(searchTextChanged('虹桥枢纽'));
    store.dispatch(searchHitsReceived({ text: '虹桥', ids: ['c1'] }));
    expect(store.getState().queue.searchHits).toBeNull();
    store.dispatch(searchHitsReceived({ text: '虹桥枢纽', ids: ['c2'] }));
    expect(store.getState().queue.searchHits).toEqual(['c2']);
    store.dispatch(searchTextChanged(''));
    expect(store.getState().queue.searchHits).toBeNull();
  });

  it('stops flashing a row when its time is up', () => {
    const store = makeStore(fakeBridge());
    store.dispatch(flashed({ ids: ['c1'], until: T0 + 8000 }));
    store.dispatch(ticked(T0 + 7000));
    expect(store.getState().queue.flashing).toHaveProperty('c1');
    store.dispatch(ticked(T0 + 8000));
    expect(store.getState().queue.flashing).toEqual({});
  });
});

describe('renderer change batches', () => {
  it('merges batches as if applied in order', () => {
    const a = batch({ cases: [aCase('c1', { version: 2 }), aCase('c2')], removed: { cases: ['c9'], units: [], cameras: [] }, connection });
    const b = batch({ cases: [aCase('c1', { version: 3 }), aCase('c9')], removed: { cases: ['c2'], units: [], cameras: [] }, pending: [] });
    const m = mergeBatches(a, b);
    expect(m.cases.map((c) => [c.id, c.version])).toEqual([['c1', 3], ['c9', 1]]);
    expect(m.removed.cases).toEqual(['c2']);
    expect(m.connection).toBe(connection);
    expect(m.pending).toEqual([]);
  });

  it('fills what a lean batch leaves out', () => {
    const b = normalizeBatch({ cases: [aCase('c1')] } as Partial<ChangeBatch>);
    expect(b).toMatchObject({ reset: false, removed: { cases: [], units: [], cameras: [] }, answers: [], pending: null, connection: null, settings: null });
  });

  it('dispatches at most once per frame however many batches arrive', () => {
    const store = makeStore(fakeBridge());
    store.dispatch(snapshotLoaded(snapshot({ cases: [] })));
    const frames: Array<() => void> = [];
    const apply = vi.fn((b: ChangeBatch) => store.dispatch(changesApplied(b)));
    const pump = createBatchPump(apply, (fn) => frames.push(fn));
    for (let i = 0; i < 1000; i++) pump.push(batch({ cases: [aCase(`c${i % 100}`, { version: 1 + Math.floor(i / 100) })] }));
    expect(frames).toHaveLength(1);
    expect(apply).not.toHaveBeenCalled();
    frames.shift()!();
    expect(apply).toHaveBeenCalledTimes(1);
    expect(store.getState().cases.ids).toHaveLength(100);
    expect(store.getState().cases.entities.c0?.version).toBe(10);
    pump.push(batch({ removed: { cases: ['c0'], units: [], cameras: [] } }));
    expect(frames).toHaveLength(1);
    frames.shift()!();
    expect(store.getState().cases.ids).toHaveLength(99);
  });

  it('applies 20,000 cases in one dispatch quickly', () => {
    const store = makeStore(fakeBridge());
    const many = Array.from({ length: 20_000 }, (_, i) => aCase(`c${i}`));
    const t = performance.now();
    store.dispatch(snapshotLoaded(snapshot({ cases: many })));
    store.dispatch(changesApplied(batch({ cases: many.slice(0, 500).map((c) => ({ ...c, version: 2 })) })));
    expect(store.getState().cases.ids).toHaveLength(20_000);
    expect(performance.now() - t).toBeLessThan(3000);
  });

  it('announces only fresh urgent or high reports it had not seen', () => {
    const known: Record<string, Case> = { c1: aCase('c1') };
    const now = T0 + 60_000;
    const list = [
      aCase('c1', { urgency: 'urgent' }),
      aCase('c2', { urgency: 'urgent' }),
      aCase('c3', { urgency: 'normal' }),
      aCase('c4', { urgency: 'high', reportedAt: T0 - 3_600_000 }),
      aCase('c5', { urgency: 'high', status: 'registered' }),
      aCase('c6', { urgency: 'high' }),
    ];
    expect(newAlarms(list, (id) => id in known, now).map((c) => c.id)).toEqual(['c2', 'c6']);
  });
});

describe('settings changed here are not undone by echoes of earlier saves', () => {
  it('keeps the latest local choice when the echo of the previous save arrives late', async () => {
    const saves: Array<(v: unknown) => void> = [];
    let rev = 1;
    const store = makeStore(fakeBridge({
      setSettings: (p) => new Promise((resolve) => saves.push(() => resolve({ ...snapshot().settings, ...p, rev: ++rev }))),
    }));
    store.dispatch(snapshotLoaded(snapshot({ settings: { ...snapshot().settings, rev: 1 } })));
    store.dispatch(settingsChanged({ language: 'en' }));
    await vi.waitFor(() => expect(saves.length).toBe(1), { timeout: 3000 });
    saves[0]!(null); // stored as rev 2
    await vi.waitFor(() => expect(store.getState().settings.rev).toBe(2));
    // The officer switches back; the echo of the first save (rev 2) arrives only now.
    store.dispatch(settingsChanged({ language: 'zh-CN' }));
    store.dispatch(changesApplied(batch({ settings: { ...snapshot().settings, language: 'en', rev: 2 } })));
    expect(store.getState().settings.language).toBe('zh-CN');
    await vi.waitFor(() => expect(saves.length).toBe(2), { timeout: 3000 });
    saves[1]!(null); // rev 3
    await vi.waitFor(() => expect(store.getState().settings.rev).toBe(3));
    // An older snapshot (read before the save) does not undo it either; a newer change from another window does apply.
    store.dispatch(snapshotLoaded(snapshot({ settings: { ...snapshot().settings, language: 'en', rev: 2 } })));
    expect(store.getState().settings.language).toBe('zh-CN');
    store.dispatch(changesApplied(batch({ settings: { ...snapshot().settings, language: 'zh-CN', theme: 'light', rev: 4 } })));
    expect(store.getState().settings).toMatchObject({ theme: 'light', rev: 4 });
    expect(store.getState().settings.unsaved).toBeFalsy();
  });
});
