/**
 * Side effects, in one place (listener middleware): announcing new urgent cases, the debounced
 * full-text search, fetching the open case's timeline when it changes, saving settings, and
 * telling i18n the language. Effects that touch the browser are injected, so tests run in Node.
 */
import type { TypedStartListening } from '@reduxjs/toolkit';
import type { LinkageBridge } from '../../shared/bridge/contract';
import { newAlarms } from '../../shared/domain/alarms';
import type { Case } from '../../shared/protocol/entities';
import { loadCaseDetail } from '../features/case/slice';
import { flashed, searchHitsReceived, searchTextChanged } from '../features/queue/slice';
import { layoutChanged, settingsChanged, settingsSaved } from '../features/settings/slice';
import { changesApplied, snapshotLoaded } from './actions';
import { resync } from './sync';
import type { AppDispatch, RootState } from './store';

export interface Effects {
  /** New urgent or high cases arrived live: a tone per urgency (unless muted), an OS notice when unfocused. */
  announce(cases: Case[], opts: { muted: boolean }): void;
  languageChanged(language: string): void;
}

type StartListening = TypedStartListening<RootState, AppDispatch>;

export const FLASH_MS = 8_000;
const SEARCH_DEBOUNCE_MS = 250;
const SETTINGS_DEBOUNCE_MS = 500;
/** After a snapshot, the cases are frozen later and in chunks (features/cases/slice.ts). */
const FREEZE_AFTER_MS = 1000;
const FREEZE_CHUNK = 2000;

/** Object.freeze, deep, stopping at what is frozen already (as Immer's autofreeze does). */
export function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const v of Object.values(value)) deepFreeze(v);
}

export function addListeners(startListening: StartListening, bridge: LinkageBridge, effects: Effects): void {
  startListening({
    actionCreator: snapshotLoaded,
    effect: async (action, api) => {
      api.cancelActiveListeners(); // a newer snapshot's cases are the ones in the state
      const cases = action.payload.cases;
      await api.delay(FREEZE_AFTER_MS);
      for (let i = 0; i < cases.length; i += FREEZE_CHUNK) {
        if (i > 0) await api.delay(0);
        for (const c of cases.slice(i, i + FREEZE_CHUNK)) deepFreeze(c);
      }
    },
  });

  startListening({
    actionCreator: changesApplied,
    effect: (action, api) => {
      const before = api.getOriginalState();
      if (!before.cases.loaded) return;
      const now = Date.now();
      // The rule is shared with Electron's desktop notice (shared/domain/alarms.ts); "new" here: not in this window's store before the batch.
      const known = before.cases.entities;
      const alarms = newAlarms(action.payload.cases, (id) => known[id] !== undefined, now);
      if (!alarms.length) return;
      api.dispatch(flashed({ ids: alarms.map((c) => c.id), until: now + FLASH_MS }));
      effects.announce(alarms, { muted: api.getState().settings.soundMuted });
    },
  });

  startListening({
    actionCreator: searchTextChanged,
    effect: async (action, api) => {
      api.cancelActiveListeners(); // only the last keystroke's query runs
      const text = action.payload.trim();
      if (!text) return;
      await api.delay(SEARCH_DEBOUNCE_MS);
      try {
        const ids = await bridge.search(text.slice(0, 200));
        api.dispatch(searchHitsReceived({ text, ids }));
      } catch {
        api.dispatch(searchHitsReceived({ text, ids: [] }));
      }
    },
  });

  // The open case's timeline follows the case: another officer's step shows up at once.
  startListening({
    predicate: (_a, cur, prev) => {
      const id = cur.queue.selectedId;
      return !!id && (id !== prev.queue.selectedId || cur.cases.entities[id] !== prev.cases.entities[id]);
    },
    effect: (_a, api) => {
      const s = api.getState();
      const c = s.queue.selectedId ? s.cases.entities[s.queue.selectedId] : undefined;
      if (c && s.caseDetail.byId[c.id]?.stamp !== c.updatedAt) void api.dispatch(loadCaseDetail({ caseId: c.id, stamp: c.updatedAt }));
    },
  });

  startListening({
    predicate: (a) => settingsChanged.match(a) || layoutChanged.match(a),
    effect: async (_a, api) => {
      api.cancelActiveListeners(); // dragging a splitter saves once, when it stops
      await api.delay(SETTINGS_DEBOUNCE_MS);
      const { language, theme, soundMuted, presets, layout } = api.getState().settings;
      const sent = { language, theme, soundMuted, presets, layout };
      try {
        const stored = await bridge.setSettings(sent);
        const now = api.getState().settings;
        const changedMeanwhile = JSON.stringify(sent) !== JSON.stringify({ language: now.language, theme: now.theme, soundMuted: now.soundMuted, presets: now.presets, layout: now.layout });
        api.dispatch(settingsSaved({ settings: stored, changedMeanwhile }));
      } catch {
        // Kept in the window; the next change tries again. Nothing the officer must act on.
      }
    },
  });

  // The core logged in as someone else (another window switched role): all of it is theirs now.
  startListening({
    predicate: (_a, cur, prev) => !!prev.connection.core && !!cur.connection.core
      && (cur.connection.core.user?.id ?? null) !== (prev.connection.core.user?.id ?? null)
      && (cur.connection.core.user?.id ?? null) !== (cur.session.user?.id ?? null),
    effect: (_a, api) => { void api.dispatch(resync()); },
  });

  startListening({
    predicate: (_a, cur, prev) => cur.settings.language !== prev.settings.language,
    effect: (_a, api) => effects.languageChanged(api.getState().settings.language),
  });
}
