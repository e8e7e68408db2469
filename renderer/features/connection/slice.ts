/**
 * Two links decide whether what the window shows is live: the core's link to the hub (from the
 * core's connection state) and, in browser mode, the page's own link to the core.
 */
import { createSlice } from '@reduxjs/toolkit';
import type { ConnectionState } from '../../../shared/bridge/contract';
import { changesApplied, linkChanged, snapshotLoaded } from '../../app/actions';

interface ConnectionSlice {
  core: ConnectionState | null;
  link: { up: boolean; since: number };
}

const initialState: ConnectionSlice = { core: null, link: { up: true, since: Date.now() } };

export const connectionSlice = createSlice({
  name: 'connection',
  initialState,
  reducers: {},
  extraReducers: (b) => {
    b.addCase(snapshotLoaded, (s, a) => { s.core = a.payload.connection; });
    b.addCase(changesApplied, (s, a) => { if (a.payload.connection) s.core = a.payload.connection; });
    b.addCase(linkChanged, (s, a) => { s.link = a.payload; });
  },
});
