// What the console derives: timeliness at `now`, counters, filters, the queue's order, KPIs,
// what is near a case, which steps to offer, the keys and the palette.
import { describe, expect, it } from 'vitest';
import type { LinkageBridge, Snapshot } from '../../shared/bridge/contract';
import type { Camera, Case, Unit, User } from '../../shared/protocol/entities';
import { snapshotLoaded, ticked } from '../../renderer/app/actions';
import { makeStore } from '../../renderer/app/store';
import { startOfDistrictDay as dayStartAt } from '../../shared/domain/district-time';
import { computeKpis, selectDeadlineCounts, selectKpis, selectStatusCounts, selectTimeliness } from '../../renderer/features/cases/selectors';
import { timelinessAt } from '../../renderer/features/cases/timeliness';
import { distanceM } from '../../renderer/features/case/geo';
import { nearbyCameras, nearestAvailableUnits, relatedCases } from '../../renderer/features/case/nearby';
import { paletteItems } from '../../renderer/features/command-palette/items';
import { selectLinkView } from '../../renderer/features/connection/selectors';
import { EMPTY_FILTERS, normalizeFilters } from '../../renderer/features/queue/filters';
import { movedIndex } from '../../renderer/features/queue/navigation';
import { visibleRange } from '../../renderer/features/queue/range';
import { filterAndSort, selectQueueIds } from '../../renderer/features/queue/selectors';
import { filterToggled, overdueToggled, searchHitsReceived, searchTextChanged } from '../../renderer/features/queue/slice';
import { keyIntent, type KeyPress } from '../../renderer/features/shell/keymap';
import { paneWidth } from '../../renderer/features/shell/layout';
import { EMPTY_FORM, formProblem, offeredSteps, payloadOf, stepForKey } from '../../renderer/features/workflow/steps';
import { linkChanged } from '../../renderer/app/actions';

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

const officer: User = { id: 'u1', username: 'officer', displayName: '值班员', role: 'officer', subdistricts: [], departmentCode: null };
const liaison: User = { id: 'u2', username: 'greening', displayName: '联络员', role: 'liaison', subdistricts: [], departmentCode: 'greening' };

const bridge = { onChanges: () => () => {} } as unknown as LinkageBridge;

function storeWith(cases: Case[], now = T0) {
  const store = makeStore(bridge);
  const snap: Snapshot = {
    user: officer, cases, units: [], cameras: [], positions: [], pending: [], answers: [],
    connection: { state: 'online', since: T0, lastOnlineAt: T0, lastSeq: 1, headSeq: 1, caughtUp: null, pending: 0, user: null, error: null, hub: null, node: null },
    settings: { language: 'zh-CN', theme: 'dark', soundMuted: false, presets: [], layout: {} },
  };
  store.dispatch(snapshotLoaded(snap));
  store.dispatch(ticked(now));
  return store;
}

describe('timeliness', () => {
  it('is ok, due soon in the last fifth, then overdue after the deadline', () => {
    const c = aCase('c1');
    expect(timelinessAt(c, T0 + 10 * MIN)).toBe('ok');
    expect(timelinessAt(c, T0 + 25 * MIN)).toBe('due_soon');
    expect(timelinessAt(c, T0 + 30 * MIN)).toBe('due_soon'); // at the limit is on time
    expect(timelinessAt(c, T0 + 30 * MIN + 1)).toBe('overdue');
  });

  it('times handling from dispatch, pauses when suspended, stops when resolved', () => {
    const dispatched = aCase('c', { status: 'dispatched', dispatchedAt: T0, handlingDue: T0 + 10 * HOUR });
    expect(timelinessAt(dispatched, T0 + 7 * HOUR)).toBe('ok');
    expect(timelinessAt(dispatched, T0 + 9 * HOUR)).toBe('due_soon');
    expect(timelinessAt(dispatched, T0 + 11 * HOUR)).toBe('overdue');
    expect(timelinessAt({ ...dispatched, status: 'suspended' }, T0 + 11 * HOUR)).toBe('paused');
    expect(timelinessAt({ ...dispatched, status: 'resolved' }, T0 + 11 * HOUR)).toBe('none');
    expect(timelinessAt(aCase('x', { dispatchDue: null }), T0)).toBe('none');
  });

  it('counts overdue and due soon with the ticking clock', () => {
    const store = storeWith([aCase('a'), aCase('b', { dispatchDue: T0 + 2 * HOUR }), aCase('c', { status: 'closed', closedAt: T0 })]);
    expect(selectDeadlineCounts(store.getState())).toEqual({ overdue: 0, dueSoon: 0 });
    store.dispatch(ticked(T0 + 29 * MIN));
    expect(selectDeadlineCounts(store.getState())).toEqual({ overdue: 0, dueSoon: 1 });
    store.dispatch(ticked(T0 + 31 * MIN));
    expect(selectDeadlineCounts(store.getState())).toEqual({ overdue: 1, dueSoon: 0 });
    expect(selectTimeliness(store.getState()).has('c')).toBe(false);
  });
});

describe('counters and KPIs', () => {
  it('counts per status', () => {
    const store = storeWith([aCase('a'), aCase('b'), aCase('c', { status: 'dispatched', dispatchedAt: T0, handlingDue: T0 + HOUR })]);
    const counts = selectStatusCounts(store.getState());
    expect(counts.reported).toBe(2);
    expect(counts.dispatched).toBe(1);
    expect(counts.closed).toBe(0);
  });

  it('computes the day in Shanghai time and 按期结案率 over the cases due today', () => {
    const midnight = Date.parse('2026-11-25T00:00:00+08:00');
    expect(dayStartAt(Date.parse('2026-11-25T23:59:00+08:00'))).toBe(midnight);
    expect(dayStartAt(Date.parse('2026-11-25T00:00:00+08:00'))).toBe(midnight);
    const k = computeKpis([
      aCase('a'),
      aCase('b', { status: 'closed', handlingDue: T0 + HOUR, resolvedAt: T0 + 30 * MIN, closedAt: T0 + 2 * HOUR }),
      aCase('c', { status: 'closed', handlingDue: T0 + HOUR, resolvedAt: T0 + 2 * HOUR, closedAt: T0 + 3 * HOUR }),
      aCase('d', { status: 'returned', reportedAt: midnight - HOUR }),
      // Due today and still open: in the due cohort, not on time (the assessment's 按期结案率).
      aCase('e', { status: 'dispatched', handlingDue: T0 + 2 * HOUR }),
      // Closed today in time, but it was due yesterday: not today's cohort.
      aCase('f', { status: 'closed', reportedAt: midnight - 30 * HOUR, handlingDue: midnight - HOUR, resolvedAt: midnight - 2 * HOUR, closedAt: T0 }),
    ], midnight);
    expect(k).toEqual({ open: 3, reportedToday: 4, closedToday: 3, onTimeRateToday: 1 / 3, returnedOpen: 1 });
    expect(selectKpis(storeWith([]).getState()).onTimeRateToday).toBeNull();
  });
});

describe('the queue', () => {
  const cases = [
    aCase('n-late', { dispatchDue: T0 + 2 * HOUR }),
    aCase('n-soon', { dispatchDue: T0 + 10 * MIN }),
    aCase('u', { urgency: 'urgent', dispatchDue: T0 + 5 * HOUR }),
    aCase('h', { urgency: 'high', source: 'video', categoryCode: '09006', subdistrictCode: '310112102' }),
    aCase('d', { status: 'dispatched', owners: ['greening'], dispatchedAt: T0, handlingDue: T0 + 20 * MIN }),
    aCase('closed', { status: 'closed', closedAt: T0 }),
    aCase('nodue', { dispatchDue: null }),
  ];

  it('sorts by urgency, then the nearest deadline; shows open cases only by default', () => {
    expect(filterAndSort(cases, EMPTY_FILTERS, null).map((c) => c.id)).toEqual(['u', 'h', 'n-soon', 'd', 'n-late', 'nodue']);
  });

  it('filters by source, category prefix, subdistrict, department and status', () => {
    const ids = (f: Partial<typeof EMPTY_FILTERS>) => filterAndSort(cases, { ...EMPTY_FILTERS, ...f }, null).map((c) => c.id);
    expect(ids({ sources: ['video'] })).toEqual(['h']);
    expect(ids({ categories: ['09'] })).toEqual(['h']);
    expect(ids({ categories: ['06010'] })).not.toContain('h');
    expect(ids({ subdistricts: ['310112102'] })).toEqual(['h']);
    expect(ids({ departments: ['greening'] })).toEqual(['d']);
    expect(ids({ statuses: ['closed'] })).toEqual(['closed']);
    expect(ids({ statuses: ['closed', 'dispatched'] })).toEqual(['d', 'closed']);
  });

  it('combines full-text hits with the filters, and "overdue only" follows the clock', () => {
    const store = storeWith(cases);
    store.dispatch(searchTextChanged('路'));
    store.dispatch(searchHitsReceived({ text: '路', ids: ['h', 'd', 'closed', 'gone'] }));
    expect(selectQueueIds(store.getState())).toEqual(['h', 'd']);
    store.dispatch(filterToggled({ field: 'sources', value: 'video' }));
    expect(selectQueueIds(store.getState())).toEqual(['h']);
    store.dispatch(searchTextChanged(''));
    store.dispatch(filterToggled({ field: 'sources', value: 'video' }));
    store.dispatch(overdueToggled());
    expect(selectQueueIds(store.getState())).toEqual([]);
    store.dispatch(ticked(T0 + 25 * MIN));
    expect(selectQueueIds(store.getState())).toEqual(['n-soon', 'd']);
  });

  it('keeps only valid parts of a saved preset', () => {
    expect(normalizeFilters({ sources: ['video', 'nope', 3], categories: ['09', 'x'], statuses: ['closed', 'bad'], overdueOnly: true, extra: 1 }))
      .toEqual({ ...EMPTY_FILTERS, sources: ['video'], categories: ['09'], statuses: ['closed'], overdueOnly: true });
    expect(normalizeFilters(null)).toEqual(EMPTY_FILTERS);
  });

  it('moves the cursor within bounds and renders only the rows in view', () => {
    expect(movedIndex(-1, 1, 5)).toBe(0);
    expect(movedIndex(-1, -1, 5)).toBe(4);
    expect(movedIndex(3, 10, 5)).toBe(4);
    expect(movedIndex(0, -1, 5)).toBe(0);
    expect(movedIndex(0, 1, 0)).toBe(-1);
    expect(visibleRange(0, 640, 64, 20_000, 5)).toEqual([0, 15]);
    expect(visibleRange(64 * 10_000, 640, 64, 20_000, 5)).toEqual([9995, 10015]);
    expect(visibleRange(64 * 19_990, 640, 64, 20_000, 5)).toEqual([19985, 20000]);
  });
});

describe('around a case', () => {
  const c = aCase('c', { point: [121.38, 31.11], reportedAt: T0 });
  it('measures distances', () => {
    expect(distanceM([121.38, 31.11], [121.38, 31.12])).toBeGreaterThan(1100);
    expect(distanceM([121.38, 31.11], [121.38, 31.12])).toBeLessThan(1120);
  });

  it('lists cameras within 1 km, nearest first', () => {
    const cam = (id: string, lat: number): Camera => ({ id, version: 1, name: id, kind: 'ai', point: [121.38, lat], subdistrictCode: '310112101', communityCode: '310112101001', status: 'online', stream: null, updatedAt: T0 });
    expect(nearbyCameras(c, [cam('far', 31.13), cam('b', 31.115), cam('a', 31.111)]).map((x) => x.item.id)).toEqual(['a', 'b']);
  });

  it('lists available units by where they are now', () => {
    const unit = (id: string, status: Unit['status'], home: [number, number]): Unit => ({ id, version: 1, name: id, kind: 'patrol', departmentCode: 'enforcement', subdistrictCode: '310112101', status, home, caseId: null, updatedAt: T0 });
    const units = [unit('busy', 'busy', [121.38, 31.11]), unit('home-far', 'available', [121.38, 31.2]), unit('moved-near', 'available', [121.38, 31.3])];
    const near = nearestAvailableUnits(c, units, { 'moved-near': { id: 'moved-near', point: [121.381, 31.11], heading: 0, speed: 0, at: T0 } });
    expect(near.map((x) => x.item.id)).toEqual(['moved-near', 'home-far']);
  });

  it('finds possible duplicates within 300 m and 24 h, same class first', () => {
    const others = [
      aCase('same-class', { point: [121.381, 31.11] }),
      aCase('other-class', { point: [121.3801, 31.11], categoryCode: '09006' }),
      aCase('too-far', { point: [121.39, 31.11] }),
      aCase('too-old', { point: [121.38, 31.11], reportedAt: T0 - 25 * HOUR }),
      aCase('merged', { point: [121.38, 31.11], mergedInto: 'x' }),
      c,
    ];
    expect(relatedCases(c, others).map((x) => x.item.id)).toEqual(['same-class', 'other-class']);
  });
});

describe('workflow steps', () => {
  it('offers the officer register, reject and merge on a report; verify on a resolved case', () => {
    expect(offeredSteps(officer, aCase('c'))).toEqual(['register', 'reject', 'comment', 'attach', 'merge']);
    expect(offeredSteps(officer, aCase('c', { status: 'resolved', owners: ['greening'] }))).toEqual(['verify', 'comment', 'attach']);
    expect(offeredSteps(officer, aCase('c', { status: 'dispatched', owners: ['greening'] }))).toEqual(['suspend', 'comment', 'attach']);
    expect(offeredSteps(officer, aCase('c', { status: 'suspended', previousStatus: 'dispatched' }))).toContain('resume');
  });

  it('offers the owning liaison accept and return, and nothing to read-only roles', () => {
    const c = aCase('c', { status: 'dispatched', owners: ['greening'] });
    expect(offeredSteps(liaison, c)).toEqual(['accept', 'return', 'comment', 'attach']);
    expect(offeredSteps(liaison, aCase('c', { status: 'dispatched', owners: ['water'] }))).toEqual([]);
    expect(offeredSteps({ ...officer, role: 'wall' }, c)).toEqual([]);
    expect(offeredSteps(null, c)).toEqual([]);
  });

  it('maps keys to the offered step (U is suspend or resume)', () => {
    expect(stepForKey('D', ['dispatch', 'suspend'])).toBe('dispatch');
    expect(stepForKey('u', ['dispatch', 'suspend'])).toBe('suspend');
    expect(stepForKey('u', ['resume'])).toBe('resume');
    expect(stepForKey('a', ['dispatch'])).toBeUndefined();
  });

  it('checks forms and builds payloads the hub accepts', () => {
    expect(formProblem('reject', EMPTY_FORM)).toBe('form.problem.textRequired');
    expect(formProblem('dispatch', EMPTY_FORM)).toBe('form.problem.departmentRequired');
    expect(formProblem('dispatch', { ...EMPTY_FORM, departments: ['water'], handlingHours: '-1' })).toBe('form.problem.hours');
    expect(formProblem('verify', EMPTY_FORM)).toBeNull();
    expect(payloadOf('dispatch', 'c', { ...EMPTY_FORM, departments: ['water'], handlingHours: '6' })).toEqual({ caseId: 'c', departments: ['water'], handlingHours: 6 });
    expect(payloadOf('dispatch', 'c', { ...EMPTY_FORM, departments: ['water'] })).toEqual({ caseId: 'c', departments: ['water'] });
    expect(payloadOf('verify', 'c', { ...EMPTY_FORM, passed: false, text: '未清理' })).toEqual({ caseId: 'c', passed: false, note: '未清理' });
    expect(payloadOf('suspend', 'c', { ...EMPTY_FORM, text: '待审批', extendHours: '48' })).toEqual({ caseId: 'c', reason: '待审批', extendHours: 48 });
    expect(payloadOf('merge', 'c', { ...EMPTY_FORM, intoCaseId: 'd' })).toEqual({ caseId: 'c', intoCaseId: 'd' });
    expect(payloadOf('register', 'c', EMPTY_FORM)).toEqual({ caseId: 'c' });
  });
});

describe('keys and palette', () => {
  const press = (key: string, over: Partial<KeyPress> = {}): KeyPress => ({ key, ctrl: false, meta: false, alt: false, inField: false, overlay: false, ...over });
  it('maps keys to intents, and leaves typing alone', () => {
    expect(keyIntent(press('j'))).toEqual({ kind: 'move', delta: 1 });
    expect(keyIntent(press('ArrowUp'))).toEqual({ kind: 'move', delta: -1 });
    expect(keyIntent(press('D'))).toEqual({ kind: 'step', key: 'd' });
    expect(keyIntent(press('d', { inField: true }))).toEqual({ kind: 'none' });
    expect(keyIntent(press('d', { overlay: true }))).toEqual({ kind: 'none' });
    expect(keyIntent(press('r', { ctrl: true }))).toEqual({ kind: 'none' });
    expect(keyIntent(press('k', { ctrl: true, inField: true }))).toEqual({ kind: 'palette' });
    expect(keyIntent(press('Escape', { inField: true }))).toEqual({ kind: 'escape' });
    expect(keyIntent(press('Enter', { onControl: true }))).toEqual({ kind: 'none' });
    expect(keyIntent(press('Enter'))).toEqual({ kind: 'open' });
    expect(keyIntent(press('/'))).toEqual({ kind: 'search' });
    expect(keyIntent(press('?'))).toEqual({ kind: 'help' });
    expect(keyIntent(press('ArrowDown', { reading: true }))).toEqual({ kind: 'none' });
    expect(keyIntent(press('j', { reading: true }))).toEqual({ kind: 'move', delta: 1 });
    expect(keyIntent(press('n'))).toEqual({ kind: 'newest' });
  });

  it('lists the steps available now and filters by typed words', () => {
    const t = (k: string, v?: Record<string, unknown>) => (v ? `${k}:${JSON.stringify(v)}` : k);
    const ctx = { offered: ['register', 'reject'] as const, accounts: [{ username: 'officer', displayName: 'A' }, { username: 'wall', displayName: 'W' }], currentUsername: 'officer', presets: [{ name: '超时' }], hasCase: (id: string) => id === 'MH1', t };
    const all = paletteItems({ ...ctx, offered: [...ctx.offered] }, '');
    expect(all.filter((i) => i.group === 'actions').map((i) => i.shortcut)).toEqual(['R', 'X']);
    expect(all.some((i) => i.id === 'user:wall')).toBe(true);
    expect(all.some((i) => i.id === 'user:officer')).toBe(false);
    expect(paletteItems({ ...ctx, offered: [...ctx.offered] }, 'reject').map((i) => i.id)).toEqual(['step:reject']);
    expect(paletteItems({ ...ctx, offered: [...ctx.offered] }, 'MH1')[0]?.action).toEqual({ kind: 'open', caseId: 'MH1' });
  });
});

describe('connection and layout', () => {
  it('is not live when the page lost its link, whatever the core said', () => {
    const store = storeWith([]);
    expect(selectLinkView(store.getState()).kind).toBe('online');
    store.dispatch(linkChanged({ up: false, since: T0 }));
    expect(selectLinkView(store.getState())).toEqual({ kind: 'link_down', since: T0 });
  });

  it('keeps pane widths within bounds', () => {
    expect(paneWidth({}, 'queueWidth', 1920, 640)).toBe(560);
    expect(paneWidth({ queueWidth: 50 }, 'queueWidth', 1920, 640)).toBe(320);
    expect(paneWidth({ queueWidth: 5000 }, 'queueWidth', 1920, 640)).toBe(1920 - 640 - 420);
  });
});
