/** The day at a glance: open, overdue, due soon, reported and closed today, on-time closure rate. */
import { useTranslation } from 'react-i18next';
import { useAppSelector } from '../../app/hooks';
import { formatPercent } from '../../i18n/format';
import { selectDeadlineCounts, selectKpis } from '../cases/selectors';

export function Kpis() {
  const { t, i18n } = useTranslation();
  const k = useAppSelector(selectKpis);
  const d = useAppSelector(selectDeadlineCounts);
  const item = (id: string, label: string, value: string | number, cls = '') => (
    <div className={`kpi ${cls}`} data-testid={`kpi-${id}`} data-value={value}><b>{value}</b><span>{label}</span></div>
  );
  return (
    <div className="kpis" data-testid="kpis">
      {item('open', t('kpi.open'), k.open)}
      {item('overdue', t('kpi.overdue'), d.overdue, d.overdue ? 't-overdue' : '')}
      {item('due-soon', t('kpi.dueSoon'), d.dueSoon, d.dueSoon ? 't-due_soon' : '')}
      {item('returned', t('kpi.returned'), k.returnedOpen)}
      {item('reported-today', t('kpi.reportedToday'), k.reportedToday)}
      {item('closed-today', t('kpi.closedToday'), k.closedToday)}
      {item('on-time', t('kpi.onTimeRate'), k.onTimeRateToday === null ? t('kpi.na') : formatPercent(k.onTimeRateToday, i18n.language))}
    </div>
  );
}
