/**
 * Names by code in the window's language (zh-CN first, English second): the lookups over the
 * district's data that every window uses (through useNames.ts). Pure: no React, no store.
 */
import { localName } from './selectors';
import type { DistrictSummary } from './summary';

export interface Names {
  lang: string;
  /** A small class (a category) by its code. */
  category(code: string): string;
  /** A big class by its own code. */
  bigClass(code: string): string;
  /** The big class a category (a small class code) belongs to. */
  bigClassOf(categoryCode: string): string;
  department(code: string): string;
  subdistrict(code: string): string;
  community(code: string): string;
  /** A case source (hotline, patrol, …). */
  source(code: string): string;
}

export interface NamesOptions {
  /** The district to name from, where the window has no store; the store's otherwise. */
  district?: DistrictSummary | null;
  /**
   * What a code the data does not know reads as: the code itself (the default), or '' so the
   * caller can fall back on a name of its own (the statistics window: the hub's name).
   */
  unknown?: 'code' | 'blank';
}

type Named = { code: string; name: string; nameEn: string };

/** The lookups over one district summary (pure: tested without React). */
export function namesOf(district: DistrictSummary | null, lang: string, t: (key: string) => string, unknown: 'code' | 'blank' = 'code'): Names {
  const byCode = <X extends Named>(list: readonly X[] | undefined) => new Map((list ?? []).map((x) => [x.code, x]));
  const departments = byCode(district?.departments);
  const subdistricts = byCode(district?.subdistricts);
  const communities = byCode(district?.communities);
  const big = new Map<string, Named>();
  const small = new Map<string, Named>();
  const bigOf = new Map<string, Named>();
  for (const b of district?.bigClasses ?? []) {
    big.set(b.code, b);
    for (const s of b.smallClasses) {
      small.set(s.code, s);
      bigOf.set(s.code, b);
    }
  }
  const name = (m: Map<string, Named>, fallback: (code: string) => string = (code) => code) => (code: string) => {
    const x = m.get(code);
    if (x) return localName(x, code, lang);
    return unknown === 'blank' ? '' : fallback(code);
  };
  return {
    lang,
    category: name(small),
    bigClass: name(big),
    bigClassOf: name(bigOf, (code) => code.slice(0, 2)),
    department: name(departments),
    subdistrict: name(subdistricts),
    community: name(communities),
    source: (code: string) => t(`source.${code}`),
  };
}
