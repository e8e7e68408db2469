/**
 * The operation board's window: connection bar, a top bar (title, who is signed in, language),
 * then the board of `/operation/<id>` or, at `/operation`, the list and the activation form.
 * Moving between them is history navigation inside the page (the bridge stays connected).
 */
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAppSelector } from '../../app/hooks';
import { ConnectionBar } from '../connection/ConnectionBar';
import { selectIsLive } from '../connection/selectors';
import { LoginForm } from '../session/LoginForm';
import { RoleSwitcher } from '../session/RoleSwitcher';
import { Switches } from '../settings/Switches';
import { Board } from './Board';
import { OperationList } from './OperationList';
import { selectOperationById } from './selectors';
import './operations.css';

/** `/operation/OP20261125001` → OP20261125001; `/operation` → null. */
export function operationIdOf(pathname: string): string | null {
  const m = /^\/operation\/([^/]+)\/?$/.exec(pathname);
  if (!m) return null;
  try {
    return decodeURIComponent(m[1]!);
  } catch {
    return null;
  }
}

export function OperationBoardApp({ initialId }: { initialId: string | null }) {
  const { t } = useTranslation();
  const [id, setId] = useState(initialId);
  const loaded = useAppSelector((s) => s.cases.loaded && s.operations.loaded);
  const user = useAppSelector((s) => s.session.user);
  const theme = useAppSelector((s) => s.settings.theme);
  const live = useAppSelector(selectIsLive);
  const op = useAppSelector((s) => (id ? selectOperationById(s, id) : undefined));

  const open = useCallback((next: string | null) => {
    window.history.pushState(null, '', next ? `/operation/${encodeURIComponent(next)}` : '/operation');
    setId(next);
  }, []);
  useEffect(() => {
    const onPop = () => setId(operationIdOf(window.location.pathname));
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  useEffect(() => {
    document.title = op ? `${op.id} · ${t('operation.title')}` : t('operation.title');
  }, [op, t]);

  return (
    <div className={`app op-app theme-${theme}${live ? '' : ' not-live'}`} data-testid="operation-app" data-operation-id={id ?? ''}>
      <ConnectionBar />
      <header className="topbar">
        <h1 title={t('app.title')}>{t('operation.title')}</h1>
        {id && <button type="button" data-testid="op-back" onClick={() => open(null)}>{t('operation.allOperations')}</button>}
        <div className="spacer" />
        <RoleSwitcher />
        <Switches />
      </header>
      <main className="op-main">
        {!loaded ? (
          <div className="loading" data-testid="loading">{t('app.loading')}</div>
        ) : !user ? (
          <div className="center"><LoginForm /></div>
        ) : id === null ? (
          <OperationList onOpen={open} />
        ) : op ? (
          <Board op={op} />
        ) : (
          <div className="op-empty" data-testid="op-missing">{t('operation.missing', { id })}</div>
        )}
      </main>
    </div>
  );
}
