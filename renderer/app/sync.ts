/** Re-reading everything from the core: at start, after a reset or a lost link, after a user change. */
import { snapshotLoaded } from './actions';
import { createAppThunk, errorInfo } from './thunk';

export const resync = createAppThunk('bridge/resync', async (_: void, { extra, dispatch, rejectWithValue }) => {
  try {
    dispatch(snapshotLoaded(await extra.bridge.snapshot()));
  } catch (e) {
    return rejectWithValue(errorInfo(e));
  }
});
