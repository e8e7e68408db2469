/**
 * The shell's security decisions as plain functions (Electron's security checklist), so a test
 * can check them without an Electron binary. app.ts wires them to the real objects.
 */
import type { WebPreferences, BrowserWindowConstructorOptions } from 'electron';
import { cameraOriginsFrom, contentSecurityPolicy } from '../../core/bridge/csp';
import { isPage, pageKind, pageOrAsset, type PageKind } from '../../../shared/bridge/pages';
import { SHELL_CALLS } from '../../../shared/bridge/contract';

/** Pages come from this custom protocol, never file:// (checklist 18). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'bundle';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
/** Every IPC channel carries this prefix; anything else is not ours (VS Code's ValidatedIpcMain). */
export const IPC_PREFIX = 'linkage:';
export const IPC = { call: `${IPC_PREFIX}call`, changes: `${IPC_PREFIX}changes`, savePdf: `${IPC_PREFIX}save-pdf` } as const;

export function secureWebPreferences(preload: string): WebPreferences {
  return {
    preload,
    nodeIntegration: false, // 2
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    contextIsolation: true, // 3
    sandbox: true, // 4
    webSecurity: true, // 6
    allowRunningInsecureContent: false, // 8
    experimentalFeatures: false, // 9
    enableBlinkFeatures: undefined, // 10
    webviewTag: false, // 11, 12
    navigateOnDragDrop: false,
    spellcheck: false,
    safeDialogs: true,
  };
}

export function windowOptions(preload: string, kind: 'console' | 'wall', bounds?: { x: number; y: number; width: number; height: number }): BrowserWindowConstructorOptions {
  return {
    ...(bounds ?? { width: 1600, height: 1000 }),
    show: false,
    backgroundColor: '#0b1220',
    title: kind === 'wall' ? '大联动 · 大屏' : '大联动指挥中心',
    frame: kind !== 'wall',
    fullscreen: kind === 'wall',
    autoHideMenuBar: true,
    webPreferences: secureWebPreferences(preload),
  };
}

/** CSP for every page of the app (7); the renderer needs blob: workers for the map. */
export const CONTENT_SECURITY_POLICY = contentSecurityPolicy({ cameraOrigins: cameraOriginsFrom(process.env.LINKAGE_CAMERA_ORIGINS) });

/** Only the app's own pages may be loaded in its windows (1, 13). */
export function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST;
  } catch {
    return false;
  }
}

/** IPC is accepted only from a frame of the app's own origin, on our channels (17). */
export function isTrustedSender(channel: string, frameUrl: string | undefined | null): boolean {
  return channel.startsWith(IPC_PREFIX) && !!frameUrl && isAppUrl(frameUrl);
}

/** Permission requests are all denied (5): the console needs none; notifications go through the main process. */
export function permissionDecision(_permission: string): boolean {
  return false;
}

/** shell.openExternal only for plain http(s) links without credentials (15). */
export function externalLinkAllowed(url: string): boolean {
  try {
    const u = new URL(url);
    return (u.protocol === 'https:' || u.protocol === 'http:') && !u.username && !u.password;
  } catch {
    return false;
  }
}

/**
 * Path under the bundle a custom-protocol request names, or null: GET only, no traversal
 * (Element's vector:// scheme does the same).
 */
export function bundlePath(method: string, url: string): string | null {
  if (method !== 'GET') return null;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (!isAppUrl(url)) return null;
  let p: string;
  try {
    p = decodeURIComponent(u.pathname);
  } catch {
    return null;
  }
  if (p.includes('\0') || p.split('/').includes('..')) return null;
  return pageOrAsset(p).replace(/^\/+/, '');
}

/** Which app page a URL opens (null: not an app page), for the window-open handler. */
export function appPageOf(url: string): PageKind | null {
  if (!isAppUrl(url)) return null;
  const p = new URL(url).pathname;
  return isPage(p) ? pageKind(p) : null;
}

/** Fuses flipped at packaging (19); electron-builder.yml must say the same (a test compares). */
export const REQUIRED_FUSES = {
  runAsNode: false,
  enableNodeOptionsEnvironmentVariable: false,
  enableNodeCliInspectArguments: false,
  enableEmbeddedAsarIntegrityValidation: true,
  onlyLoadAppFromAsar: true,
  enableCookieEncryption: true,
  grantFileProtocolExtraPrivileges: false,
} as const;

/** PDF export (pdf.ts): the checked file name, with `.pdf` once; null for anything but a plain file name. */
export function pdfFileName(args: unknown): string | null {
  const parsed = SHELL_CALLS.savePdf.safeParse(args);
  if (!parsed.success) return null;
  const name = parsed.data[0];
  return /\.pdf$/i.test(name) ? name : `${name}.pdf`;
}
