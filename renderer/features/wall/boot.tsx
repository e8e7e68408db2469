/**
 * Entry of a wall window (`/wall/<name>`, loaded on demand by renderer/main.tsx): the same store
 * and bridge as the console, the feed tapping the bridge, no sounds or notifications (the wall
 * runs unattended; the console alarms), and the wall or, with `?edit`, its layout editor.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Provider } from 'react-redux';
import { connect } from '../../app/boot';
import { makeStore, type AppStore } from '../../app/store';
import { getBridge } from '../../bridge';
import { initI18n, setLanguage } from '../../i18n';
import { tapBridge, WallFeed } from './feed';
import { wallNameOf } from './layouts';
import { WallApp } from './WallApp';
import { WallEditor } from './WallEditor';

export function startWall(pathname: string, root: HTMLElement): void {
  const name = wallNameOf(pathname) ?? 'main';
  let store: AppStore | null = null;
  const feed = new WallFeed({ caseBefore: (id) => store?.getState().cases.entities[id] });
  const bridge = tapBridge(getBridge(), feed);
  initI18n('zh-CN');
  store = makeStore(bridge, { announce: () => {}, languageChanged: setLanguage });
  connect(store, bridge);
  const editing = new URLSearchParams(window.location.search).has('edit');
  createRoot(root).render(
    <StrictMode>
      <Provider store={store}>
        {editing ? <WallEditor name={name} bridge={bridge} /> : <WallApp name={name} feed={feed} />}
      </Provider>
    </StrictMode>,
  );
}
