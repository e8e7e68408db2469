/** The closed loop of ARCHITECTURE §3 as commands on the case aggregate. */
import type { Actor } from '../../shared/domain/roles';
import { DomainError } from '../../shared/domain/errors';
import { transition, type CaseAction } from '../../shared/domain/lifecycle';
import type { Case, CommandPayload, ReportPayload } from '../../shared/protocol';
import type { CommandContext, HandlerResult } from './context';
import { prepared } from '../store/db';
import { nextDailyNumber, saveCase } from '../store/entities';
import { parseKept } from '../store/json';

type CaseCommand = Exclude<import('../../shared/protocol').CommandType, 'unit.setStatus' | 'camera.setStatus'>;

export function loadCase(ctx: CommandContext, id: string): Case {
  const row = prepared(ctx.db, 'SELECT state FROM cases WHERE id = ?').get(id) as { state: string } | undefined;
  if (!row) throw new DomainError('not_found', `case ${id} does not exist`);
  return parseKept<Case>(row.state);
}

/**
 * Saves the case and emits its event. When the owners change, the departments that lost the
 * case still receive this event (`formerOwners`), so their replicas learn it left them.
 */
export function emitCase(ctx: CommandContext, type: string, c: Case, by: string | null, commandId: string | null, detail: Record<string, unknown>, before?: Case): void {
  saveCase(ctx.db, c);
  const former = before ? before.owners.filter((o) => !c.owners.includes(o)) : [];
  if (former.length) detail.formerOwners = former;
  ctx.emit({ type, entity: 'case', id: c.id, subdistrict: c.subdistrictCode, owners: [...c.owners, ...former], state: c, by, commandId, detail });
}

/** Case numbers read like the hotline's: district prefix, date (UTC+8), daily counter. */
function nextCaseId(ctx: CommandContext): string {
  const day = new Date(ctx.now + 8 * 3600_000).toISOString().slice(0, 10).replaceAll('-', '');
  const n = nextDailyNumber(ctx.db, 'cases', `MH${day}`);
  return `MH${day}${String(n).padStart(5, '0')}`;
}

export function reportCase(ctx: CommandContext, actor: Actor, commandId: string, p: ReportPayload): HandlerResult {
  const { owner } = ctx.rules.checkCategory(p.categoryCode, p.urgency);
  const region = ctx.rules.locate(p.point);
  if (actor.subdistricts.length > 0 && !actor.subdistricts.includes(region.subdistrictCode)) {
    throw new DomainError('out_of_scope', `the point lies in subdistrict ${region.subdistrictCode}, outside your scope`);
  }
  if (p.externalRef) {
    const dup = prepared(ctx.db, 'SELECT id FROM cases WHERE external_ref = ?').get(p.externalRef) as { id: string } | undefined;
    if (dup) throw new DomainError('conflict', `external reference ${p.externalRef} is already case ${dup.id}`);
  }
  const reportedAt = Math.min(p.reportedAt ?? ctx.now, ctx.now);
  const c: Case = {
    id: nextCaseId(ctx), version: 1, status: 'reported', previousStatus: null,
    source: p.source, externalRef: p.externalRef ?? null, categoryCode: p.categoryCode, urgency: p.urgency,
    point: p.point, address: p.address, subdistrictCode: region.subdistrictCode, communityCode: region.communityCode,
    reporter: p.reporter ?? null, description: p.description, attachments: p.attachments,
    owners: [], reportedAt, registeredAt: null, dispatchedAt: null, acceptedAt: null, resolvedAt: null, closedAt: null,
    dispatchDue: ctx.rules.dispatchDue(p.categoryCode, p.urgency, reportedAt), handlingDue: null,
    dueSoonAt: null, overdueAt: null, mergedInto: null, updatedAt: ctx.now,
  };
  emitCase(ctx, 'case.reported', c, actor.userId, commandId, { suggestedOwner: owner });
  return { entityId: c.id, version: 1, before: null, after: c };
}

const EVENT_OF: Record<CaseAction | 'merge', string> = {
  register: 'case.registered', reject: 'case.rejected', dispatch: 'case.dispatched', accept: 'case.accepted',
  return: 'case.returned', progress: 'case.progressed', resolve: 'case.resolved', close: 'case.closed',
  reopen: 'case.reopened', suspend: 'case.suspended', resume: 'case.resumed', comment: 'case.commented',
  attach: 'case.attached', merge: 'case.merged',
};

/** Applies a transition command to an existing case. */
export function actOnCase<T extends CaseCommand>(
  ctx: CommandContext, actor: Actor, commandId: string, type: T, p: CommandPayload<T> & { caseId: string }, expectedVersion: number | null,
): HandlerResult {
  const before = loadCase(ctx, p.caseId);
  if (expectedVersion !== null && expectedVersion !== before.version) {
    throw Object.assign(new DomainError('conflict', `case ${before.id} changed: you saw version ${expectedVersion}, it is now ${before.version}`), { currentVersion: before.version });
  }
  const c: Case = { ...before, version: before.version + 1, updatedAt: ctx.now };
  const detail: Record<string, unknown> = {};
  const at = ctx.now;
  let action: CaseAction | 'merge';
  switch (type) {
    case 'case.verify': {
      const v = p as CommandPayload<'case.verify'>;
      action = v.passed ? 'close' : 'reopen';
      break;
    }
    case 'case.merge': action = 'merge'; break;
    default: action = type.slice('case.'.length) as CaseAction;
  }
  if (action === 'merge') {
    const m = p as CommandPayload<'case.merge'>;
    // A duplicate is rejected into the case it repeats; both must be visible to the actor.
    c.status = transition(actor, 'reject', before);
    const target = loadCase(ctx, m.intoCaseId);
    if (target.id === c.id || target.mergedInto) throw new DomainError('invalid_input', 'cannot merge into itself or into a merged case');
    if (actor.subdistricts.length && !actor.subdistricts.includes(target.subdistrictCode)) throw new DomainError('out_of_scope', 'target case is outside your scope');
    c.mergedInto = target.id;
    detail.intoCaseId = target.id;
  } else {
    c.status = transition(actor, action, before);
  }
  switch (type) {
    case 'case.register': c.registeredAt = at; break;
    case 'case.reject': detail.reason = (p as CommandPayload<'case.reject'>).reason; break;
    case 'case.dispatch': {
      const d = p as CommandPayload<'case.dispatch'>;
      const unknown = d.departments.filter((x) => !ctx.rules.isDepartment(x));
      if (unknown.length) throw new DomainError('unknown_department', `unknown department(s): ${unknown.join(', ')}`);
      c.owners = [...new Set(d.departments)];
      c.dispatchedAt = at;
      c.handlingDue = d.handlingHours ? at + d.handlingHours * 3600_000 : ctx.rules.handlingDue(c.categoryCode, c.urgency, at);
      c.dueSoonAt = null;
      c.overdueAt = null;
      detail.departments = c.owners;
      detail.handlingDue = c.handlingDue;
      break;
    }
    case 'case.accept': c.acceptedAt = at; break;
    case 'case.return': {
      detail.reason = (p as CommandPayload<'case.return'>).reason;
      detail.department = actor.departmentCode;
      // Not ours: the center re-dispatches, against a fresh dispatch deadline.
      c.owners = [];
      c.handlingDue = null;
      c.dispatchDue = ctx.rules.dispatchDue(c.categoryCode, c.urgency, at);
      c.dueSoonAt = null;
      c.overdueAt = null;
      break;
    }
    case 'case.resolve': c.resolvedAt = at; break;
    case 'case.verify': {
      const v = p as CommandPayload<'case.verify'>;
      detail.passed = v.passed;
      if (v.passed) c.closedAt = at;
      else c.resolvedAt = null;
      break;
    }
    case 'case.suspend': {
      const s = p as CommandPayload<'case.suspend'>;
      c.previousStatus = before.status;
      detail.reason = s.reason;
      detail.extendHours = s.extendHours;
      if (c.handlingDue !== null) c.handlingDue = ctx.rules.extend(c.categoryCode, c.urgency, c.handlingDue, s.extendHours);
      else if (c.dispatchDue !== null) c.dispatchDue = ctx.rules.extend(c.categoryCode, c.urgency, c.dispatchDue, s.extendHours);
      c.dueSoonAt = null;
      c.overdueAt = null;
      break;
    }
    case 'case.resume': c.previousStatus = null; break;
    case 'case.comment': detail.text = (p as CommandPayload<'case.comment'>).text; break;
    case 'case.attach': {
      const a = (p as CommandPayload<'case.attach'>).attachment;
      if (c.attachments.some((x) => x.id === a.id)) throw new DomainError('invalid_input', `attachment ${a.id} already on the case`);
      c.attachments = [...c.attachments, a];
      detail.attachment = a;
      break;
    }
    default: break;
  }
  if ('note' in p && typeof p.note === 'string') detail.note = p.note;
  emitCase(ctx, EVENT_OF[action], c, actor.userId, commandId, detail, before);
  return { entityId: c.id, version: c.version, before, after: c };
}
