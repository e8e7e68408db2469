/**
 * The people directory (ARCHITECTURE §5: an entity adapter like cases and units): who the user ids of
 * case timelines and operation command logs are. Filled from the snapshot's `people` and from
 * change batches that carry the whole directory when it changed; the signed-in user is always
 * known, even before the core has fetched the directory once.
 */
import { createEntityAdapter, createSlice } from '@reduxjs/toolkit';
import type { Person, User } from '../../../shared/protocol/entities';
import { changesApplied, snapshotLoaded } from '../../app/actions';

export const peopleAdapter = createEntityAdapter<Person>();

const asPerson = (u: User): Person => ({ id: u.id, displayName: u.displayName, role: u.role, departmentCode: u.departmentCode });

export const peopleSlice = createSlice({
  name: 'people',
  initialState: peopleAdapter.getInitialState(),
  reducers: {},
  extraReducers: (b) => {
    b.addCase(snapshotLoaded, (s, a) => {
      // Absent (an older shell, or not fetched yet): keep what the window knows.
      if (Array.isArray(a.payload.people)) peopleAdapter.setAll(s, a.payload.people);
      const u = a.payload.user ?? a.payload.connection.user;
      if (u && !s.entities[u.id]) peopleAdapter.addOne(s, asPerson(u));
    });
    b.addCase(changesApplied, (s, a) => {
      if (Array.isArray(a.payload.people)) peopleAdapter.setAll(s, a.payload.people);
      const u = a.payload.connection?.user;
      if (u && !s.entities[u.id]) peopleAdapter.addOne(s, asPerson(u));
    });
  },
});
