/**
 * The queue's filters, as data: they are saved in presets (settings.presets) and applied by
 * the selectors. Empty lists mean "any"; no status chosen means "every open case".
 */
import { CASE_STATUSES, type CaseStatus } from '../../../shared/domain/lifecycle';
import { SOURCES, type Source } from '../../../shared/protocol/entities';

export interface QueueFilters {
  sources: Source[];
  /** Big-class (2-digit) or small-class (5-digit) codes: a case matches by prefix. */
  categories: string[];
  subdistricts: string[];
  departments: string[];
  statuses: CaseStatus[];
  overdueOnly: boolean;
}

export type ListFilterField = 'sources' | 'categories' | 'subdistricts' | 'departments' | 'statuses';

export const EMPTY_FILTERS: QueueFilters = { sources: [], categories: [], subdistricts: [], departments: [], statuses: [], overdueOnly: false };

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').slice(0, 200) : []);

/** A preset's filter as saved (free-form in settings): keeps only what is valid today. */
export function normalizeFilters(v: unknown): QueueFilters {
  const o = v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
  return {
    sources: strings(o.sources).filter((x): x is Source => (SOURCES as readonly string[]).includes(x)),
    categories: strings(o.categories).filter((x) => /^\d{2}(\d{3})?$/.test(x)),
    subdistricts: strings(o.subdistricts),
    departments: strings(o.departments),
    statuses: strings(o.statuses).filter((x): x is CaseStatus => (CASE_STATUSES as readonly string[]).includes(x)),
    overdueOnly: o.overdueOnly === true,
  };
}

export function isFiltering(f: QueueFilters): boolean {
  return f.overdueOnly || f.sources.length + f.categories.length + f.subdistricts.length + f.departments.length + f.statuses.length > 0;
}
