// One rule for "a new urgent case" (shared/domain/alarms.ts): the window's listener (browser mode
// and Electron's windows: tone, flash, notice) and Electron's main process (desktop notice) are
// fed the same sequence of snapshots and change batches and announce the same cases.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ChangeBatch, LinkageBridge, Snapshot } from '../../shared/bridge/contract';
import { ALARM_FRESH_MS, AlarmWatch, isAlarming } from '../../shared/domain/alarms';
import type { Case } from '../../shared/protocol/entities';
import { changesApplied, snapshotLoaded } from '../../renderer/app/actions';
import { normalizeBatch } from '../../renderer/app/batches';
import { makeStore } from '../../renderer/app/store';

const T0 = Date.parse('2026-11-25T09:00:00+08:00');

function aCase(id: string, over: Partial<Case> = {}): Case {
  return {
    id, version: 1, status: 'reported', previousStatus: null, source: 'hotline', externalRef: null, categoryCode: '06010', urgency: 'urgent',
    point: [121.38, 31.11], address: '莘庄镇 某路 1 号', subdistrictCode: '310112101', communityCode: '310112101001', reporter: null,
    description: '', attachments: [], owners: [], reportedAt: T0, registeredAt: null, dispatchedAt: null, acceptedAt: null, resolvedAt: null,
    closedAt: null, dispatchDue: T0 + 30 * 60_000, handlingDue: null, dueSoonAt: null, overdueAt: null, mergedInto: null, updatedAt: T0, ...over,
  };
}

function snapshot(cases: Case[]): Snapshot {
  return {
    user: { id: 'u1', username: 'officer', displayName: '值班员', role: 'officer', subdistricts: [], departmentCode: null },
    cases, units: [], cameras: [], positions: [], pending: [], answers: [],
    connection: { state: 'online', since: T0, lastOnlineAt: T0, lastSeq: 1, headSeq: 1, caughtUp: null, pending: 0, user: null, error: null, hub: null, node: null },
    settings: { language: 'zh-CN', theme: 'dark', soundMuted: false, presets: [], layout: {} },
  };
}

const bridge = { onChanges: () => () => {}, setSettings: async () => snapshot([]).settings } as unknown as LinkageBridge;

type Step = { at: number } & ({ snapshot: Case[] } | { batch: Partial<ChangeBatch> });

/** What the window's listener announces for each batch (renderer/app/listeners.ts as wired in the store). */
function windowAnnounces(steps: Step[]): string[][] {
  const announced: string[][] = [];
  const store = makeStore(bridge, { announce: (cases) => announced.push(cases.map((c) => c.id)), languageChanged: () => {} });
  const out: string[][] = [];
  for (const s of steps) {
    vi.setSystemTime(s.at);
    if ('snapshot' in s) store.dispatch(snapshotLoaded(snapshot(s.snapshot)));
    else {
      const before = announced.length;
      store.dispatch(changesApplied(normalizeBatch(s.batch)));
      out.push(announced.length > before ? announced[announced.length - 1]! : []);
    }
  }
  return out;
}

/** What Electron's main process notifies for each batch (main/electron/app.ts: know() on each snapshot call, take() on each batch). */
function desktopAnnounces(steps: Step[]): string[][] {
  const watch = new AlarmWatch();
  const out: string[][] = [];
  for (const s of steps) {
    if ('snapshot' in s) watch.know(s.snapshot);
    else out.push(watch.take(normalizeBatch(s.batch), s.at).map((c) => c.id));
  }
  return out;
}

const removed = (cases: string[]) => ({ cases, units: [], cameras: [] });

afterEach(() => { vi.useRealTimers(); });

describe('isAlarming: what a duty officer is alerted to', () => {
  const now = T0 + 60_000;
  it('alarms on a fresh report, urgent or high', () => {
    expect(isAlarming(aCase('a'), now)).toBe(true);
    expect(isAlarming(aCase('a', { urgency: 'high' }), now)).toBe(true);
    expect(isAlarming(aCase('a', { reportedAt: now - ALARM_FRESH_MS }), now)).toBe(true);
  });
  it('does not alarm on normal urgency, a case past reported, or a report older than ten minutes', () => {
    expect(isAlarming(aCase('a', { urgency: 'normal' }), now)).toBe(false);
    for (const status of ['registered', 'dispatched', 'rejected', 'closed'] as const) expect(isAlarming(aCase('a', { status }), now)).toBe(false);
    expect(isAlarming(aCase('a', { reportedAt: now - ALARM_FRESH_MS - 1 }), now)).toBe(false);
  });
});

describe('the window and the desktop notice announce the same cases', () => {
  it('agree over a sequence of snapshots and batches', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const steps: Step[] = [
      // Before any snapshot: nothing alarms (the window has not loaded).
      { at: T0 + 1000, batch: { cases: [aCase('early')] } },
      { at: T0 + 2000, snapshot: [aCase('known'), aCase('early')] },
      // A change to a case the window loaded: not new.
      { at: T0 + 3000, batch: { cases: [aCase('known', { version: 2 })] } },
      // New: urgent and high alarm; normal, registered and stale ones do not.
      {
        at: T0 + 4000, batch: {
          cases: [
            aCase('u1'), aCase('h1', { urgency: 'high' }), aCase('n1', { urgency: 'normal' }),
            aCase('r1', { status: 'registered', version: 2 }), aCase('old', { reportedAt: T0 - ALARM_FRESH_MS - 60_000 }),
            // Not at version 1 but new to this workstation (amended while it was offline): still news.
            aCase('v3', { version: 3 }),
          ],
        },
      },
      // The same cases again (a later version): already seen.
      { at: T0 + 5000, batch: { cases: [aCase('u1', { version: 2 }), aCase('h1', { version: 2, urgency: 'urgent' })] } },
      // A case leaves the scope and comes back: new again.
      { at: T0 + 6000, batch: { removed: removed(['u1']) } },
      { at: T0 + 7000, batch: { cases: [aCase('u1', { version: 3 })] } },
      // Raised from normal to urgent while reported: known, no alarm.
      { at: T0 + 8000, batch: { cases: [aCase('n1', { version: 2 })] } },
      // Ten minutes on: a new report of that time alarms, the first one would not.
      { at: T0 + ALARM_FRESH_MS + 60_000, batch: { cases: [aCase('late', { reportedAt: T0 + ALARM_FRESH_MS }), aCase('stale', { reportedAt: T0 })] } },
    ];
    const expected = [[], [], ['u1', 'h1', 'v3'], [], [], ['u1'], [], ['late']];
    expect(windowAnnounces(steps)).toEqual(expected);
    expect(desktopAnnounces(steps)).toEqual(expected);
  });
});
