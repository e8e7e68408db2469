// Every role × every command, against a real hub: the expected answers are written out by hand.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningHub } from '../../hub/server';
import type { Case, CommandResult, Unit, Camera } from '../../shared/protocol';
import type { Role } from '../../shared/domain/roles';
import { pointIn, report, testHub, userClient, XINZHUANG, QIBAO, type Client } from './helpers/hub';

type Who = 'officer' | 'coordinator' | 'admin' | 'liaisonOwner' | 'liaisonOther' | 'wall' | 'supervisor' | 'subIn' | 'subOut';
const WHO: Who[] = ['officer', 'coordinator', 'admin', 'liaisonOwner', 'liaisonOther', 'wall', 'supervisor', 'subIn', 'subOut'];

// Y = applied; anything else = the refusal code expected.
const MATRIX: Record<string, Record<Who, string>> = {
  'case.report':   { officer: 'Y', coordinator: 'Y', admin: 'Y', liaisonOwner: 'Y', liaisonOther: 'Y', wall: 'forbidden', supervisor: 'forbidden', subIn: 'Y', subOut: 'out_of_scope' },
  register:        { officer: 'Y', coordinator: 'Y', admin: 'Y', liaisonOwner: 'forbidden', liaisonOther: 'forbidden', wall: 'forbidden', supervisor: 'forbidden', subIn: 'Y', subOut: 'out_of_scope' },
  reject:          { officer: 'Y', coordinator: 'Y', admin: 'Y', liaisonOwner: 'forbidden', liaisonOther: 'forbidden', wall: 'forbidden', supervisor: 'forbidden', subIn: 'Y', subOut: 'out_of_scope' },
  dispatch:        { officer: 'Y', coordinator: 'Y', admin: 'Y', liaisonOwner: 'forbidden', liaisonOther: 'forbidden', wall: 'forbidden', supervisor: 'forbidden', subIn: 'Y', subOut: 'out_of_scope' },
  accept:          { officer: 'forbidden', coordinator: 'forbidden', admin: 'forbidden', liaisonOwner: 'Y', liaisonOther: 'forbidden', wall: 'forbidden', supervisor: 'forbidden', subIn: 'forbidden', subOut: 'forbidden' },
  return:          { officer: 'forbidden', coordinator: 'forbidden', admin: 'forbidden', liaisonOwner: 'Y', liaisonOther: 'forbidden', wall: 'forbidden', supervisor: 'forbidden', subIn: 'forbidden', subOut: 'forbidden' },
  progress:        { officer: 'forbidden', coordinator: 'forbidden', admin: 'forbidden', liaisonOwner: 'Y', liaisonOther: 'forbidden', wall: 'forbidden', supervisor: 'forbidden', subIn: 'forbidden', subOut: 'forbidden' },
  resolve:         { officer: 'forbidden', coordinator: 'forbidden', admin: 'forbidden', liaisonOwner: 'Y', liaisonOther: 'forbidden', wall: 'forbidden', supervisor: 'forbidden', subIn: 'forbidden', subOut: 'forbidden' },
  verifyPass:      { officer: 'Y', coordinator: 'Y', admin: 'Y', liaisonOwner: 'forbidden', liaisonOther: 'forbidden', wall: 'forbidden', supervisor: 'forbidden', subIn: 'Y', subOut: 'out_of_scope' },
  verifyFail:      { officer: 'Y', coordinator: 'Y', admin: 'Y', liaisonOwner: 'forbidden', liaisonOther: 'forbidden', wall: 'forbidden', supervisor: 'forbidden', subIn: 'Y', subOut: 'out_of_scope' },
  suspend:         { officer: 'Y', coordinator: 'Y', admin: 'Y', liaisonOwner: 'forbidden', liaisonOther: 'forbidden', wall: 'forbidden', supervisor: 'forbidden', subIn: 'Y', subOut: 'out_of_scope' },
  resume:          { officer: 'Y', coordinator: 'Y', admin: 'Y', liaisonOwner: 'forbidden', liaisonOther: 'forbidden', wall: 'forbidden', supervisor: 'forbidden', subIn: 'Y', subOut: 'out_of_scope' },
  comment:         { officer: 'Y', coordinator: 'Y', admin: 'Y', liaisonOwner: 'Y', liaisonOther: 'out_of_scope', wall: 'forbidden', supervisor: 'forbidden', subIn: 'Y', subOut: 'out_of_scope' },
  attach:          { officer: 'Y', coordinator: 'Y', admin: 'Y', liaisonOwner: 'Y', liaisonOther: 'out_of_scope', wall: 'forbidden', supervisor: 'forbidden', subIn: 'Y', subOut: 'out_of_scope' },
  merge:           { officer: 'Y', coordinator: 'Y', admin: 'Y', liaisonOwner: 'forbidden', liaisonOther: 'forbidden', wall: 'forbidden', supervisor: 'forbidden', subIn: 'Y', subOut: 'out_of_scope' },
  'unit.setStatus':   { officer: 'Y', coordinator: 'Y', admin: 'Y', liaisonOwner: 'Y', liaisonOther: 'forbidden', wall: 'forbidden', supervisor: 'forbidden', subIn: 'Y', subOut: 'out_of_scope' },
  'camera.setStatus': { officer: 'Y', coordinator: 'Y', admin: 'Y', liaisonOwner: 'forbidden', liaisonOther: 'forbidden', wall: 'forbidden', supervisor: 'forbidden', subIn: 'Y', subOut: 'out_of_scope' },
};

let hub: RunningHub;
let center: Client;
let owner: Client;
const as: Partial<Record<Who, Client>> = {};
let enforcementUnit: Unit;
let camera: Camera;

beforeAll(async () => {
  hub = await testHub();
  center = await userClient(hub, { username: 'setup-center', displayName: '准备', role: 'officer' });
  owner = await userClient(hub, { username: 'setup-owner', displayName: '准备', role: 'liaison', departmentCode: 'enforcement' });
  enforcementUnit = hub.core.db.prepare(`SELECT state FROM units`).all().map((r) => JSON.parse((r as { state: string }).state) as Unit).find((u) => u.departmentCode === 'enforcement')!;
  camera = JSON.parse((hub.core.db.prepare(`SELECT state FROM cameras WHERE subdistrict = ? LIMIT 1`).get(XINZHUANG) as { state: string }).state) as Camera;
  const make: Record<Who, { role: Role; subdistricts?: string[]; departmentCode?: string }> = {
    officer: { role: 'officer' }, coordinator: { role: 'coordinator' }, admin: { role: 'admin' },
    liaisonOwner: { role: 'liaison', departmentCode: 'enforcement' }, liaisonOther: { role: 'liaison', departmentCode: 'greening' },
    wall: { role: 'wall' }, supervisor: { role: 'supervisor' }, subIn: { role: 'officer', subdistricts: [XINZHUANG] }, subOut: { role: 'officer', subdistricts: [QIBAO] },
  };
  for (const w of WHO) as[w] = await userClient(hub, { username: `m-${w.toLowerCase()}`, displayName: w, ...make[w] });
});

afterAll(async () => {
  [center, owner, ...Object.values(as)].forEach((c) => c?.close());
  await hub.close();
});

async function ok(r: Promise<CommandResult>): Promise<Extract<CommandResult, { ok: true }>> {
  const res = await r;
  if (!res.ok) throw new Error(`setup failed: ${res.error.code} ${res.error.message}`);
  return res;
}

/** A case of 莘庄镇 brought to the status the action starts from. */
async function caseAt(status: 'reported' | 'registered' | 'dispatched' | 'accepted' | 'resolved' | 'suspended'): Promise<string> {
  const { entityId: id } = await ok(center.command('case.report', report(pointIn(hub, XINZHUANG))));
  if (status === 'reported') return id;
  await ok(center.command('case.register', { caseId: id }));
  if (status === 'registered') return id;
  if (status === 'suspended') {
    await ok(center.command('case.suspend', { caseId: id, reason: '延期', extendHours: 4 }));
    return id;
  }
  await ok(center.command('case.dispatch', { caseId: id, departments: ['enforcement'] }));
  if (status === 'dispatched') return id;
  await ok(owner.command('case.accept', { caseId: id }));
  if (status === 'accepted') return id;
  await ok(owner.command('case.resolve', { caseId: id, note: '已处置' }));
  return id;
}

const ATTEMPT: Record<string, () => Promise<[string, unknown]>> = {
  'case.report': async () => ['case.report', report(pointIn(hub, XINZHUANG))],
  register: async () => ['case.register', { caseId: await caseAt('reported') }],
  reject: async () => ['case.reject', { caseId: await caseAt('reported'), reason: '不属实' }],
  dispatch: async () => ['case.dispatch', { caseId: await caseAt('registered'), departments: ['enforcement'] }],
  accept: async () => ['case.accept', { caseId: await caseAt('dispatched') }],
  return: async () => ['case.return', { caseId: await caseAt('dispatched'), reason: '非本部门职责' }],
  progress: async () => ['case.progress', { caseId: await caseAt('accepted'), note: '已到场' }],
  resolve: async () => ['case.resolve', { caseId: await caseAt('accepted'), note: '已清理' }],
  verifyPass: async () => ['case.verify', { caseId: await caseAt('resolved'), passed: true }],
  verifyFail: async () => ['case.verify', { caseId: await caseAt('resolved'), passed: false, note: '现场仍有垃圾' }],
  suspend: async () => ['case.suspend', { caseId: await caseAt('registered'), reason: '需协调', extendHours: 8 }],
  resume: async () => ['case.resume', { caseId: await caseAt('suspended') }],
  comment: async () => ['case.comment', { caseId: await caseAt('dispatched'), text: '请尽快处理' }],
  attach: async () => ['case.attach', { caseId: await caseAt('dispatched'), attachment: { id: `a-${Math.random()}`, name: '现场.jpg', mime: 'image/jpeg', size: 1000 } }],
  merge: async () => ['case.merge', { caseId: await caseAt('reported'), intoCaseId: await caseAt('reported') }],
  'unit.setStatus': async () => ['unit.setStatus', { unitId: enforcementUnit.id, status: Math.random() > 0.5 ? 'busy' : 'available' }],
  'camera.setStatus': async () => ['camera.setStatus', { cameraId: camera.id, status: 'fault' }],
};

describe('role × command matrix', () => {
  for (const [action, row] of Object.entries(MATRIX)) {
    for (const who of WHO) {
      it(`${who} → ${action}: ${row[who]}`, async () => {
        // Units and cameras: the scoped officers are scoped to the unit's own subdistrict or another.
        if (action === 'unit.setStatus' && (who === 'subIn' || who === 'subOut')) {
          const scoped = await userClient(hub, { username: `u-${who.toLowerCase()}-${Date.now()}`, displayName: who, role: 'officer', subdistricts: [who === 'subIn' ? enforcementUnit.subdistrictCode : enforcementUnit.subdistrictCode === QIBAO ? XINZHUANG : QIBAO] });
          const [type, payload] = await ATTEMPT[action]!();
          const r = await scoped.command(type as 'unit.setStatus', payload);
          scoped.close();
          expect(r.ok ? 'Y' : r.error.code).toBe(row[who]);
          return;
        }
        const [type, payload] = await ATTEMPT[action]!();
        const r = await as[who]!.command(type as 'case.report', payload);
        expect(r.ok ? 'Y' : r.error.code).toBe(row[who]);
      });
    }
  }

  it('a sub-center officer sees only their subdistrict in catch-up', async () => {
    await ok(center.command('case.report', report(pointIn(hub, QIBAO))));
    const r = (await as.subIn!.socket.emitWithAck('catchup', { afterSeq: 0, limit: 5000 })) as { ok: true; events: Array<{ entity: string; data: { state: Case } }> };
    const cases = r.events.filter((e) => e.entity === 'case');
    expect(cases.length).toBeGreaterThan(0);
    expect(cases.every((e) => e.data.state.subdistrictCode === XINZHUANG)).toBe(true);
  });
});
