/**
 * The Electron shell: thin. Windows per role and display, the custom protocol, the security
 * checklist (security/policy.ts), one IPC gate (and PDF export, pdf.ts), a tray with the connection state, and the
 * session whose cores run in utility processes, never on this thread.
 */
import { app, BrowserWindow, ipcMain, Menu, net, Notification, protocol, screen, session as electronSession, shell, Tray, nativeImage } from 'electron';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Session } from '../core/bridge/session';
import { readCredentials } from '../core/bridge/credentials';
import { openUtilityCore } from './core-process';
import { WindowLayout } from './windows';
import { handlePdfExport } from './pdf';
import {
  appPageOf, APP_ORIGIN, APP_SCHEME, bundlePath, CONTENT_SECURITY_POLICY, externalLinkAllowed, IPC, isAppUrl, isTrustedSender, permissionDecision, windowOptions,
} from './security/policy';
import type { ChangeBatch, Snapshot } from '../../shared/bridge/contract';
import { AlarmWatch } from '../../shared/domain/alarms';
import type { Case } from '../../shared/protocol/entities';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? null;
const hubUrl = arg('hub') ?? 'http://127.0.0.1:7410';
const dataDir = arg('data-dir') ?? app.getPath('userData');
const credentialsFile = arg('credentials');
const RENDERER = path.resolve(import.meta.dirname, '../../renderer');
const PRELOAD = path.resolve(import.meta.dirname, 'preload/preload.cjs');
/** The desktop notice's title: the batch's most urgent level (the windows' zh-CN words), as the window's notice says it. */
const alarmTitle = (cases: readonly Case[]) => `${cases.some((c) => c.urgency === 'urgent') ? '紧急' : '较急'}事件 ${cases.length} 件`;
const log = (m: string) => fs.appendFile(path.join(dataDir, 'logs', 'electron.log'), `${new Date().toISOString()} ${m}\n`, () => {});

// A wall PC without a GPU blocklists WebGL: software GL keeps the map alive (ARCHITECTURE §7).
app.commandLine.appendSwitch('enable-unsafe-swiftshader');
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } }]);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  void app.whenReady().then(start);
}

async function start(): Promise<void> {
  fs.mkdirSync(path.join(dataDir, 'logs'), { recursive: true });
  const ses = electronSession.defaultSession;
  ses.setPermissionRequestHandler((_wc, permission, callback) => callback(permissionDecision(permission)));
  ses.setPermissionCheckHandler((_wc, permission) => permissionDecision(permission));
  ses.webRequest.onHeadersReceived((details, callback) => {
    // Electronegativity cannot read a CSP held in a constant; policy.ts has it, test/unit/electron-security.test.ts (7) checks it.
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } }); // eng-disable CSP_GLOBAL_CHECK
  });
  protocol.handle(APP_SCHEME, async (request) => {
    const rel = bundlePath(request.method, request.url);
    if (!rel) return new Response('forbidden', { status: 403 });
    const file = path.resolve(RENDERER, rel);
    if (!file.startsWith(RENDERER + path.sep)) return new Response('forbidden', { status: 403 });
    const res = await net.fetch(pathToFileURL(file).toString());
    return new Response(res.body, { status: res.status, headers: { 'content-type': res.headers.get('content-type') ?? 'application/octet-stream', 'content-security-policy': CONTENT_SECURITY_POLICY } });
  });

  app.on('web-contents-created', (_e, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isAppUrl(url)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!isAppUrl(url)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      // The statistics window and operation boards are app pages: a window like the console's.
      const page = appPageOf(url);
      if (page === 'statistics' || page === 'operation') {
        return { action: 'allow', overrideBrowserWindowOptions: windowOptions(PRELOAD, 'console') };
      }
      // Only plain http(s) links without credentials (checklist 15, tested): reviewed, hence the suppression.
      if (externalLinkAllowed(url)) void shell.openExternal(url); // eng-disable OPEN_EXTERNAL_JS_CHECK
      return { action: 'deny' };
    });
  });

  const session = new Session({
    dataDir: path.join(dataDir, 'workstation'), hubUrl, credentials: readCredentials(credentialsFile),
    defaultUser: credentialsFile ? 'officer' : null, openCore: (o) => openUtilityCore(o, log), log,
  });

  const alarmWatch = new AlarmWatch();
  ipcMain.handle(IPC.call, (event, name: unknown, args: unknown) => {
    if (!isTrustedSender(IPC.call, event.senderFrame?.url)) {
      log(`refused IPC from ${event.senderFrame?.url ?? 'unknown frame'}`);
      return { ok: false, error: { code: 'forbidden', message: 'not an app frame' } };
    }
    return session.call(name, args).then((result) => {
      // The cases a window loads are known to it: the desktop notice, like the window, alarms only on cases new since.
      if (name === 'snapshot' && result.ok) alarmWatch.know((result.value as Snapshot).cases);
      return result;
    });
  });

  handlePdfExport(log);

  const layout = new WindowLayout(path.join(dataDir, 'windows.json'), screen);
  const open = (kind: 'console' | 'wall', name: string, displayId?: number) => {
    // Electronegativity cannot see through windowOptions(): its webPreferences (policy.ts) set contextIsolation and sandbox,
    // and every new window, middle-click included, goes through setWindowOpenHandler above; the checklist test checks both.
    const win = new BrowserWindow(windowOptions(PRELOAD, kind, layout.boundsFor(name, displayId))); // eng-disable CONTEXT_ISOLATION_JS_CHECK SANDBOX_JS_CHECK AUXCLICK_JS_CHECK
    layout.track(name, win);
    win.once('ready-to-show', () => win.show());
    void win.loadURL(kind === 'wall' ? `${APP_ORIGIN}/wall/${encodeURIComponent(name)}` : `${APP_ORIGIN}/`);
    return win;
  };

  const tray = new Tray(nativeImage.createEmpty());
  tray.setToolTip('大联动指挥中心');
  tray.setContextMenu(Menu.buildFromTemplate([{ label: '退出 Quit', click: () => app.quit() }]));

  session.onChanges((batch: ChangeBatch) => {
    for (const w of BrowserWindow.getAllWindows()) w.webContents.send(IPC.changes, batch);
    if (batch.connection) tray.setToolTip(`大联动指挥中心 · ${batch.connection.state}`);
    // The windows' rule (shared/domain/alarms.ts): the same cases sound in a window and get this desktop notice.
    const alarms = alarmWatch.take(batch, Date.now());
    const focused = BrowserWindow.getFocusedWindow();
    if (alarms.length && !focused && Notification.isSupported()) {
      new Notification({ title: alarmTitle(alarms), body: alarms.map((c) => `${c.id} ${c.address}`).join('\n') }).show();
    }
  });

  await session.startDefault();
  open('console', 'console');
  for (const wall of layout.walls()) open('wall', wall.name, wall.displayId);
  screen.on('display-added', () => layout.reopenWalls((name, id) => open('wall', name, id)));

  app.on('second-instance', () => BrowserWindow.getAllWindows()[0]?.focus());
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', () => void session.close());
}
