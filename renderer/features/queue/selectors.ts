/** The queue as shown: filtered, searched and sorted (urgency, then nearest deadline). */
import { createSelector } from '@reduxjs/toolkit';
import { isOpen } from '../../../shared/domain/lifecycle';
import type { Case } from '../../../shared/protocol/entities';
import type { RootState } from '../../app/store';
import { selectAllCases, selectTimeliness, sortForQueue } from '../cases/selectors';
import type { Timeliness } from '../cases/timeliness';
import type { QueueFilters } from './filters';

export const selectFilters = (s: RootState) => s.queue.filters;
export const selectSearchHits = (s: RootState) => s.queue.searchHits;
export const selectSelectedId = (s: RootState) => s.queue.selectedId;

const any = <T>(list: readonly T[], v: T) => list.length === 0 || list.includes(v);

/** Everything but "overdue only", which depends on the ticking clock. */
export function matchesFilters(c: Case, f: QueueFilters): boolean {
  if (f.statuses.length ? !f.statuses.includes(c.status) : !isOpen(c.status)) return false;
  if (!any(f.sources, c.source)) return false;
  if (!any(f.subdistricts, c.subdistrictCode)) return false;
  if (f.categories.length && !f.categories.some((code) => c.categoryCode.startsWith(code))) return false;
  if (f.departments.length && !c.owners.some((o) => f.departments.includes(o))) return false;
  return true;
}

/** The filtered queue out of cases already in queue order: filtering keeps the order. */
export function filterSorted(sorted: readonly Case[], f: QueueFilters, hits: readonly string[] | null): Case[] {
  const hitSet = hits ? new Set(hits) : null;
  return sorted.filter((c) => (!hitSet || hitSet.has(c.id)) && matchesFilters(c, f));
}

/** Filtered and sorted without the clock. */
export function filterAndSort(cases: readonly Case[], f: QueueFilters, hits: readonly string[] | null): Case[] {
  return filterSorted(sortForQueue(cases), f, hits);
}

export function onlyOverdue(list: readonly Case[], timeliness: ReadonlyMap<string, Timeliness>): Case[] {
  return list.filter((c) => timeliness.get(c.id) === 'overdue');
}

/**
 * Every case in queue order: sorted only when the cases change, so a filter change (20,000
 * open cases: the bench in bench/console.ts) is one pass of `filter`, not a sort.
 */
const selectAllInQueueOrder = createSelector([selectAllCases], sortForQueue);

const selectSorted = createSelector([selectAllInQueueOrder, selectFilters, selectSearchHits], filterSorted);

/** The rows, in order. Ticks only matter when "overdue only" is on. */
export const selectQueue = createSelector(
  [selectSorted, (s: RootState) => (s.queue.filters.overdueOnly ? selectTimeliness(s) : null)],
  (sorted, timeliness) => (timeliness ? onlyOverdue(sorted, timeliness) : sorted),
);

export const selectQueueIds = createSelector([selectQueue], (list) => list.map((c) => c.id));

/** The index of the selected case in the queue, or -1 when it is not in it. */
export const selectSelectedIndex = createSelector([selectQueueIds, selectSelectedId], (ids, id) => (id ? ids.indexOf(id) : -1));
