/** Units and cameras: status changes are commands (logged); unit positions are a stream (not here). */
import type { Actor } from '../../shared/domain/roles';
import { DomainError } from '../../shared/domain/errors';
import type { Camera, CommandPayload, Unit } from '../../shared/protocol';
import type { CommandContext, HandlerResult } from './context';
import { prepared } from '../store/db';
import { saveCamera, saveUnit } from '../store/entities';

const CENTER = ['officer', 'coordinator', 'admin'];

function checkVersion(kind: string, id: string, current: number, expected: number | null): void {
  if (expected !== null && expected !== current) {
    throw Object.assign(new DomainError('conflict', `${kind} ${id} changed: you saw version ${expected}, it is now ${current}`), { currentVersion: current });
  }
}

function inScope(actor: Actor, subdistrict: string): boolean {
  return actor.subdistricts.length === 0 || actor.subdistricts.includes(subdistrict);
}

export function setUnitStatus(ctx: CommandContext, actor: Actor, commandId: string, p: CommandPayload<'unit.setStatus'>, expected: number | null): HandlerResult {
  const row = prepared(ctx.db, 'SELECT state FROM units WHERE id = ?').get(p.unitId) as { state: string } | undefined;
  if (!row) throw new DomainError('not_found', `unit ${p.unitId} does not exist`);
  const before = JSON.parse(row.state) as Unit;
  // A liaison commands its own department's units; the center those of its subdistricts.
  const allowed = actor.role === 'liaison' ? actor.departmentCode === before.departmentCode : CENTER.includes(actor.role);
  if (!allowed) throw new DomainError('forbidden', `role ${actor.role} may not change unit ${before.id}`);
  if (actor.role !== 'liaison' && !inScope(actor, before.subdistrictCode)) throw new DomainError('out_of_scope', `unit ${before.id} is outside your scope`);
  checkVersion('unit', before.id, before.version, expected);
  const u: Unit = { ...before, status: p.status, caseId: p.caseId === undefined ? before.caseId : p.caseId, version: before.version + 1, updatedAt: ctx.now };
  saveUnit(ctx.db, u);
  ctx.emit({ type: 'unit.statusChanged', entity: 'unit', id: u.id, subdistrict: u.subdistrictCode, owners: [u.departmentCode], state: u, by: actor.userId, commandId, detail: { from: before.status, to: u.status } });
  return { entityId: u.id, version: u.version, before, after: u };
}

export function setCameraStatus(ctx: CommandContext, actor: Actor, commandId: string, p: CommandPayload<'camera.setStatus'>, expected: number | null): HandlerResult {
  const row = prepared(ctx.db, 'SELECT state FROM cameras WHERE id = ?').get(p.cameraId) as { state: string } | undefined;
  if (!row) throw new DomainError('not_found', `camera ${p.cameraId} does not exist`);
  const before = JSON.parse(row.state) as Camera;
  if (!CENTER.includes(actor.role)) throw new DomainError('forbidden', `role ${actor.role} may not change a camera's status`);
  if (!inScope(actor, before.subdistrictCode)) throw new DomainError('out_of_scope', `camera ${before.id} is outside your scope`);
  checkVersion('camera', before.id, before.version, expected);
  const c: Camera = { ...before, status: p.status, version: before.version + 1, updatedAt: ctx.now };
  saveCamera(ctx.db, c);
  ctx.emit({ type: 'camera.statusChanged', entity: 'camera', id: c.id, subdistrict: c.subdistrictCode, owners: [], state: c, by: actor.userId, commandId, detail: { from: before.status, to: c.status } });
  return { entityId: c.id, version: c.version, before, after: c };
}
