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
import { OperationBoardApp, operationIdOf } from './OperationBoardApp';

export function startOperationBoard(pathname: string, root: HTMLElement): void {
  const bridge = getBridge();
  initI18n('zh-CN');
  const store = makeStore(bridge, { announce: () => {}, languageChanged: setLanguage });
  connect(store, bridge);
  createRoot(root).render(
    <StrictMode>
      <Provider store={store}>
        <OperationBoardApp initialId={operationIdOf(pathname)} />
      </Provider>
    </StrictMode>,
  );
}
