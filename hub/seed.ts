/**
 * First start of a district: its units and cameras enter through the event log like any other
 * change, so every replica gets them by catch-up. Runs once per store.
 */
import { z } from 'zod';
import { LngLatSchema, type Camera, type Unit, UNIT_KINDS } from '../shared/protocol';
import { readResource } from './resources';
import type { HubCore } from './core';

const UnitSeed = z.object({ id: z.string(), name: z.string(), kind: z.enum(UNIT_KINDS), departmentCode: z.string(), subdistrictCode: z.string(), home: LngLatSchema });
const CameraSeed = z.object({ id: z.string(), name: z.string(), kind: z.string(), point: LngLatSchema, subdistrictCode: z.string(), communityCode: z.string(), stream: z.string().nullable().default(null) });

export function seedDistrict(core: HubCore): void {
  const done = core.db.prepare(`SELECT value FROM meta WHERE key = 'seeded'`).get();
  if (done) return;
  const units = z.object({ items: z.array(UnitSeed) }).parse(readResource('district/units.json')).items;
  const cameras = z.object({ items: z.array(CameraSeed) }).parse(readResource('district/cameras.json')).items;
  core.system('district.seed', null, (ctx) => {
    for (const s of units) {
      const u: Unit = { ...s, version: 1, status: 'available', caseId: null, updatedAt: ctx.now };
      ctx.db.prepare('INSERT INTO units (id, version, subdistrict, state) VALUES (?, ?, ?, ?)').run(u.id, 1, u.subdistrictCode, JSON.stringify(u));
      ctx.emit({ type: 'unit.registered', entity: 'unit', id: u.id, subdistrict: u.subdistrictCode, owners: [u.departmentCode], state: u, by: null, commandId: null, detail: {} });
    }
    for (const s of cameras) {
      const c: Camera = { ...s, version: 1, status: 'online', updatedAt: ctx.now };
      ctx.db.prepare('INSERT INTO cameras (id, version, subdistrict, state) VALUES (?, ?, ?, ?)').run(c.id, 1, c.subdistrictCode, JSON.stringify(c));
      ctx.emit({ type: 'camera.registered', entity: 'camera', id: c.id, subdistrict: c.subdistrictCode, owners: [], state: c, by: null, commandId: null, detail: {} });
    }
    ctx.db.prepare(`INSERT INTO meta (key, value) VALUES ('seeded', ?)`).run(String(ctx.now));
    return { before: null, after: { units: units.length, cameras: cameras.length } };
  });
}
