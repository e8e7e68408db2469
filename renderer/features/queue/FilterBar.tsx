/** Filters as "add" pickers and removable chips; all reachable by Tab and the arrow keys. */
import { useTranslation } from 'react-i18next';
import { CASE_STATUSES } from '../../../shared/domain/lifecycle';
import { SOURCES } from '../../../shared/protocol/entities';
import { useAppDispatch, useAppSelector } from '../../app/hooks';
import { localName } from '../district/selectors';
import { useNames } from '../district/useNames';
import type { ListFilterField } from './filters';
import { filterToggled, filtersCleared, overdueToggled } from './slice';

const FIELD_KEY: Record<ListFilterField, string> = { sources: 'source', categories: 'category', subdistricts: 'subdistrict', departments: 'department', statuses: 'status' };

export function FilterBar() {
  const { t } = useTranslation();
  const dispatch = useAppDispatch();
  const names = useNames();
  const filters = useAppSelector((s) => s.queue.filters);
  const district = useAppSelector((s) => s.district.summary);

  const label = (field: ListFilterField, v: string): string => {
    switch (field) {
      case 'sources': return t(`source.${v}`);
      case 'statuses': return t(`status.${v}`);
      case 'subdistricts': return names.subdistrict(v);
      case 'departments': return names.department(v);
      case 'categories': {
        const big = district?.bigClasses.find((b) => b.code === v);
        return big ? localName(big, v, names.lang) : names.category(v);
      }
    }
  };

  const picker = (field: ListFilterField, options: Array<{ value: string; label: string; group?: string }>) => {
    const what = t(`queue.filter.${FIELD_KEY[field]}`);
    return (
      <select key={field} className="picker" data-testid={`filter-${FIELD_KEY[field]}`} aria-label={t('queue.filter.add', { what })} value=""
        onChange={(e) => e.target.value && dispatch(filterToggled({ field, value: e.target.value }))}>
        <option value="">{what}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value} disabled={(filters[field] as string[]).includes(o.value)}>{o.label}</option>
        ))}
      </select>
    );
  };

  const chips = (Object.keys(FIELD_KEY) as ListFilterField[]).flatMap((field) =>
    (filters[field] as string[]).map((v) => (
      <button key={`${field}:${v}`} type="button" className="chip" data-testid="filter-chip" data-field={field} data-value={v}
        aria-label={t('queue.filter.remove', { what: label(field, v) })} onClick={() => dispatch(filterToggled({ field, value: v }))}>
        {t(`queue.filter.${FIELD_KEY[field]}`)}: {label(field, v)} ×
      </button>
    )));

  return (
    <div className="filterbar" data-testid="filter-bar">
      <div className="pickers">
        {picker('sources', SOURCES.map((v) => ({ value: v, label: t(`source.${v}`) })))}
        {picker('categories', (district?.bigClasses ?? []).map((b) => ({ value: b.code, label: `${b.code} ${localName(b, b.code, names.lang)}` })))}
        {picker('subdistricts', (district?.subdistricts ?? []).map((r) => ({ value: r.code, label: localName(r, r.code, names.lang) })))}
        {picker('departments', (district?.departments ?? []).map((d) => ({ value: d.code, label: localName(d, d.code, names.lang) })))}
        {picker('statuses', CASE_STATUSES.map((v) => ({ value: v, label: t(`status.${v}`) })))}
        <label className="toggle">
          <input type="checkbox" data-testid="filter-overdue" checked={filters.overdueOnly} onChange={() => dispatch(overdueToggled())} />
          {t('queue.overdueOnly')}
        </label>
      </div>
      {chips.length > 0 && (
        <div className="chips">
          {chips}
          <button type="button" className="link" data-testid="filter-clear" onClick={() => dispatch(filtersCleared())}>{t('queue.clear')}</button>
        </div>
      )}
    </div>
  );
}
