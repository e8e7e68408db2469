/**
 * The preload: `window.linkage` as domain calls only (checklist 20). No ipcRenderer, no event
 * objects and no method forwarding by name reach the page; the main process validates again.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { ChangeBatch, LinkageBridge, SavedPdf } from '../../../shared/bridge/contract';

const CALL = 'linkage:call';
const CHANGES = 'linkage:changes';
const SAVE_PDF = 'linkage:save-pdf';

type Answer<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };

function unwrap<T>(r: Answer<T>): T {
  if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
  return r.value;
}

async function call<T>(name: string, ...args: unknown[]): Promise<T> {
  return unwrap((await ipcRenderer.invoke(CALL, name, args)) as Answer<T>);
}

const bridge: LinkageBridge = {
  snapshot: () => call('snapshot'),
  district: () => call('district'),
  command: (type, payload, expectedVersion) => call('command', type, payload, expectedVersion),
  search: (text) => call('search', text),
  caseDetail: (id) => call('caseDetail', id),
  setSettings: (patch) => call('setSettings', patch),
  accounts: () => call('accounts'),
  switchUser: (username) => call('switchUser', username),
  login: (username, password) => call('login', username, password),
  history: (range) => call('history', range),
  statistics: (query) => call('statistics', query),
  // Answered by the shell itself (main/electron/pdf.ts), not the core.
  savePdf: async (fileName) => unwrap((await ipcRenderer.invoke(SAVE_PDF, [fileName])) as Answer<SavedPdf>),
  onChanges(listener) {
    const wrapped = (_e: IpcRendererEvent, batch: ChangeBatch) => listener(batch);
    ipcRenderer.on(CHANGES, wrapped);
    return () => {
      ipcRenderer.removeListener(CHANGES, wrapped);
    };
  },
};

contextBridge.exposeInMainWorld('linkage', bridge);
