/** Moving the cursor through the queue (j/k, arrows, Home/End, pages). */
import type { AppThunk } from '../../app/thunk';
import { selectQueueIds, selectSelectedIndex } from './selectors';
import { caseSelected } from './slice';

/** The index after a move, clamped to the list; from nowhere, the first step lands on the top. */
export function movedIndex(current: number, delta: number, count: number): number {
  if (count === 0) return -1;
  if (current < 0) return delta < 0 ? count - 1 : 0;
  return Math.max(0, Math.min(count - 1, current + delta));
}

export const moveCursor = (delta: number): AppThunk => (dispatch, getState) => {
  const s = getState();
  const ids = selectQueueIds(s);
  const i = movedIndex(selectSelectedIndex(s), delta, ids.length);
  if (i >= 0) dispatch(caseSelected(ids[i] ?? null));
};

export const moveCursorTo = (where: 'first' | 'last'): AppThunk => (dispatch, getState) => {
  const ids = selectQueueIds(getState());
  const id = where === 'first' ? ids[0] : ids[ids.length - 1];
  if (id) dispatch(caseSelected(id));
};

/** To the newest alarm still flashing (N): the officer heard the tone, now looks at the case. */
export const jumpToNewest = (): AppThunk => (dispatch, getState) => {
  const newest = Object.entries(getState().queue.flashing).sort((a, b) => b[1] - a[1])[0];
  if (newest) dispatch(caseSelected(newest[0]));
};
