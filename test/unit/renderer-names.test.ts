// One names hook for every window (district/names.ts, used by useNames.ts): zh-CN first, English second; a code the
// district does not know reads as itself, or as '' where the caller falls back on the hub's name.
import { describe, expect, it } from 'vitest';
import { namesOf } from '../../renderer/features/district/names';
import type { DistrictSummary } from '../../renderer/features/district/summary';

const district: DistrictSummary = {
  departments: [{ code: 'water', name: '区水务局', nameEn: 'District Water Bureau', kind: 'bureau' }],
  subdistricts: [{ code: '310104003', name: '天平路街道', nameEn: 'Tianping Road Subdistrict' }],
  communities: [{ code: '310104003001', name: '天平居委', nameEn: 'Tianping Community' }],
  bigClasses: [{
    code: '01', name: '公用设施', nameEn: 'Public facilities',
    smallClasses: [{ code: '0101', name: '上水井盖', nameEn: 'Water manhole cover' }],
  }] as unknown as DistrictSummary['bigClasses'],
  catalogVersion: 't', plans: [], levels: [],
};
const t = (k: string) => `[${k}]`;

describe('namesOf', () => {
  it('names every kind of code in the window language', () => {
    const zh = namesOf(district, 'zh-CN', t);
    expect([zh.department('water'), zh.subdistrict('310104003'), zh.community('310104003001'), zh.category('0101'), zh.bigClass('01'), zh.bigClassOf('0101')])
      .toEqual(['区水务局', '天平路街道', '天平居委', '上水井盖', '公用设施', '公用设施']);
    expect(zh.lang).toBe('zh-CN');
    expect(zh.source('hotline')).toBe('[source.hotline]');
    const en = namesOf(district, 'en', t);
    expect([en.department('water'), en.subdistrict('310104003'), en.category('0101'), en.bigClassOf('0101')])
      .toEqual(['District Water Bureau', 'Tianping Road Subdistrict', 'Water manhole cover', 'Public facilities']);
  });

  it('reads an unknown code as itself by default, or blank for a caller with its own fallback', () => {
    const code = namesOf(district, 'zh-CN', t);
    expect([code.department('x'), code.category('9901'), code.bigClass('99'), code.bigClassOf('9901')]).toEqual(['x', '9901', '99', '99']);
    const blank = namesOf(district, 'zh-CN', t, 'blank');
    expect([blank.department('x'), blank.subdistrict('y'), blank.category('9901'), blank.bigClass('99'), blank.bigClassOf('9901')]).toEqual(['', '', '', '', '']);
    expect(blank.source('patrol')).toBe('[source.patrol]');
    expect(namesOf(null, 'en', t).subdistrict('310104003')).toBe('310104003');
  });
});
