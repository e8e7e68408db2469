/**
 * Entry of an operation board (`/operation/<id>`, or `/operation` for the list and activation;
 * loaded on demand by renderer/main.tsx): the same store, bridge and connection as the console,
 * no sounds (the console alarms). In browser mode the token came with the address (see
 * renderer/bridge/ws-bridge.ts pageHref); in Electron the preload gives this window its bridge.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Provider } from 'react-redux';
import { connect } from '../../app/boot';
import { makeStore } from '../../app/store';
import { getBridge } from '../../bridge';
import { initI18n, setLanguage } from '../../i18n';
import type { KnownUsers } from './model';
import { OperationBoardApp, operationIdOf } from './OperationBoardApp';
import { knownUsersLoaded } from './slice';

const USERS_KEY = 'linkage.knownUsers';

export function startOperationBoard(pathname: string, root: HTMLElement): void {
  const bridge = getBridge();
  initI18n('zh-CN');
  const store = makeStore(bridge, { announce: () => {}, languageChanged: setLanguage });
  // The command log names people by id: remember whom this browser has seen signed in.
  try {
    const saved = JSON.parse(localStorage.getItem(USERS_KEY) ?? '{}') as unknown;
    if (saved && typeof saved === 'object') store.dispatch(knownUsersLoaded(saved as KnownUsers));
  } catch {
    // nothing remembered: ids are shown
  }
  let users = store.getState().operationsBoard.users;
  store.subscribe(() => {
    const next = store.getState().operationsBoard.users;
    if (next === users) return;
    users = next;
    try {
      localStorage.setItem(USERS_KEY, JSON.stringify(next));
    } catch {
      // storage refused: kept for this page
    }
  });
  connect(store, bridge);
  createRoot(root).render(
    <StrictMode>
      <Provider store={store}>
        <OperationBoardApp initialId={operationIdOf(pathname)} />
      </Provider>
    </StrictMode>,
  );
}
