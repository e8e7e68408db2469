/** Full-text search (the core's index), combined with the filters; "/" jumps here. */
import { useTranslation } from 'react-i18next';
import { useAppDispatch, useAppSelector } from '../../app/hooks';
import { searchTextChanged } from './slice';

export const SEARCH_INPUT_ID = 'queue-search';

export function SearchBox() {
  const { t } = useTranslation();
  const dispatch = useAppDispatch();
  const text = useAppSelector((s) => s.queue.searchText);
  const hits = useAppSelector((s) => s.queue.searchHits);
  const searchFor = useAppSelector((s) => s.queue.searchFor);
  const waiting = text.trim() !== '' && text.trim() !== searchFor;
  return (
    <div className="search">
      <input id={SEARCH_INPUT_ID} type="search" data-testid="queue-search" placeholder={t('queue.search')} aria-label={t('queue.search')}
        value={text} maxLength={200} onChange={(e) => dispatch(searchTextChanged(e.target.value))} />
      <span className="search-state" data-testid="search-state" aria-live="polite">
        {waiting ? t('queue.searching') : hits ? t('queue.searchHits', { text: searchFor, count: hits.length }) : ''}
      </span>
    </div>
  );
}
