/** A live countdown to a deadline ("剩余 01:02:03" / "超时 00:05:00"), from the one clock. */
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { useAppSelector } from '../../app/hooks';
import { formatSpan } from '../../i18n/format';
import { selectNow } from './selectors';
import type { Timeliness } from './timeliness';

/** Without hooks, for the queue's rows (thousands of renders while scrolling). */
export function CountdownText({ due, now, state, t, testId }: { due: number; now: number; state: Timeliness; t: TFunction; testId?: string }) {
  const left = due - now;
  const time = formatSpan(left, (count) => t('countdown.days', { count }));
  return (
    <span className={`countdown t-${state}`} data-testid={testId} data-state={state}>
      {left >= 0 ? t('countdown.left', { time }) : t('countdown.over', { time })}
    </span>
  );
}

export function Countdown({ due, state, testId }: { due: number; state: Timeliness; testId?: string }) {
  const { t } = useTranslation();
  const now = useAppSelector(selectNow);
  return <CountdownText due={due} now={now} state={state} t={t} testId={testId} />;
}
