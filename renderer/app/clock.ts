/** The window's single ticking `now` (ms), so every countdown agrees to the second. */
import { createSlice } from '@reduxjs/toolkit';
import { ticked } from './actions';

export const clockSlice = createSlice({
  name: 'clock',
  initialState: { now: Date.now() },
  reducers: {},
  extraReducers: (b) => b.addCase(ticked, (s, a) => { s.now = a.payload; }),
});

/** Starts the tick; returns the stop. One interval for the whole window. */
export function startClock(dispatch: (a: ReturnType<typeof ticked>) => unknown, periodMs = 1000): () => void {
  const id = setInterval(() => dispatch(ticked(Date.now())), periodMs);
  return () => clearInterval(id);
}
