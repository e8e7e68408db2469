/** Lookups by code over the district's names, built once per load. */
import { createSelector } from '@reduxjs/toolkit';
import type { Category } from '../../../shared/domain/catalog';
import type { RootState } from '../../app/store';
import type { Department, RegionName } from './summary';

export const selectDistrict = (s: RootState) => s.district.summary;

const byCode = <T extends { code: string }>(list: readonly T[] | undefined) => new Map((list ?? []).map((x) => [x.code, x]));

export const selectCategories = createSelector([selectDistrict], (d): Map<string, Category> => {
  const map = new Map<string, Category>();
  for (const { smallClasses, ...big } of d?.bigClasses ?? []) {
    for (const small of smallClasses) map.set(small.code, { ...small, bigClass: big });
  }
  return map;
});

export const selectDepartments = createSelector([selectDistrict], (d): Map<string, Department> => byCode(d?.departments));
export const selectSubdistricts = createSelector([selectDistrict], (d): Map<string, RegionName> => byCode(d?.subdistricts));
export const selectCommunities = createSelector([selectDistrict], (d): Map<string, RegionName> => byCode(d?.communities));

/** A name in the window's language; the code itself when the data does not know it. */
export function localName(x: { name: string; nameEn: string } | undefined, code: string, lang: string): string {
  if (!x) return code;
  return lang.startsWith('zh') ? x.name : x.nameEn;
}
