/**
 * The app's pages, one index.html for all: the console (`/`), a wall (`/wall/<name>`), the
 * statistics window (`/statistics`) and an operation board (`/operation/<id>`). The browser
 * server and Electron's `app://` protocol resolve paths through the same two functions, so a
 * page that works in one shell works in the other.
 */
const PAGE = /^\/(?:(?:wall|operation)(?:\/[^/]*)?|statistics)?$/;
/** A page one folder deep loads its relative assets (`/wall/assets/…`) from `/assets/…`. */
const NESTED = /^\/(?:wall|operation)(?=\/)/;

export type PageKind = 'console' | 'wall' | 'statistics' | 'operation';

export function isPage(p: string): boolean {
  return p === '' || PAGE.test(p);
}

/** `/index.html` for a page, else the asset path with a page's folder taken off. */
export function pageOrAsset(p: string): string {
  if (isPage(p)) return '/index.html';
  return p.replace(NESTED, '');
}

export function pageKind(pathname: string): PageKind {
  if (pathname.startsWith('/wall/') || pathname === '/wall') return 'wall';
  if (pathname.startsWith('/operation/') || pathname === '/operation') return 'operation';
  if (pathname === '/statistics') return 'statistics';
  return 'console';
}
