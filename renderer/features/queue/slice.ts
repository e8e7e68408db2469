/** The live queue's own state: filters, search, which case is selected, which rows flash. */
import { createSlice, type PayloadAction } from '@reduxjs/toolkit';
import { ticked } from '../../app/actions';
import { EMPTY_FILTERS, type ListFilterField, type QueueFilters } from './filters';

interface QueueState {
  filters: QueueFilters;
  searchText: string;
  /** Case ids the core's full-text search found for `searchText`; null when not searching. */
  searchHits: string[] | null;
  searchFor: string;
  selectedId: string | null;
  /** Case id → until when its row flashes (new urgent cases). */
  flashing: Record<string, number>;
}

const initialState: QueueState = { filters: EMPTY_FILTERS, searchText: '', searchHits: null, searchFor: '', selectedId: null, flashing: {} };

export const queueSlice = createSlice({
  name: 'queue',
  initialState,
  reducers: {
    filterToggled(s, a: PayloadAction<{ field: ListFilterField; value: string }>) {
      const list = s.filters[a.payload.field] as string[];
      const i = list.indexOf(a.payload.value);
      if (i >= 0) list.splice(i, 1);
      else list.push(a.payload.value);
    },
    filterSet(s, a: PayloadAction<{ field: ListFilterField; values: string[] }>) {
      (s.filters[a.payload.field] as string[]) = [...a.payload.values];
    },
    overdueToggled(s) {
      s.filters.overdueOnly = !s.filters.overdueOnly;
    },
    filtersReplaced(s, a: PayloadAction<QueueFilters>) {
      s.filters = a.payload;
    },
    filtersCleared(s) {
      s.filters = EMPTY_FILTERS;
    },
    searchTextChanged(s, a: PayloadAction<string>) {
      s.searchText = a.payload;
      if (!a.payload.trim()) {
        s.searchHits = null;
        s.searchFor = '';
      }
    },
    searchHitsReceived(s, a: PayloadAction<{ text: string; ids: string[] }>) {
      // An answer to an older query arriving late must not replace the current one.
      if (a.payload.text !== s.searchText.trim()) return;
      s.searchHits = a.payload.ids;
      s.searchFor = a.payload.text;
    },
    caseSelected(s, a: PayloadAction<string | null>) {
      s.selectedId = a.payload;
    },
    flashed(s, a: PayloadAction<{ ids: string[]; until: number }>) {
      for (const id of a.payload.ids) s.flashing[id] = a.payload.until;
    },
  },
  extraReducers: (b) => {
    b.addCase(ticked, (s, a) => {
      for (const [id, until] of Object.entries(s.flashing)) if (until <= a.payload) delete s.flashing[id];
    });
  },
});

export const {
  filterToggled, filterSet, overdueToggled, filtersReplaced, filtersCleared, searchTextChanged, searchHitsReceived, caseSelected, flashed,
} = queueSlice.actions;
