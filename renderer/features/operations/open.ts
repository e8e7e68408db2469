/** Opening the operation board from the console: a window of its own (Electron) or a tab (browser mode, with the bridge's token). */
import { pageHref } from '../../bridge/ws-bridge';

export function openOperationBoard(id: string | null = null): void {
  window.open(pageHref(id ? `/operation/${encodeURIComponent(id)}` : '/operation'), id ? `operation-${id}` : 'operations');
}
