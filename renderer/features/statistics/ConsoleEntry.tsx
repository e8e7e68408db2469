/**
 * The console's way to the statistics window: a top-bar button that opens `/statistics` in its
 * own window, and the console's ear for "open this case" from a statistics drill-down.
 */
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useAppDispatch, useAppSelector } from '../../app/hooks';
import { caseSelected } from '../queue/slice';
import { focusCaseView } from '../shell/focus';
import { listenOpenCase, openStatisticsWindow } from './link';

export function StatisticsEntry() {
  const { t } = useTranslation();
  const dispatch = useAppDispatch();
  // A department's liaison reads no statistics (the hub refuses them): no button, but still the ear.
  const liaison = useAppSelector((s) => s.session.user?.role === 'liaison');
  useEffect(() => listenOpenCase((caseId) => {
    dispatch(caseSelected(caseId));
    window.focus();
    focusCaseView();
  }), [dispatch]);
  if (liaison) return null;
  return (
    <button type="button" data-testid="statistics-entry" title={t('statistics.openTitle')} onClick={openStatisticsWindow}
      style={{ whiteSpace: 'nowrap', flex: 'none' }}>
      {t('statistics.open')}
    </button>
  );
}
