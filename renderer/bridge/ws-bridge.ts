/**
 * Browser mode: when no shell put `window.linkage` there (Electron's preload does), make it
 * over a WebSocket to `/bridge` on the page's own origin. The token the server handed out
 * arrives as `?token=` in the page URL; it goes on to the socket's URL, where main/web checks it.
 */
import type { LinkageBridge } from '../../shared/bridge/contract';
import { bridgeSocketUrl, createWireBridge, type SocketLike } from './wire';

const TOKEN_KEY = 'linkage.token';

/**
 * The token, taken out of the address bar (so it is not shown on a wall or in a screenshot)
 * and kept for this tab, so a reload still works.
 */
function takeToken(): string | null {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    try {
      sessionStorage.setItem(TOKEN_KEY, fromUrl);
      url.searchParams.delete('token');
      window.history.replaceState(window.history.state, '', url.toString());
    } catch {
      return fromUrl; // storage refused (private mode): keep the token in the URL instead
    }
    return fromUrl;
  }
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function installWsBridge(): LinkageBridge {
  if (window.linkage) return window.linkage;
  const url = bridgeSocketUrl(window.location.href, takeToken());
  const bridge = createWireBridge({ connect: () => new WebSocket(url) as unknown as SocketLike });
  window.linkage = bridge;
  return bridge;
}

/**
 * The address of another page of the app (an operation board, the statistics window) for
 * `window.open`. In browser mode a new tab has no sessionStorage of ours (with `noopener`), so
 * the bridge's token goes along as `?token=` (the new page takes it out of the address bar at
 * once, as this one did). In Electron the preload gives every app window its bridge: no token.
 */
export function pageHref(path: string): string {
  if (window.linkage && !('onLink' in window.linkage)) return path;
  let token: string | null = null;
  try {
    token = sessionStorage.getItem(TOKEN_KEY);
  } catch {
    token = new URL(window.location.href).searchParams.get('token');
  }
  if (!token) return path;
  return `${path}${path.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`;
}
