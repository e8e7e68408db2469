/**
 * The owning bodies a case can be dispatched to (ARCHITECTURE §3): the district's departments and
 * utilities, then one city-operations sub-center (城运分中心) per subdistrict.
 */
import type { SubdistrictFeature } from '../../shared/domain/regions';

export interface Department {
  code: string;
  name: string;
  nameEn: string;
  kind: 'department' | 'subcenter';
  subdistrictCode?: string;
}

const DISTRICT_DEPARTMENTS: Array<[code: string, name: string, nameEn: string]> = [
  ['police', '区公安分局', 'Minhang Public Security Sub-bureau'],
  ['enforcement', '区城管执法局', 'Minhang City Management Law Enforcement Bureau'],
  ['market', '区市场监管局', 'Minhang Market Supervision Administration'],
  ['housing', '区房屋管理局', 'Minhang Housing Administration Bureau'],
  ['greening', '区绿化和市容管理局', 'Minhang Greening and City Appearance Bureau'],
  ['water', '区水务局', 'Minhang Water Affairs Bureau'],
  ['transport', '区交通委', 'Minhang Transport Commission'],
  ['environment', '区生态环境局', 'Minhang Ecology and Environment Bureau'],
  ['emergency', '区应急管理局', 'Minhang Emergency Management Bureau'],
  ['fire', '区消防救援支队', 'Minhang Fire and Rescue Detachment'],
  ['power', '国网闵行供电公司', 'State Grid Minhang Power Supply Company'],
  ['gas', '闵行燃气公司', 'Minhang Gas Company'],
  ['construction', '区建设和管理委员会', 'Minhang Construction and Management Commission'],
  ['health', '区卫生健康委', 'Minhang Health Commission'],
  ['civil', '区民政局', 'Minhang Civil Affairs Bureau'],
  ['hotline', '区12345热线工作机构', 'Minhang 12345 Hotline Office'],
];

export const subcenterCode = (subdistrictCode: string): string => `sub-${subdistrictCode}`;

export function departmentsOf(subdistricts: SubdistrictFeature[]): Department[] {
  return [
    ...DISTRICT_DEPARTMENTS.map(([code, name, nameEn]): Department => ({ code, name, nameEn, kind: 'department' })),
    ...subdistricts.map(
      ({ properties: p }): Department => ({
        code: subcenterCode(p.code),
        name: `${p.name}城运分中心`,
        nameEn: `${p.nameEn} Operations Sub-center`,
        kind: 'subcenter',
        subdistrictCode: p.code,
      }),
    ),
  ];
}
