/**
 * First start of a district: its units and cameras enter through the event log like any other
 * change, so every replica gets them by catch-up. Runs once per store: on a cluster every node
 * asks, and the first to commit seeds (the others find the units there).
 */
import { z } from 'zod';
import { LngLatSchema, type Camera, type Unit, UNIT_KINDS } from '../shared/protocol';
import { readResource } from './resources';
import { prepared } from './store/db';
import { saveCamera, saveUnit } from './store/entities';
import type { HubCore } from './core';
import type { CommandContext } from './commands/context';

const UnitSeed = z.object({ id: z.string(), name: z.string(), kind: z.enum(UNIT_KINDS), departmentCode: z.string(), subdistrictCode: z.string(), home: LngLatSchema });
const CameraSeed = z.object({ id: z.string(), name: z.string(), kind: z.string(), point: LngLatSchema, subdistrictCode: z.string(), communityCode: z.string(), stream: z.string().nullable().default(null) });

type Change = { before: unknown; after: unknown } | null;

/** What seeding does inside its commit; null when the units are there already. */
function seeding(core: HubCore): ((ctx: CommandContext) => Change) | null {
  const seeded = () => prepared(core.db, 'SELECT 1 FROM units LIMIT 1').get() !== undefined;
  if (seeded()) return null;
  const units = z.object({ items: z.array(UnitSeed) }).parse(readResource('district/units.json')).items;
  const cameras = z.object({ items: z.array(CameraSeed) }).parse(readResource('district/cameras.json')).items;
  return (ctx) => {
    // Asked again inside the commit: another node may have seeded since.
    if (seeded()) return null;
    for (const s of units) {
      const u: Unit = { ...s, version: 1, status: 'available', caseId: null, updatedAt: ctx.now };
      saveUnit(ctx.db, u);
      ctx.emit({ type: 'unit.registered', entity: 'unit', id: u.id, subdistrict: u.subdistrictCode, owners: [u.departmentCode], state: u, by: null, commandId: null, detail: {} });
    }
    for (const s of cameras) {
      const c: Camera = { ...s, version: 1, status: 'online', updatedAt: ctx.now };
      saveCamera(ctx.db, c);
      ctx.emit({ type: 'camera.registered', entity: 'camera', id: c.id, subdistrict: c.subdistrictCode, owners: [], state: c, by: null, commandId: null, detail: {} });
    }
    return { before: null, after: { units: units.length, cameras: cameras.length } };
  };
}

export async function seedDistrict(core: HubCore): Promise<void> {
  const body = seeding(core);
  if (body) await core.system('district.seed', null, body);
}

/** The same, in the embedded store's own transaction (a generated history). */
export function seedDistrictNow(core: HubCore): void {
  const body = seeding(core);
  if (body) core.systemNow('district.seed', null, body);
}
