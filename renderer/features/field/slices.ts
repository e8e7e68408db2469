/**
 * What is out in the district: units (patrols, vehicles, officers), cameras, and the units'
 * latest positions. Positions are a stream of latest values (ARCHITECTURE §4), so a plain map.
 */
import { createEntityAdapter, createSlice } from '@reduxjs/toolkit';
import type { Camera, Position, Unit } from '../../../shared/protocol/entities';
import { changesApplied, snapshotLoaded } from '../../app/actions';

export const unitsAdapter = createEntityAdapter<Unit>();
export const camerasAdapter = createEntityAdapter<Camera>();

const newerThan = <T extends { id: string; version: number }>(known: Record<string, T | undefined>, list: T[]) =>
  list.filter((x) => (known[x.id]?.version ?? 0) <= x.version);

export const unitsSlice = createSlice({
  name: 'units',
  initialState: unitsAdapter.getInitialState(),
  reducers: {},
  extraReducers: (b) => {
    b.addCase(snapshotLoaded, (s, a) => { unitsAdapter.setAll(s, a.payload.units); });
    b.addCase(changesApplied, (s, a) => {
      unitsAdapter.upsertMany(s, newerThan(s.entities, a.payload.units));
      unitsAdapter.removeMany(s, a.payload.removed.units);
    });
  },
});

export const camerasSlice = createSlice({
  name: 'cameras',
  initialState: camerasAdapter.getInitialState(),
  reducers: {},
  extraReducers: (b) => {
    b.addCase(snapshotLoaded, (s, a) => { camerasAdapter.setAll(s, a.payload.cameras); });
    b.addCase(changesApplied, (s, a) => {
      camerasAdapter.upsertMany(s, newerThan(s.entities, a.payload.cameras));
      camerasAdapter.removeMany(s, a.payload.removed.cameras);
    });
  },
});

export type PositionMap = Record<string, Position>;

export const positionsSlice = createSlice({
  name: 'positions',
  initialState: {} as PositionMap,
  reducers: {},
  extraReducers: (b) => {
    b.addCase(snapshotLoaded, (_s, a) => Object.fromEntries(a.payload.positions.map((p) => [p.id, p])));
    b.addCase(changesApplied, (s, a) => {
      for (const p of a.payload.positions) if ((s[p.id]?.at ?? 0) <= p.at) s[p.id] = p;
    });
  },
});
