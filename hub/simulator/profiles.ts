/**
 * What a day in Minhang's linkage center looks like, as data: when reports come in, from which
 * network, about what, where, and how each department tends to respond. Figures are our own
 * plausible defaults (ARCHITECTURE §3.1 gives the process, not volumes); road names are real roads
 * of each subdistrict, used only to make addresses read naturally.
 */
import type { Source } from '../../shared/protocol';

/** Relative report rate by hour of day (Beijing time): quiet at night, peaks 9–11 and 14–17. */
export const HOURLY_RATE = [
  0.25, 0.15, 0.1, 0.1, 0.12, 0.25, 0.5, 0.9, 1.4, 1.9, 2.0, 1.7,
  1.1, 1.3, 1.7, 1.9, 1.8, 1.4, 1.0, 0.9, 0.8, 0.6, 0.45, 0.3,
];

/** Reports a day across the district at the default volume. */
export const DEFAULT_CASES_PER_DAY = 900;

/** The networks reports come from and their shares (hotline ~45%, patrol ~30%, video ~15%…). */
export const SOURCE_SHARES: ReadonlyArray<{ source: Source; share: number; nightFactor: number }> = [
  { source: 'hotline', share: 45, nightFactor: 1 },
  // Grid supervisors patrol by day; at night only a few teams are out.
  { source: 'patrol', share: 30, nightFactor: 0.15 },
  { source: 'video', share: 15, nightFactor: 1.2 },
  { source: 'police', share: 5, nightFactor: 1.5 },
  { source: 'enforcement', share: 5, nightFactor: 0.3 },
];

/**
 * Category weights per source: what each network mostly reports. Codes missing from the
 * catalog are ignored; every other class of 06–09 keeps a small background weight for patrols.
 */
export const CATEGORY_WEIGHTS: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  hotline: {
    '08001': 4, '06028': 3, '09009': 3, '94004': 3, '91001': 2, '09006': 2, '06010': 2, '06027': 2,
    '94003': 1.5, '06001': 1.5, '94001': 1, '06013': 1, '06042': 1, '09012': 1, '09010': 1, '94005': 0.5,
  },
  patrol: {
    '06010': 5, '09006': 4, '09005': 4, '07001': 4, '06036': 3, '09010': 3, '09011': 3, '06012': 2,
    '08002': 2, '06042': 2, '09001': 2, '06007': 1.5, '06013': 1.5, '06051': 1, '06001': 1, '06041': 1,
  },
  video: {
    '09009': 4, '09006': 4, '06010': 3, '09005': 3, '09010': 3, '08011': 1, '06020': 0.5, '09003': 0.5,
    '93005': 0.3, '90001': 0.3,
  },
  police: { '93001': 2, '06028': 2, '90010': 2, '09009': 2, '93003': 1, '93004': 1, '09012': 1, '93005': 0.5 },
  enforcement: { '06001': 3, '09006': 3, '09001': 2, '08016': 1, '07003': 1, '08011': 1, '06029': 1, '06040': 1 },
};
export const PATROL_BACKGROUND_WEIGHT = 0.12;

/** Report density per community, by subdistrict: the older urban streets and towns report most. */
export const URBAN_WEIGHT: Readonly<Record<string, number>> = {
  古美: 1.6, 莘庄镇: 1.5, 七宝: 1.5, 虹桥: 1.5, 梅陇: 1.4, 江川路: 1.3, 新虹: 1.2, 浦锦: 1.1,
  颛桥: 1.1, 浦江: 1.0, 华漕: 0.9, 吴泾: 0.9, 马桥: 0.7, 莘庄工业区: 0.6,
};

/** Where water stands in a typhoon: along the Huangpu and the lower river towns. */
export const LOW_LYING_WEIGHT: Readonly<Record<string, number>> = {
  浦江: 3, 吴泾: 2.5, 江川路: 2.5, 马桥: 2, 浦锦: 2, 华漕: 1.5, 颛桥: 1.2,
};

/** Weight by the first key contained in a subdistrict's name (keys are short names, e.g. 古美). */
export function nameWeight(table: Readonly<Record<string, number>>, name: string, fallback: number): number {
  // 莘庄工业区 also contains 莘庄: try longer keys first.
  const keys = Object.keys(table).sort((a, b) => b.length - a.length);
  const key = keys.find((k) => name.includes(k));
  return key ? table[key]! : fallback;
}

export const ROADS: Readonly<Record<string, readonly string[]>> = {
  江川路: ['江川路', '沧源路', '华宁路', '鹤庆路', '东川路', '永德路', '剑川路'],
  古美: ['古美路', '平阳路', '平吉路', '古龙路', '万源路', '顾戴路', '龙茗路'],
  新虹: ['申长路', '甬虹路', '申虹路', '润虹路', '北翟路'],
  浦锦: ['浦锦路', '浦星公路', '江月路', '浦申路', '联航路'],
  莘庄工业区: ['申富路', '春东路', '金都路', '光华路', '华宁路'],
  莘庄镇: ['莘松路', '沪闵路', '莘建路', '莘东路', '都市路', '春申路', '水清路', '报春路'],
  七宝: ['七莘路', '漕宝路', '新镇路', '富强街', '吴宝路', '沪星路', '中春路'],
  颛桥: ['颛兴路', '都市路', '光华路', '沪闵路', '银都路', '北松公路', '中沟路'],
  华漕: ['华翔路', '纪翟路', '北翟路', '金丰路', '诸光路'],
  虹桥: ['虹梅路', '吴中路', '虹井路', '虹许路', '红松路', '虹泉路'],
  梅陇: ['莲花南路', '虹梅南路', '朱梅路', '春申路', '景联路', '罗锦路'],
  吴泾: ['龙吴路', '剑川路', '永德路', '虹梅南路', '通海路'],
  马桥: ['元江路', '北松公路', '沪闵路', '昆阳路', '俞塘路'],
  浦江: ['浦星公路', '陈行公路', '沈杜公路', '三鲁公路', '召楼路'],
};
export const FALLBACK_ROADS = ['沪闵路', '莘松路', '七莘路', '顾戴路', '春申路'];

const ROAD_KEYS = Object.keys(ROADS).sort((a, b) => b.length - a.length);

export function roadsOf(subdistrictName: string): readonly string[] {
  const key = ROAD_KEYS.find((k) => subdistrictName.includes(k));
  return key ? ROADS[key]! : FALLBACK_ROADS;
}

export interface DepartmentProfile {
  /** Median handling time as a share of the catalog's handling limit. */
  resolveShare: number;
  /** Chance of finishing after the deadline (some departments habitually run late). */
  lateChance: number;
  /** On duty round the clock, not only in office hours. */
  roundTheClock: boolean;
  resolveNotes: readonly string[];
}

const GENERIC_NOTES = ['已处置完毕，现场已恢复', '已落实整改，经复查符合要求'];

export const DEPARTMENTS: Readonly<Record<string, Partial<DepartmentProfile>>> = {
  police: { resolveShare: 0.25, lateChance: 0.03, roundTheClock: true, resolveNotes: ['民警已到场处置，现场秩序恢复', '车辆已驶离，已对当事人进行教育'] },
  fire: { resolveShare: 0.2, lateChance: 0.02, roundTheClock: true, resolveNotes: ['消防通道已清理畅通', '险情已排除'] },
  emergency: { resolveShare: 0.3, lateChance: 0.05, roundTheClock: true },
  power: { resolveShare: 0.4, lateChance: 0.08, roundTheClock: true, resolveNotes: ['线缆已重新架设固定，供电恢复'] },
  gas: { resolveShare: 0.3, lateChance: 0.04, roundTheClock: true },
  water: { resolveShare: 0.45, lateChance: 0.08, roundTheClock: true, resolveNotes: ['积水已排除，道路恢复通行', '管道已抢修完毕'] },
  enforcement: { resolveShare: 0.5, lateChance: 0.12, resolveNotes: ['已责令当事人整改，现场已恢复', '已依法立案查处，违法行为已停止', '摊点已取缔，现场已清理'] },
  greening: { resolveShare: 0.4, lateChance: 0.06, resolveNotes: ['垃圾已清运，现场已保洁', '倒伏树木已清理扶正', '绿地已清理'] },
  construction: { resolveShare: 0.6, lateChance: 0.2, resolveNotes: ['路面已修复', '施工单位已整改，围挡已规范设置'] },
  housing: { resolveShare: 0.6, lateChance: 0.18, resolveNotes: ['已约谈业主，群租已整改'] },
  market: { resolveShare: 0.5, lateChance: 0.1, resolveNotes: ['已责令经营者整改', '已现场检查并依法处理'] },
  transport: { resolveShare: 0.5, lateChance: 0.1, resolveNotes: ['已通知运营企业清理调度，现场已恢复'] },
  environment: { resolveShare: 0.55, lateChance: 0.12, resolveNotes: ['已现场监测并责令整改', '已督促安装油烟净化设施'] },
  hotline: { resolveShare: 0.5, lateChance: 0.05, resolveNotes: ['已电话答复诉求人，诉求人表示认可'] },
};

export function departmentProfile(code: string): DepartmentProfile {
  const p = DEPARTMENTS[code] ?? {};
  return {
    resolveShare: p.resolveShare ?? 0.5,
    lateChance: p.lateChance ?? 0.1,
    roundTheClock: p.roundTheClock ?? false,
    resolveNotes: p.resolveNotes ?? GENERIC_NOTES,
  };
}

/** How the center's and the departments' decisions usually fall. */
export const CHANCES = {
  /** Reports that repeat an open case (several callers, one event): merged by the center. */
  duplicate: 0.04,
  /** Reports that fail the registration condition. */
  invalid: 0.03,
  /** A department returns a dispatch as not its remit ("非本部门职责"). */
  returned: 0.05,
  /** The center approves an extension (延期) on a long case. */
  extension: 0.03,
  /** Verification passes; the rest are reopened for rework. */
  verifyPass: 0.9,
  /** The center is slow to dispatch (past the 30-minute limit). */
  slowCenter: 0.05,
};

export const REJECT_REASONS = ['经核实，现场未发现所述问题', '信息不全，无法核实', '不属于城市综合管理受理范围'];
export const RETURN_REASONS = ['非本部门职责，建议由属地街镇处置', '非本部门职责，该处属物业管理区域'];
export const REOPEN_NOTES = ['复核发现问题未彻底解决，请继续处置', '现场复核未通过：仍有残留'];
export const PROGRESS_NOTES = ['已到达现场，正在处置', '已联系当事人，限期整改', '已安排人员处置'];
export const EXTENSION_REASONS = ['需协调多个部门联合处置，申请延期', '需等待审批手续，申请延期'];

/** Who the reporter is, by network. */
export const REPORTERS: Readonly<Record<string, readonly string[]>> = {
  hotline: ['12345市民热线 王先生', '12345市民热线 李女士', '12345市民热线 张先生', '12345市民热线 陈女士', '12345市民热线 匿名'],
  police: ['110联动 区公安分局指挥中心'],
  enforcement: ['城管执法队员巡查发现'],
};
