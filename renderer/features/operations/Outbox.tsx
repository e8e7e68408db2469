/**
 * The board's commands between click and the hub's answer: waiting in the outbox (offline too),
 * and the hub's refusals with their reason, until read. As the console shows its own.
 */
import { useTranslation } from 'react-i18next';
import { useAppDispatch, useAppSelector } from '../../app/hooks';
import { explainOperationError as explainError } from './explain';
import { selectPendingOfOperation, selectRefusalsOfOperation } from './selectors';
import { refusalDismissed } from './slice';

export function OperationOutbox({ operationId }: { operationId: string | null }) {
  const { t } = useTranslation();
  const dispatch = useAppDispatch();
  const pending = useAppSelector((s) => selectPendingOfOperation(s, operationId));
  const refusals = useAppSelector((s) => selectRefusalsOfOperation(s, operationId));
  const dismissed = useAppSelector((s) => s.operationsBoard.dismissed);
  const unread = refusals.filter((a) => !dismissed.includes(a.commandId)).slice(0, 3);
  if (!pending.length && !unread.length) return null;
  return (
    <div className="op-outbox" aria-live="polite" data-testid="op-outbox">
      {pending.map((p) => (
        <div key={p.commandId} className="op-pending" data-testid="op-pending" data-type={p.type}>
          {t('operation.pending', { what: t(`operation.command.${p.type.slice('operation.'.length)}`) })}
          {p.lastError && <span className="muted"> · {p.lastError}</span>}
        </div>
      ))}
      {unread.map((a) => (
        <div key={a.commandId} className="op-refusal" role="alert" data-testid="op-refusal" data-code={a.result.ok ? '' : a.result.error.code}>
          <b>{t('operation.refused', { what: t(`operation.command.${a.type.slice('operation.'.length)}`) })}</b>{' '}
          {!a.result.ok && explainError(t, a.result.error.code, a.result.error.message)}
          {!a.result.ok && <div className="muted">{a.result.error.message}</div>}
          <button type="button" data-testid="op-refusal-dismiss" onClick={() => dispatch(refusalDismissed(a.commandId))}>{t('errors.dismiss')}</button>
        </div>
      ))}
    </div>
  );
}
