/** The cases of this user's scope, as the core's replica has them. */
import { createEntityAdapter, createSlice } from '@reduxjs/toolkit';
import type { Case } from '../../../shared/protocol/entities';
import { changesApplied, snapshotLoaded } from '../../app/actions';

export const casesAdapter = createEntityAdapter<Case>();

export const casesSlice = createSlice({
  name: 'cases',
  initialState: casesAdapter.getInitialState({ loaded: false }),
  reducers: {},
  extraReducers: (b) => {
    b.addCase(snapshotLoaded, (s, a) => {
      casesAdapter.setAll(s, a.payload.cases);
      s.loaded = true;
    });
    b.addCase(changesApplied, (s, a) => {
      // Batches may cross in flight (a snapshot re-read races the stream): never go back a version.
      const newer = a.payload.cases.filter((c) => (s.entities[c.id]?.version ?? 0) <= c.version);
      casesAdapter.upsertMany(s, newer);
      casesAdapter.removeMany(s, a.payload.removed.cases);
    });
  },
});
