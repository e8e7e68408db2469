/**
 * The officer's settings (language, theme, sound, presets, pane sizes). Changed here at once;
 * the listener middleware persists them through bridge.setSettings.
 */
import { createSlice, type PayloadAction } from '@reduxjs/toolkit';
import type { Settings } from '../../../shared/bridge/contract';
import { changesApplied, snapshotLoaded } from '../../app/actions';

export const DEFAULT_SETTINGS: Settings = { language: 'zh-CN', theme: 'dark', soundMuted: false, presets: [], layout: {} };

export interface SettingsState extends Settings {
  /** Changed here and not yet saved: settings from elsewhere wait (they would undo the change). */
  unsaved?: boolean;
}

/** Settings that arrive from the bridge replace ours unless they are older, or ours are unsaved. */
function arrived(s: SettingsState, incoming: Settings): SettingsState {
  if (s.unsaved || (incoming.rev ?? 0) < (s.rev ?? 0)) return s;
  return { ...DEFAULT_SETTINGS, ...incoming };
}

export const settingsSlice = createSlice({
  name: 'settings',
  initialState: DEFAULT_SETTINGS as SettingsState,
  reducers: {
    settingsChanged(s, a: PayloadAction<Partial<Settings>>) {
      Object.assign(s, a.payload);
      s.unsaved = true;
    },
    layoutChanged(s, a: PayloadAction<Record<string, number>>) {
      s.layout = { ...s.layout, ...a.payload };
      s.unsaved = true;
    },
    /** The save answered with what is stored now; a change made meanwhile stays unsaved. */
    settingsSaved(s, a: PayloadAction<{ settings: Settings; changedMeanwhile: boolean }>) {
      if (a.payload.changedMeanwhile) {
        s.rev = Math.max(s.rev ?? 0, a.payload.settings.rev ?? 0);
        return s;
      }
      return { ...DEFAULT_SETTINGS, ...a.payload.settings };
    },
  },
  extraReducers: (b) => {
    b.addCase(snapshotLoaded, (s, a) => arrived(s, a.payload.settings));
    b.addCase(changesApplied, (s, a) => (a.payload.settings ? arrived(s, a.payload.settings) : s));
  },
});

export const { settingsChanged, layoutChanged, settingsSaved } = settingsSlice.actions;
