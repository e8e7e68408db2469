/**
 * Entry of the console window: bridge, i18n, store, then React. The other pages (a wall
 * `/wall/<name>`, the statistics window `/statistics`, an operation board `/operation/<id>`)
 * load their own entry on demand.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Provider } from 'react-redux';
import { pageKind } from '../shared/bridge/pages';
import { connect } from './app/boot';
import { makeStore } from './app/store';
import { getBridge } from './bridge';
import { browserEffects, requestNotifications } from './features/alerts/effects';
import { unlockAudio } from './features/alerts/sound';
import { localName, selectCategories } from './features/district/selectors';
import { caseSelected } from './features/queue/slice';
import { App } from './features/shell/App';
import { initI18n } from './i18n';
// The bundled fonts before the app's styles: every page of this entry (console, wall, statistics, board).
import './fonts/bundle';
import './styles/app.css';

const root = document.getElementById('root')!;
switch (pageKind(window.location.pathname)) {
  case 'wall':
    void import('./features/wall/boot').then((m) => m.startWall(window.location.pathname, root));
    break;
  case 'statistics':
    void import('./features/statistics/boot').then((m) => m.startStatistics(root));
    break;
  case 'operation':
    void import('./features/operations/boot').then((m) => m.startOperationBoard(window.location.pathname, root));
    break;
  default:
    startConsole();
}

function startConsole(): void {
  const bridge = getBridge();
  const i18n = initI18n('zh-CN');
  const store = makeStore(bridge, browserEffects(
    i18n,
    (id) => store.dispatch(caseSelected(id)),
    (code) => localName(selectCategories(store.getState()).get(code), code, i18n.language),
  ));
  connect(store, bridge);

  // Sound and notifications need a first gesture; the officer's first key or click gives it.
  const unlock = () => {
    unlockAudio();
    requestNotifications();
    window.removeEventListener('keydown', unlock, true);
    window.removeEventListener('pointerdown', unlock, true);
  };
  window.addEventListener('keydown', unlock, true);
  window.addEventListener('pointerdown', unlock, true);

  createRoot(root).render(
    <StrictMode>
      <Provider store={store}>
        <App />
      </Provider>
    </StrictMode>,
  );
}
