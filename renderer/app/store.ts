/**
 * The window's store (ARCHITECTURE §5): one slice per feature, entity adapters for cases, units,
 * cameras, operations and people, and side effects (sounds, notifications, saving settings) in the listener middleware.
 */
import { combineReducers, configureStore, createListenerMiddleware, type ThunkDispatch, type UnknownAction } from '@reduxjs/toolkit';
import type { LinkageBridge } from '../../shared/bridge/contract';
import { caseDetailSlice } from '../features/case/slice';
import { casesSlice } from '../features/cases/slice';
import { connectionSlice } from '../features/connection/slice';
import { districtSlice } from '../features/district/slice';
import { camerasSlice, positionsSlice, unitsSlice } from '../features/field/slices';
import { operationsBoardSlice, operationsSlice } from '../features/operations/slice';
import { outboxSlice } from '../features/outbox/slice';
import { peopleSlice } from '../features/people/slice';
import { queueSlice } from '../features/queue/slice';
import { sessionSlice } from '../features/session/slice';
import { settingsSlice } from '../features/settings/slice';
import { shellSlice } from '../features/shell/slice';
import { workflowSlice } from '../features/workflow/slice';
import { clockSlice } from './clock';
import { addListeners, type Effects } from './listeners';
import type { ThunkExtra } from './thunk';

export const rootReducer = combineReducers({
  [casesSlice.name]: casesSlice.reducer,
  [unitsSlice.name]: unitsSlice.reducer,
  [camerasSlice.name]: camerasSlice.reducer,
  [operationsSlice.name]: operationsSlice.reducer,
  [operationsBoardSlice.name]: operationsBoardSlice.reducer,
  [positionsSlice.name]: positionsSlice.reducer,
  [peopleSlice.name]: peopleSlice.reducer,
  [connectionSlice.name]: connectionSlice.reducer,
  [outboxSlice.name]: outboxSlice.reducer,
  [settingsSlice.name]: settingsSlice.reducer,
  [sessionSlice.name]: sessionSlice.reducer,
  [districtSlice.name]: districtSlice.reducer,
  [queueSlice.name]: queueSlice.reducer,
  [caseDetailSlice.name]: caseDetailSlice.reducer,
  [workflowSlice.name]: workflowSlice.reducer,
  [shellSlice.name]: shellSlice.reducer,
  [clockSlice.name]: clockSlice.reducer,
});

export type RootState = ReturnType<typeof rootReducer>;
/** Spelled out (not taken from the store) so slices and listeners can name it without a cycle. */
export type AppDispatch = ThunkDispatch<RootState, ThunkExtra, UnknownAction>;

export const NO_EFFECTS: Effects = { announce: () => {}, languageChanged: () => {} };

export function makeStore(bridge: LinkageBridge, effects: Effects = NO_EFFECTS) {
  const listeners = createListenerMiddleware();
  const store = configureStore({
    reducer: rootReducer,
    middleware: (getDefault) =>
      getDefault({
        thunk: { extraArgument: { bridge } },
        // The development checks walk the whole state on every action: with 20,000 cases that
        // is the frame budget several times over. The state is plain data by construction.
        immutableCheck: false,
        serializableCheck: false,
      }).prepend(listeners.middleware),
  });
  addListeners(listeners.startListening.withTypes<RootState, AppDispatch>(), bridge, effects);
  return store;
}

export type AppStore = ReturnType<typeof makeStore>;
