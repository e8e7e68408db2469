/** Static district data (names, departments, catalog), loaded once from bridge.district(). */
import { createSlice } from '@reduxjs/toolkit';
import { createAppThunk, errorInfo } from '../../app/thunk';
import { setDistrictData } from './geo';
import { summarizeDistrict, type DistrictSummary } from './summary';

interface DistrictState {
  summary: DistrictSummary | null;
  error: { code: string; message: string } | null;
}

const initialState: DistrictState = { summary: null, error: null };

export const loadDistrict = createAppThunk('district/load', async (_: void, { extra, rejectWithValue }) => {
  try {
    const raw = await extra.bridge.district();
    const summary = summarizeDistrict(raw);
    setDistrictData(raw);
    return summary;
  } catch (e) {
    return rejectWithValue(errorInfo(e));
  }
});

export const districtSlice = createSlice({
  name: 'district',
  initialState,
  reducers: {},
  extraReducers: (b) => {
    b.addCase(loadDistrict.fulfilled, (s, a) => { s.summary = a.payload; s.error = null; });
    b.addCase(loadDistrict.rejected, (s, a) => { s.error = a.payload ?? { code: 'internal', message: a.error.message ?? '' }; });
  },
});
