/**
 * The typhoon scenario: the meteorological bureau's warning arrives as a CAP alert through the
 * hub's CAP source pipeline, then a surge of ponding and fallen-tree reports concentrated in the
 * low-lying towns along the Huangpu, and a call for an emergency operation once it is clearly
 * more than routine work.
 */
import { randomUUID } from 'node:crypto';
import type { HubCore } from '../core';
import { createWithoutLogin } from '../auth/users';
import { decideCap, readCap } from '../sources/cap';
import { caseByExternalRef, emptyResult, externalRefOf, ingest } from '../sources/ingest';
import type { Actor } from '../../shared/domain/roles';
import type { ResponseLevel } from '../../shared/domain/operations';
import type { Case, CommandPayload, CommandResult, Source } from '../../shared/protocol';
import type { Rng } from './random';
import { stamp } from './reports';
import type { World } from './world';

/** Surge reports per hour, by hours since the warning: rising bands, the landfall plateau, the tail. */
export function surgeRate(hoursIn: number): number {
  if (hoursIn < 0.5 || hoursIn > 16) return 0;
  if (hoursIn < 4) return 80 * ((hoursIn - 0.5) / 3.5);
  if (hoursIn < 9) return 80;
  return 80 * (1 - (hoursIn - 9) / 7);
}

/** Background reports fall during the storm: people stay in, patrols are redeployed. */
export const BACKGROUND_FACTOR = 0.6;

/** What the storm produces (local emergency classes 90xxx when the catalog has them). */
export const SURGE_CATEGORIES: Readonly<Record<string, number>> = {
  '90001': 5, // 道路积水
  '90006': 4, // 树木倒伏
  '10002': 1.5, // 架空线缆脱落
  '06043': 1.5, // 遮阳篷（棚、伞）破损
  '90013': 1, // 防汛防台险情
  '90009': 0.5, // 房屋倒塌、险情
  '90002': 0.3, // 路面塌陷
  '90008': 0.3, // 大面积停电
};

/** Classes that mean water: these concentrate in the low-lying towns. */
export const FLOOD_CODES = new Set(['90001', '90013', '90002']);

export const SURGE_SOURCES: ReadonlyArray<{ source: Source; share: number }> = [
  { source: 'hotline', share: 50 }, { source: 'patrol', share: 25 }, { source: 'video', share: 20 }, { source: 'police', share: 5 },
];

/** Surge cases after which the center should open an emergency operation (预案启动). */
export const OPERATION_THRESHOLD = 15;

/**
 * A GB/T 35965.1-style identifier: 6-digit region, 3-digit industry, 3-digit unit, 2-digit
 * extension, Beijing time, serial. 310112 is Minhang; the rest names the district's
 * meteorological office in our synthetic numbering.
 */
export function capIdentifier(t: number, serial: number): string {
  return `31011200100100_${stamp(t)}_${serial}`;
}

/** The warning as the meteorological office publishes it (CAP 1.2, zh-CN). */
export function typhoonAlertXml(t: number, serial: number, world: World): string {
  const [x0, y0, x1, y1] = world.regions.bbox;
  const ring = [[y1, x0], [y1, x1], [y0, x1], [y0, x0], [y1, x0]].map(([la, lo]) => `${la!.toFixed(4)},${lo!.toFixed(4)}`).join(' ');
  const sent = new Date(t + 8 * 3600_000).toISOString().slice(0, 19) + '+08:00';
  return `<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>${capIdentifier(t, serial)}</identifier>
  <sender>minhang.weather.sh.cn</sender>
  <sent>${sent}</sent>
  <status>Actual</status>
  <msgType>Alert</msgType>
  <scope>Public</scope>
  <info>
    <language>zh-CN</language>
    <category>Met</category>
    <event>台风</event>
    <urgency>Expected</urgency>
    <severity>Severe</severity>
    <certainty>Likely</certainty>
    <senderName>闵行区气象局</senderName>
    <headline>闵行区气象局发布台风橙色预警</headline>
    <description>受台风影响，预计未来12小时内本区将出现10级以上大风和大暴雨，黄浦江沿线低洼地区易发生积水。</description>
    <instruction>做好防台防汛准备，加固户外设施，低洼地区做好排水和人员转移准备。</instruction>
    <area>
      <areaDesc>闵行区全境</areaDesc>
      <polygon>${ring}</polygon>
    </area>
  </info>
</alert>`;
}

/**
 * Feeds the alert through the same steps as the hub's CAP endpoint (read, decide, ingest as
 * the `cap` source). Ingest applies its first record before it yields, so the case exists when
 * this returns (the simulator's sequence must not depend on the event loop); `outcome` says
 * later why there was none.
 */
export function postCapAlert(core: HubCore, world: World, xml: string): { caseId: string | null; outcome: Promise<string> } {
  const read = readCap(xml);
  if (!read.ok) return { caseId: null, outcome: Promise.resolve(read.message) };
  const externalRef = externalRefOf('cap', read.alert.identifier);
  const draft = decideCap(read.alert, (id) => caseByExternalRef(core, externalRefOf('cap', id)), (p) => world.inside(p));
  const done = ingest(core, 'cap', [{ line: 1, draft: () => draft }], emptyResult(true));
  const outcome = done.then((out) => (out.accepted[0] || out.duplicates[0]
    ? 'case'
    : out.rejected[0]?.message ?? out.skipped[0]?.reason ?? out.advisories?.[0]?.reason ?? 'no case'));
  return { caseId: caseByExternalRef(core, externalRef), outcome };
}

export function pickSurgeCategory(rng: Rng, world: World): string | null {
  const codes = Object.keys(SURGE_CATEGORIES).filter((c) => world.categories.has(c));
  return codes.length ? rng.weighted(codes, (c) => SURGE_CATEGORIES[c]!) : null;
}

// ── The emergency operation ──────────────────────────────────────────────────────────────

/** The plan the storm calls for (resources/plans/plans.json). */
export const TYPHOON_PLAN = 'typhoon-flood';
export const COORDINATOR_USERNAME = 'sim-coordinator';

/**
 * Ⅲ (较大, yellow) while the meteorological warning is in force — the CAP case is among the
 * storm's cases — or once the storm has twice the threshold of cases; Ⅳ (一般, blue) otherwise.
 */
export function typhoonLevel(cases: readonly Case[]): Extract<ResponseLevel, 3 | 4> {
  return cases.some((c) => c.source === 'cap') || cases.length >= 2 * OPERATION_THRESHOLD ? 3 : 4;
}

/** The simulator's coordinator: a real user without a password (nobody logs in as it), made once. */
export function ensureCoordinator(core: HubCore): Actor {
  let row = core.db.prepare('SELECT id, role, subdistricts FROM users WHERE username = ?').get(COORDINATOR_USERNAME) as { id: string; role: string; subdistricts: string } | undefined;
  if (!row) {
    const u = createWithoutLogin(core.db, { username: COORDINATOR_USERNAME, displayName: '模拟指挥长', role: 'coordinator' }, core.clock());
    row = { id: u.id, role: u.role, subdistricts: '[]' };
  }
  if (row.role !== 'coordinator') throw new Error(`user ${COORDINATOR_USERNAME} exists as ${row.role}; the simulator needs a coordinator`);
  return { userId: row.id, role: 'coordinator', subdistricts: JSON.parse(row.subdistricts) as string[] };
}

/**
 * What the typhoon's `onOperationNeeded` does: the coordinator activates the typhoon plan for
 * the storm's cases through the hub's command path (audited, evented, applied once).
 */
export function activateTyphoonOperation(core: HubCore, cases: readonly Case[], opts: { actor?: Actor; level?: ResponseLevel } = {}): CommandResult {
  const actor = opts.actor ?? ensureCoordinator(core);
  const live = cases.filter((c) => c.status !== 'rejected' && c.mergedInto === null);
  const level = opts.level ?? typhoonLevel(live);
  const payload: CommandPayload<'operation.activate'> = {
    planId: TYPHOON_PLAN, level, caseIds: live.map((c) => c.id),
    note: `台风影响，已有${live.length}起相关案件（模拟）`,
  };
  return core.applyNow(actor, { commandId: randomUUID(), type: 'operation.activate', payload, expectedVersion: null });
}
