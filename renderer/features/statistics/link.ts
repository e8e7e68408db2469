/**
 * The statistics window and the console are separate pages: a case clicked in a drill-down is
 * opened in the console through a BroadcastChannel of the app's origin (browser tabs, and
 * Electron windows of the same session alike), and the console opens the statistics page.
 */
const CHANNEL = 'linkage.statistics';
const TOKEN_KEY = 'linkage.token';

interface OpenCase { kind: 'openCase'; caseId: string }

/** Asks any console of this origin to select the case; false when this browser has no channel. */
export function announceOpenCase(caseId: string): boolean {
  if (typeof BroadcastChannel === 'undefined') return false;
  const ch = new BroadcastChannel(CHANNEL);
  ch.postMessage({ kind: 'openCase', caseId } satisfies OpenCase);
  ch.close();
  return true;
}

/** The console's side: called with each case id a statistics window asks to open. */
export function listenOpenCase(onOpen: (caseId: string) => void): () => void {
  if (typeof BroadcastChannel === 'undefined') return () => {};
  const ch = new BroadcastChannel(CHANNEL);
  ch.onmessage = (e: MessageEvent<unknown>) => {
    const m = e.data as Partial<OpenCase> | null;
    if (m?.kind === 'openCase' && typeof m.caseId === 'string' && m.caseId.length <= 64) onOpen(m.caseId);
  };
  return () => ch.close();
}

/**
 * Opens `/statistics` in a new window. Electron's preload bridge needs no token (the main
 * process opens app pages as windows); in browser mode the page needs the bridge token, which
 * ws-bridge.ts keeps in this tab's sessionStorage after taking it out of the address bar.
 */
export function openStatisticsWindow(): void {
  let token: string | null = null;
  try {
    token = sessionStorage.getItem(TOKEN_KEY);
  } catch {
    token = new URLSearchParams(window.location.search).get('token');
  }
  const url = new URL('/statistics', window.location.href);
  if (token) url.searchParams.set('token', token);
  window.open(url.toString(), 'linkage-statistics');
}
