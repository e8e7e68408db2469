/**
 * The one way the renderer reaches the app core: `window.linkage` (ARCHITECTURE §2, §4.8). In Electron the
 * preload provides it; in a plain browser the WebSocket shim does.
 */
import type { LinkageBridge } from '../../shared/bridge/contract';
import type { WireBridge } from './wire';
import { installWsBridge } from './ws-bridge';

declare global {
  interface Window {
    linkage?: LinkageBridge;
  }
}

export function getBridge(): LinkageBridge {
  return window.linkage ?? installWsBridge();
}

/** The link-and-resync extras exist only when the bridge is remote (browser mode). */
export function asWireBridge(bridge: LinkageBridge): WireBridge | null {
  return 'onLink' in bridge && 'onResync' in bridge ? (bridge as WireBridge) : null;
}

export { BridgeError } from './wire';
