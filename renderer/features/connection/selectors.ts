/** Is what the window shows live? Only when the page's link and the core's link are both up. */
import { createSelector } from '@reduxjs/toolkit';
import type { RootState } from '../../app/store';

export type LinkView =
  | { kind: 'link_down'; since: number }
  | { kind: 'unknown' }
  | { kind: 'online'; lastSeq: number }
  | { kind: 'connecting'; since: number }
  | { kind: 'catching_up'; done: number; total: number }
  | { kind: 'offline'; since: number; error: string | null };

export const selectLinkView = createSelector(
  [(s: RootState) => s.connection.link, (s: RootState) => s.connection.core],
  (link, core): LinkView => {
    if (!link.up) return { kind: 'link_down', since: link.since };
    if (!core) return { kind: 'unknown' };
    switch (core.state) {
      case 'online': return { kind: 'online', lastSeq: core.lastSeq };
      case 'connecting': return { kind: 'connecting', since: core.since };
      case 'catching_up': return { kind: 'catching_up', done: core.caughtUp?.n ?? 0, total: core.caughtUp?.m ?? 0 };
      default: return { kind: 'offline', since: core.since, error: core.error?.code ?? null };
    }
  },
);

export const selectIsLive = (s: RootState) => selectLinkView(s).kind === 'online';

/** The outbox's size: the core's count, or our list when the core has not said. */
export const selectPendingCount = (s: RootState) => Math.max(s.connection.core?.pending ?? 0, s.outbox.pending.length);
