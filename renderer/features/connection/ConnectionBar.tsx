/**
 * Always visible: online, connecting, catching up (n of m), offline since t with the pending
 * count. Nothing on screen may look live when it is not: the bar says so first.
 */
import { useTranslation } from 'react-i18next';
import { useAppSelector } from '../../app/hooks';
import { formatAgo, formatTime } from '../../i18n/format';
import { selectNow } from '../cases/selectors';
import { selectLinkView, selectPendingCount } from './selectors';

export function ConnectionBar() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const view = useAppSelector(selectLinkView);
  const pending = useAppSelector(selectPendingCount);
  const now = useAppSelector(selectNow);
  // Which node of a cluster serves us: after a failover the officer sees it changed.
  const node = useAppSelector((s) => s.connection.core?.node ?? null);
  const since = (ms: number) => ({ since: formatTime(ms, lang), ago: formatAgo(Math.max(0, now - ms), lang) });

  let text: string;
  let progress: number | null = null;
  switch (view.kind) {
    case 'link_down': text = t('connection.linkDown', since(view.since)); break;
    case 'unknown': case 'connecting': text = t('connection.connecting'); break;
    case 'online': text = t('connection.online'); break;
    case 'catching_up':
      text = t('connection.catching_up', { done: view.done, total: view.total });
      progress = view.total > 0 ? Math.min(1, view.done / view.total) : 0;
      break;
    case 'offline': {
      text = t('connection.offline', since(view.since));
      if (view.error) text += ` · ${t('connection.reason', { reason: t(`errors.${view.error}`, { defaultValue: view.error }) })}`;
      break;
    }
  }
  return (
    <div className={`connbar c-${view.kind}`} role="status" aria-live="polite" data-testid="connection-bar" data-state={view.kind} data-pending={pending}>
      <span className="dot" aria-hidden="true" />
      <span data-testid="connection-text">{text}</span>
      {view.kind === 'online' && <span className="muted">{t('connection.seq', { seq: view.lastSeq })}</span>}
      {node && view.kind !== 'link_down' && <span className="muted" data-testid="connection-node" title={t('connection.nodeTitle')}>{t('connection.node', { node })}</span>}
      {progress !== null && (
        <progress data-testid="catchup-progress" max={1} value={progress} aria-label={text} />
      )}
      {pending > 0 && <span className="badge pending" data-testid="pending-count" data-count={pending}>{t('connection.pending', { count: pending })}</span>}
    </div>
  );
}
