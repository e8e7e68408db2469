/**
 * Case details (the timeline) fetched on demand, keyed by the case's `updatedAt`: the hub's
 * overdue marks change a case without a new version, and they belong in the timeline too.
 */
import { createSlice } from '@reduxjs/toolkit';
import type { TimelineEntry } from '../../../shared/bridge/contract';
import { snapshotLoaded } from '../../app/actions';
import { createAppThunk, errorInfo } from '../../app/thunk';

interface Detail {
  stamp: number;
  timeline: TimelineEntry[];
}

interface CaseDetailState {
  byId: Record<string, Detail>;
  /** Case id → the stamp being fetched. */
  loading: Record<string, number>;
  errors: Record<string, { code: string; message: string }>;
}

const initialState: CaseDetailState = { byId: {}, loading: {}, errors: {} };
/** Details are cheap to fetch again; a long-running window keeps only the recent ones. */
const KEEP = 50;

export const loadCaseDetail = createAppThunk(
  'case/detail',
  async (a: { caseId: string; stamp: number }, { extra, rejectWithValue }) => {
    try {
      const d = await extra.bridge.caseDetail(a.caseId);
      if (!d) return rejectWithValue({ code: 'not_found', message: a.caseId });
      return { caseId: a.caseId, stamp: d.case.updatedAt, timeline: d.timeline };
    } catch (e) {
      return rejectWithValue(errorInfo(e));
    }
  },
  { condition: (a, { getState }) => getState().caseDetail.loading[a.caseId] !== a.stamp },
);

export const caseDetailSlice = createSlice({
  name: 'caseDetail',
  initialState,
  reducers: {},
  extraReducers: (b) => {
    b.addCase(snapshotLoaded, () => initialState);
    b.addCase(loadCaseDetail.pending, (s, a) => { s.loading[a.meta.arg.caseId] = a.meta.arg.stamp; });
    b.addCase(loadCaseDetail.fulfilled, (s, a) => {
      delete s.loading[a.payload.caseId];
      delete s.errors[a.payload.caseId];
      delete s.byId[a.payload.caseId]; // re-insert: newest last, oldest dropped first
      s.byId[a.payload.caseId] = { stamp: a.payload.stamp, timeline: a.payload.timeline };
      const ids = Object.keys(s.byId);
      for (const id of ids.slice(0, Math.max(0, ids.length - KEEP))) delete s.byId[id];
    });
    b.addCase(loadCaseDetail.rejected, (s, a) => {
      delete s.loading[a.meta.arg.caseId];
      if (a.payload) s.errors[a.meta.arg.caseId] = a.payload;
    });
  },
});
