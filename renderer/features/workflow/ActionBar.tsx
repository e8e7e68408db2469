/** Every step the user may take on the case now: one click each, its key shown beside it. */
import { useTranslation } from 'react-i18next';
import { useAppDispatch, useAppSelector } from '../../app/hooks';
import { selectOfferedSteps } from '../case/selectors';
import { takeStep } from './slice';
import { STEP_SPECS } from './steps';

export function ActionBar({ caseId }: { caseId: string }) {
  const { t } = useTranslation();
  const dispatch = useAppDispatch();
  const steps = useAppSelector(selectOfferedSteps);
  return (
    <div className="actions" role="toolbar" aria-label={t('case.actions')} data-testid="action-bar">
      {steps.length === 0 && <span className="muted">{t('case.noActions')}</span>}
      {steps.map((step) => (
        <button key={step} type="button" className={`action a-${step}`} data-testid={`action-${step}`} aria-keyshortcuts={STEP_SPECS[step].key.toUpperCase()}
          onClick={() => void dispatch(takeStep({ step, caseId }))}>
          {t(`step.${step}`)} <kbd>{STEP_SPECS[step].key.toUpperCase()}</kbd>
        </button>
      ))}
    </div>
  );
}
