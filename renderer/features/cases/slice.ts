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
    // Built outside Immer (issue 5): `setAll` in a draft has Immer deep-freeze 20,000 cases in
    // the dispatch of the first render. The containers are frozen here (so Immer does not walk
    // into them); the cases themselves are frozen a little later, a chunk at a time, by the
    // listener in app/listeners.ts (or by Immer at the next change, whichever comes first).
    b.addCase(snapshotLoaded, (_s, a) => {
      const ids: string[] = [];
      const entities: Record<string, Case> = {};
      for (const c of a.payload.cases) {
        if (entities[c.id] === undefined) ids.push(c.id);
        entities[c.id] = c;
      }
      Object.freeze(ids);
      Object.freeze(entities);
      return Object.freeze({ ids, entities, loaded: true });
    });
    b.addCase(changesApplied, (s, a) => {
      // Batches may cross in flight (a snapshot re-read races the stream): never go back a version.
      const newer = a.payload.cases.filter((c) => (s.entities[c.id]?.version ?? 0) <= c.version);
      casesAdapter.upsertMany(s, newer);
      casesAdapter.removeMany(s, a.payload.removed.cases);
    });
  },
});
