/** Which overlay covers the console: the command palette, the key help, or none. */
import { createSlice, type PayloadAction } from '@reduxjs/toolkit';

export type Overlay = 'palette' | 'help' | null;

export const shellSlice = createSlice({
  name: 'shell',
  initialState: { overlay: null as Overlay },
  reducers: {
    overlayOpened(s, a: PayloadAction<Overlay>) {
      s.overlay = a.payload;
    },
  },
});

export const { overlayOpened } = shellSlice.actions;
