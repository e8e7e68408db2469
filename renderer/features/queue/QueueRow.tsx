/**
 * One case in the queue: urgency, class, countdown; place, status; pending and flash marks.
 * It takes `t` and the names from the pane: a hook per row costs too much at scroll speed.
 */
import type { TFunction } from 'i18next';
import { memo } from 'react';
import { useAppSelector } from '../../app/hooks';
import { CountdownText } from '../cases/Countdown';
import { selectCaseById, selectNow } from '../cases/selectors';
import { caseClock, timelinessAt } from '../cases/timeliness';
import type { Names } from '../district/useNames';
import { selectPendingByCase } from '../outbox/selectors';

export const ROW_HEIGHT = 64;

interface Props {
  id: string;
  top: number;
  selected: boolean;
  onPick: (id: string) => void;
  t: TFunction;
  names: Names;
}

export const QueueRow = memo(function QueueRow({ id, top, selected, onPick, t, names }: Props) {
  const c = useAppSelector((s) => selectCaseById(s, id));
  const now = useAppSelector(selectNow);
  const pending = useAppSelector((s) => selectPendingByCase(s).get(id));
  const flashing = useAppSelector((s) => id in s.queue.flashing);
  if (!c) return null;
  const clock = caseClock(c);
  const state = timelinessAt(c, now);
  return (
    <div
      id={`row-${id}`}
      role="option"
      aria-selected={selected}
      className={`qrow u-${c.urgency} t-${state}${selected ? ' selected' : ''}${flashing ? ' flash' : ''}`}
      style={{ transform: `translateY(${top}px)`, height: ROW_HEIGHT }}
      data-testid="queue-row"
      data-case-id={id}
      data-selected={selected}
      data-urgency={c.urgency}
      data-status={c.status}
      data-timeliness={state}
      data-pending={pending ? pending.length : 0}
      onClick={() => onPick(id)}
    >
      <div className="qrow-line">
        <span className={`pill u-${c.urgency}`}>{t(`urgency.${c.urgency}`)}</span>
        <span className="qrow-cat">{names.category(c.categoryCode)}</span>
        {clock.due !== null && !clock.paused
          ? <CountdownText due={clock.due} now={now} state={state} t={t} />
          : <span className="countdown t-none">{t(`timeliness.${state}`)}</span>}
      </div>
      <div className="qrow-line sub">
        <span className="qrow-id">{c.id}</span>
        <span className="qrow-place">{names.subdistrict(c.subdistrictCode)} · {c.address}</span>
        {pending && <span className="pending-mark" data-testid="row-pending" title={t('case.pendingHint')}>● {t('queue.pending')}</span>}
        <span className={`status s-${c.status}`}>{t(`status.${c.status}`)}</span>
      </div>
    </div>
  );
});
