/** Names by code in the window's language, for components (one object per language and data). */
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useAppSelector } from '../../app/hooks';
import { localName, selectCategories, selectCommunities, selectDepartments, selectSubdistricts } from './selectors';

export interface Names {
  lang: string;
  category(code: string): string;
  bigClass(code: string): string;
  department(code: string): string;
  subdistrict(code: string): string;
  community(code: string): string;
}

export function useNames(): Names {
  const { i18n } = useTranslation();
  const lang = i18n.language;
  const categories = useAppSelector(selectCategories);
  const departments = useAppSelector(selectDepartments);
  const subdistricts = useAppSelector(selectSubdistricts);
  const communities = useAppSelector(selectCommunities);
  return useMemo(() => ({
    lang,
    category: (code: string) => localName(categories.get(code), code, lang),
    bigClass: (code: string) => {
      const c = categories.get(code);
      return c ? localName(c.bigClass, c.bigClass.code, lang) : code.slice(0, 2);
    },
    department: (code: string) => localName(departments.get(code), code, lang),
    subdistrict: (code: string) => localName(subdistricts.get(code), code, lang),
    community: (code: string) => localName(communities.get(code), code, lang),
  }), [lang, categories, departments, subdistricts, communities]);
}
