/**
 * The names hook of every window: names by code in the window's language (names.ts), one object
 * per language and district data. The district comes from the window's store, or is given
 * where a window has none (the statistics window).
 */
import { useContext, useMemo, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { ReactReduxContext } from 'react-redux';
import type { RootState } from '../../app/store';
import { namesOf, type Names, type NamesOptions } from './names';
import { selectDistrict } from './selectors';
import type { DistrictSummary } from './summary';

export type { Names, NamesOptions } from './names';

const noSubscription = () => () => {};

/** The store's district summary, or null in a window without a store. */
function useStoredDistrict(): DistrictSummary | null {
  const store = useContext(ReactReduxContext)?.store;
  return useSyncExternalStore(
    store ? store.subscribe : noSubscription,
    () => (store ? selectDistrict(store.getState() as RootState) : null),
  );
}

export function useNames({ district, unknown = 'code' }: NamesOptions = {}): Names {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const stored = useStoredDistrict();
  const data = district === undefined ? stored : district;
  return useMemo(() => namesOf(data, lang, t, unknown), [data, lang, t, unknown]);
}
