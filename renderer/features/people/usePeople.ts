/** Names of people for components: the directory, the district's department names, the language. */
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useAppSelector } from '../../app/hooks';
import { useNames } from '../district/useNames';
import { personLabel } from './label';

export interface PeopleNames {
  /** Display name (and department); an unknown id → `fallback(id)`. */
  label(id: string, fallback: (id: string) => string): string;
  /** A tooltip: role, department and the whole id. */
  title(id: string): string;
}

export function usePeople(): PeopleNames {
  const { t } = useTranslation();
  const names = useNames();
  const people = useAppSelector((s) => s.people.entities);
  return useMemo(() => {
    const parts = {
      department: names.department,
      withDepartment: (name: string, department: string) => t('people.withDepartment', { name, department }),
      source: (source: string) => t('people.source', { source: t(`source.${source}`, { defaultValue: source }) }),
    };
    return {
      label: (id, fallback) => personLabel(id, people, parts, fallback),
      title: (id) => {
        const p = people[id];
        if (!p) return id;
        return [t(`session.role.${p.role}`), p.departmentCode ? names.department(p.departmentCode) : null, id].filter(Boolean).join(' · ');
      },
    };
  }, [people, names, t]);
}
