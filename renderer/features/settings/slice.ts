/**
 * The officer's settings (language, theme, sound, presets, pane sizes). Changed here at once;
 * the listener middleware persists them through bridge.setSettings.
 */
import { createSlice, type PayloadAction } from '@reduxjs/toolkit';
import type { Settings } from '../../../shared/bridge/contract';
import { changesApplied, snapshotLoaded } from '../../app/actions';

export const DEFAULT_SETTINGS: Settings = { language: 'zh-CN', theme: 'dark', soundMuted: false, presets: [], layout: {} };

export const settingsSlice = createSlice({
  name: 'settings',
  initialState: DEFAULT_SETTINGS,
  reducers: {
    settingsChanged(s, a: PayloadAction<Partial<Settings>>) {
      Object.assign(s, a.payload);
    },
    layoutChanged(s, a: PayloadAction<Record<string, number>>) {
      s.layout = { ...s.layout, ...a.payload };
    },
  },
  extraReducers: (b) => {
    b.addCase(snapshotLoaded, (_s, a) => ({ ...DEFAULT_SETTINGS, ...a.payload.settings }));
    b.addCase(changesApplied, (s, a) => (a.payload.settings ? { ...DEFAULT_SETTINGS, ...a.payload.settings } : s));
  },
});

export const { settingsChanged, layoutChanged } = settingsSlice.actions;
