/**
 * The case status machine of ARCHITECTURE §3 (the grid-management closed loop), with who may make
 * each transition. The hub applies it; the UI asks it which actions to offer.
 */
import { DomainError } from './errors';
import { canSee, type Actor, type Role } from './roles';

export const CASE_STATUSES = [
  'reported', 'registered', 'rejected', 'dispatched', 'accepted', 'returned',
  'resolved', 'closed', 'reopened', 'suspended',
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** Statuses from which a case may still move; rejected and closed are final. */
export const OPEN_STATUSES: readonly CaseStatus[] = ['reported', 'registered', 'dispatched', 'accepted', 'returned', 'resolved', 'reopened', 'suspended'];
export const SUSPENDABLE: readonly CaseStatus[] = ['registered', 'dispatched', 'accepted', 'returned', 'reopened'];

export const CASE_ACTIONS = [
  'register', 'reject', 'dispatch', 'accept', 'return', 'progress', 'resolve',
  'close', 'reopen', 'suspend', 'resume', 'comment', 'attach',
] as const;
export type CaseAction = (typeof CASE_ACTIONS)[number];

interface Rule {
  from: readonly CaseStatus[] | 'any';
  /** null: the status does not change (a note on the case). 'previous': back to where it was. */
  to: CaseStatus | null | 'previous';
  roles: readonly Role[];
  /** Only a liaison of one of the case's owner departments may act. */
  ownerOnly?: boolean;
}

const CENTER: readonly Role[] = ['officer', 'coordinator', 'admin'];
const WORKERS: readonly Role[] = ['officer', 'coordinator', 'admin', 'liaison'];

export const TRANSITIONS: Readonly<Record<CaseAction, Rule>> = {
  register: { from: ['reported'], to: 'registered', roles: CENTER },
  reject: { from: ['reported'], to: 'rejected', roles: CENTER },
  dispatch: { from: ['registered', 'returned'], to: 'dispatched', roles: CENTER },
  accept: { from: ['dispatched', 'reopened'], to: 'accepted', roles: ['liaison'], ownerOnly: true },
  return: { from: ['dispatched'], to: 'returned', roles: ['liaison'], ownerOnly: true },
  progress: { from: ['accepted', 'reopened'], to: null, roles: ['liaison'], ownerOnly: true },
  resolve: { from: ['accepted', 'reopened'], to: 'resolved', roles: ['liaison'], ownerOnly: true },
  close: { from: ['resolved'], to: 'closed', roles: CENTER },
  reopen: { from: ['resolved'], to: 'reopened', roles: CENTER },
  suspend: { from: SUSPENDABLE, to: 'suspended', roles: CENTER },
  resume: { from: ['suspended'], to: 'previous', roles: CENTER },
  comment: { from: 'any', to: null, roles: WORKERS },
  attach: { from: 'any', to: null, roles: WORKERS },
};

export interface CaseLike {
  status: CaseStatus;
  previousStatus?: CaseStatus | null | undefined;
  owners: readonly string[];
  subdistrictCode: string;
}

function scopeAllows(actor: Actor, c: CaseLike): boolean {
  return canSee(actor, { entity: 'case', subdistrict: c.subdistrictCode, owners: c.owners });
}

/** Why `actor` may not take `action` on `c`, or null when allowed. */
export function refusal(actor: Actor, action: CaseAction, c: CaseLike): DomainError | null {
  const rule = TRANSITIONS[action];
  if (!rule.roles.includes(actor.role)) {
    return new DomainError('forbidden', `role ${actor.role} may not ${action} a case`);
  }
  if (rule.ownerOnly && actor.role === 'liaison' && !(actor.departmentCode && c.owners.includes(actor.departmentCode))) {
    return new DomainError('forbidden', `department ${actor.departmentCode ?? '(none)'} does not own this case`);
  }
  if (!scopeAllows(actor, c)) {
    return new DomainError('out_of_scope', actor.role === 'liaison' ? 'case is not your department\'s' : `case is in subdistrict ${c.subdistrictCode}, outside your scope`);
  }
  if (rule.from !== 'any' && !rule.from.includes(c.status)) {
    return new DomainError('invalid_transition', `cannot ${action} a case that is ${c.status}`);
  }
  if (rule.from === 'any' && (c.status === 'closed' || c.status === 'rejected') && action === 'attach') {
    return new DomainError('invalid_transition', `cannot attach to a ${c.status} case`);
  }
  return null;
}

/** The status after `action`; throws DomainError when the actor may not take it. */
export function transition(actor: Actor, action: CaseAction, c: CaseLike): CaseStatus {
  const why = refusal(actor, action, c);
  if (why) throw why;
  const to = TRANSITIONS[action].to;
  if (to === null) return c.status;
  if (to === 'previous') {
    if (!c.previousStatus) throw new DomainError('invalid_transition', 'suspended case has no status to resume to');
    return c.previousStatus;
  }
  return to;
}

/** The actions `actor` may take on `c` now: what the UI offers. */
export function availableActions(actor: Actor, c: CaseLike): CaseAction[] {
  return CASE_ACTIONS.filter((a) => refusal(actor, a, c) === null);
}

export function isOpen(status: CaseStatus): boolean {
  return OPEN_STATUSES.includes(status);
}
