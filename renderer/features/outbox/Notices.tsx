/** Refusals that came while the officer watched, explained, until acknowledged. */
import { useTranslation } from 'react-i18next';
import { useAppDispatch, useAppSelector } from '../../app/hooks';
import { caseSelected } from '../queue/slice';
import { explainError, explainRefusal, stepNameOfCommand } from './explain';
import { selectUnreadRefusals } from './selectors';
import { refusalRead } from './slice';

export function Notices() {
  const { t } = useTranslation();
  const dispatch = useAppDispatch();
  const refusals = useAppSelector(selectUnreadRefusals);
  const entities = useAppSelector((s) => s.cases.entities);
  const sendError = useAppSelector((s) => (s.workflow.form ? null : s.workflow.error));
  return (
    <div className="notices" aria-live="assertive" data-testid="notices">
      {sendError && (
        <div className="notice" role="alert" data-testid="notice" data-code={sendError.code}>{explainError(t, sendError.code, sendError.message)}</div>
      )}
      {refusals.slice(0, 4).map((r) => (
        <div key={r.answer.commandId} className="notice" role="alert" data-testid="notice" data-code={r.code} data-case-id={r.caseId ?? ''}>
          <b>{t('errors.refused', { step: stepNameOfCommand(t, r.type) })}</b>{' '}
          {r.caseId ? <button type="button" className="link" onClick={() => dispatch(caseSelected(r.caseId))}>{r.caseId}</button> : t('errors.unknownCase')}
          {explainRefusal(t, r, r.caseId ? entities[r.caseId] : undefined).map((line) => <div key={line}>{line}</div>)}
          <button type="button" data-testid="notice-dismiss" onClick={() => dispatch(refusalRead(r.answer.commandId))}>{t('errors.dismiss')}</button>
        </div>
      ))}
    </div>
  );
}
