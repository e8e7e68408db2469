/** Entry of the console window: bridge, i18n, store, then React. A wall window (`/wall/<name>`) loads its own entry. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Provider } from 'react-redux';
import { connect } from './app/boot';
import { makeStore } from './app/store';
import { getBridge } from './bridge';
import { browserEffects, requestNotifications } from './features/alerts/effects';
import { unlockAudio } from './features/alerts/sound';
import { localName, selectCategories } from './features/district/selectors';
import { caseSelected } from './features/queue/slice';
import { App } from './features/shell/App';
import { initI18n } from './i18n';
import './styles/app.css';

if (window.location.pathname.startsWith('/wall/')) {
  void import('./features/wall/boot').then((m) => m.startWall(window.location.pathname, document.getElementById('root')!));
} else {
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

  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <Provider store={store}>
        <App />
      </Provider>
    </StrictMode>,
  );
}
