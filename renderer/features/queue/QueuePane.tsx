/** The live queue: counters, search, filters, presets and the virtualized rows. */
import { useCallback, useEffect } from 'react';
import { useNames } from '../district/useNames';
import { useTranslation } from 'react-i18next';
import { useAppDispatch, useAppSelector } from '../../app/hooks';
import { formatNumber } from '../../i18n/format';
import { selectIsLive } from '../connection/selectors';
import { QUEUE_LIST_ID } from '../shell/focus';
import { Counters } from './Counters';
import { FilterBar } from './FilterBar';
import { Presets } from './Presets';
import { QueueRow, ROW_HEIGHT } from './QueueRow';
import { SearchBox } from './SearchBox';
import { selectQueueIds, selectSelectedId, selectSelectedIndex } from './selectors';
import { caseSelected } from './slice';
import { VirtualList } from './VirtualList';

/** Set once per page: `npm run bench` (bench/console.ts) reads it as the console's first render. */
let firstRenderMarked = false;

export function QueuePane() {
  const { t, i18n } = useTranslation();
  const dispatch = useAppDispatch();
  const ids = useAppSelector(selectQueueIds);
  const selectedId = useAppSelector(selectSelectedId);
  const selectedIndex = useAppSelector(selectSelectedIndex);
  const live = useAppSelector(selectIsLive);
  const names = useNames();
  const pick = useCallback((id: string) => {
    dispatch(caseSelected(id));
    document.getElementById(QUEUE_LIST_ID)?.focus({ preventScroll: true });
  }, [dispatch]);
  // The first commit whose queue has rows: one performance mark (detail: the row count).
  useEffect(() => {
    if (firstRenderMarked || ids.length === 0) return;
    firstRenderMarked = true;
    performance.mark('console:first-queue-render', { detail: { rows: ids.length } });
  }, [ids.length]);

  return (
    <section className="pane queue" aria-label={t('queue.title')} data-testid="queue-pane">
      <header className="pane-head">
        <h2>{t('queue.title')}</h2>
        <span className="muted" data-testid="queue-count" data-count={ids.length}>{t('queue.count', { count: formatNumber(ids.length, i18n.language) })}</span>
        {!live && <span className="badge stale" data-testid="stale-badge">{t('queue.stale')}</span>}
      </header>
      <Counters />
      <SearchBox />
      <FilterBar />
      <Presets />
      {ids.length === 0 ? (
        <div className="empty" data-testid="queue-empty" tabIndex={0} id={QUEUE_LIST_ID}>{t('queue.empty')}</div>
      ) : (
        <VirtualList
          count={ids.length}
          rowHeight={ROW_HEIGHT}
          activeIndex={selectedIndex}
          activeId={selectedId ? `row-${selectedId}` : undefined}
          label={t('queue.title')}
          testId="queue-list"
          id={QUEUE_LIST_ID}
          renderRow={(i, top) => {
            const id = ids[i]!;
            return <QueueRow id={id} top={top} selected={id === selectedId} onPick={pick} t={t} names={names} />;
          }}
        />
      )}
    </section>
  );
}
