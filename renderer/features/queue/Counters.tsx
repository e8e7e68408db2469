/** Counts per status, overdue and due soon; each one a toggle of the matching filter. */
import { useTranslation } from 'react-i18next';
import { OPEN_STATUSES } from '../../../shared/domain/lifecycle';
import { useAppDispatch, useAppSelector } from '../../app/hooks';
import { selectDeadlineCounts, selectStatusCounts } from '../cases/selectors';
import { filterToggled, overdueToggled } from './slice';

const SHOWN = [...OPEN_STATUSES, 'closed', 'rejected'] as const;

export function Counters() {
  const { t } = useTranslation();
  const dispatch = useAppDispatch();
  const counts = useAppSelector(selectStatusCounts);
  const { overdue, dueSoon } = useAppSelector(selectDeadlineCounts);
  const filters = useAppSelector((s) => s.queue.filters);
  return (
    <div className="counters" role="group" aria-label={t('queue.counters')} data-testid="counters">
      <button type="button" className={`counter t-overdue${filters.overdueOnly ? ' on' : ''}`} data-testid="counter-overdue" data-count={overdue}
        aria-pressed={filters.overdueOnly} onClick={() => dispatch(overdueToggled())}>
        <b>{overdue}</b> {t('queue.overdue')}
      </button>
      <span className="counter t-due_soon" data-testid="counter-due-soon" data-count={dueSoon}><b>{dueSoon}</b> {t('queue.dueSoon')}</span>
      {SHOWN.map((status) => {
        const on = filters.statuses.includes(status);
        return (
          <button key={status} type="button" className={`counter s-${status}${on ? ' on' : ''}`} data-testid={`counter-${status}`} data-count={counts[status]}
            aria-pressed={on} onClick={() => dispatch(filterToggled({ field: 'statuses', value: status }))}>
            <b>{counts[status]}</b> {t(`status.${status}`)}
          </button>
        );
      })}
    </div>
  );
}
