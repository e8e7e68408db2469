/** Who is at the keyboard, and (embedded district) whom they may switch to. */
import { createSlice } from '@reduxjs/toolkit';
import type { LinkageBridge } from '../../../shared/bridge/contract';
import type { User } from '../../../shared/protocol/entities';
import type { AppDispatch } from '../../app/store';
import { snapshotLoaded } from '../../app/actions';
import { createAppThunk, errorInfo } from '../../app/thunk';

export interface Account {
  username: string;
  role: string;
  displayName: string;
}

interface SessionState {
  user: User | null;
  accounts: Account[];
  /** A failed login or switch: the translated code and the core's words. */
  error: { code: string; message: string } | null;
  busy: boolean;
}

const initialState: SessionState = { user: null, accounts: [], error: null, busy: false };

export const loadAccounts = createAppThunk('session/accounts', async (_: void, { extra }) => {
  try {
    return await extra.bridge.accounts();
  } catch {
    return []; // not an embedded district: no role switcher
  }
});

/** After login or switching, everything the window shows belongs to someone else: re-read. */
async function reread(bridge: LinkageBridge, dispatch: AppDispatch) {
  dispatch(snapshotLoaded(await bridge.snapshot()));
}

export const login = createAppThunk('session/login', async (a: { username: string; password: string }, { extra, dispatch, rejectWithValue }) => {
  try {
    const r = await extra.bridge.login(a.username, a.password);
    if (!r.ok) return rejectWithValue({ code: 'login_failed', message: r.message });
    await reread(extra.bridge, dispatch);
  } catch (e) {
    return rejectWithValue(errorInfo(e));
  }
});

export const switchUser = createAppThunk('session/switch', async (username: string, { extra, dispatch, rejectWithValue }) => {
  try {
    const r = await extra.bridge.switchUser(username);
    if (!r.ok) return rejectWithValue({ code: 'switch_failed', message: r.message });
    await reread(extra.bridge, dispatch);
  } catch (e) {
    return rejectWithValue(errorInfo(e));
  }
});

export const sessionSlice = createSlice({
  name: 'session',
  initialState,
  reducers: {},
  extraReducers: (b) => {
    b.addCase(snapshotLoaded, (s, a) => { s.user = a.payload.user; });
    b.addCase(loadAccounts.fulfilled, (s, a) => { s.accounts = a.payload; });
    for (const t of [login, switchUser]) {
      b.addCase(t.pending, (s) => { s.busy = true; s.error = null; });
      b.addCase(t.fulfilled, (s) => { s.busy = false; });
      b.addCase(t.rejected, (s, a) => { s.busy = false; s.error = a.payload ?? { code: 'internal', message: a.error.message ?? '' }; });
    }
  },
});
