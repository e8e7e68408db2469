/** The open case and what is around it. */
import { createSelector } from '@reduxjs/toolkit';
import type { RootState } from '../../app/store';
import { selectAllCases, selectCaseEntities } from '../cases/selectors';
import { camerasAdapter, unitsAdapter } from '../field/slices';
import { selectSelectedId } from '../queue/selectors';
import { offeredSteps } from '../workflow/steps';
import { nearbyCameras, nearestAvailableUnits, relatedCases } from './nearby';

export const selectAllUnits = unitsAdapter.getSelectors((s: RootState) => s.units).selectAll;
export const selectAllCameras = camerasAdapter.getSelectors((s: RootState) => s.cameras).selectAll;
export const selectPositions = (s: RootState) => s.positions;
export const selectUser = (s: RootState) => s.session.user;

export const selectSelectedCase = createSelector([selectCaseEntities, selectSelectedId], (entities, id) => (id ? entities[id] : undefined));

/** What the user may do to the open case now: the action bar, the keys and the palette. */
export const selectOfferedSteps = createSelector([selectUser, selectSelectedCase], offeredSteps);

export const selectNearbyCameras = createSelector([selectSelectedCase, selectAllCameras], (c, cameras) => (c ? nearbyCameras(c, cameras) : []));

export const selectNearestUnits = createSelector([selectSelectedCase, selectAllUnits, selectPositions], (c, units, positions) =>
  (c ? nearestAvailableUnits(c, units, positions) : []));

export const selectRelatedCases = createSelector([selectSelectedCase, selectAllCases], (c, cases) => (c ? relatedCases(c, cases) : []));

export const selectDetailOf = (s: RootState, caseId: string) => s.caseDetail.byId[caseId];
export const selectDetailError = (s: RootState, caseId: string) => s.caseDetail.errors[caseId];
