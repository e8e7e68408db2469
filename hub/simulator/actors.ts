/**
 * The simulator's people are real users of the hub: a duty officer at the center and a liaison
 * per department, created once without passwords (nobody can log in as them;
 * they act through the same command path as everyone, audited under their own names).
 */
import type { Actor, Role } from '../../shared/domain/roles';
import type { HubCore } from '../core';
import { createWithoutLogin } from '../auth/users';
import type { Department } from './world';

export const OFFICER_USERNAME = 'sim-officer';

export function liaisonUsername(departmentCode: string): string {
  return `sim-${departmentCode.toLowerCase().replace(/[^a-z0-9._-]/g, '-')}`.slice(0, 64);
}

interface Row { id: string; role: Role; subdistricts: string; department: string | null }

function ensureUser(core: HubCore, username: string, displayName: string, role: Role, departmentCode: string | null): Actor {
  let row = core.db.prepare('SELECT id, role, subdistricts, department FROM users WHERE username = ?').get(username) as Row | undefined;
  if (!row) {
    const u = createWithoutLogin(core.db, { username, displayName, role, departmentCode }, core.clock());
    row = { id: u.id, role: u.role, subdistricts: JSON.stringify(u.subdistricts), department: u.departmentCode };
  }
  // Someone may have made this username by hand with another role: acting as it would only
  // produce confusing refusals, so say what is wrong instead.
  if (row.role !== role || (departmentCode !== null && row.department !== departmentCode)) {
    throw new Error(`user ${username} exists as ${row.role}${row.department ? ` of ${row.department}` : ''}; the simulator needs ${role}${departmentCode ? ` of ${departmentCode}` : ''}`);
  }
  return { userId: row.id, role: row.role, subdistricts: JSON.parse(row.subdistricts) as string[], departmentCode: row.department ?? undefined };
}

export interface Cast {
  officer: Actor;
  liaisons: Map<string, Actor>;
  /** Every user id the simulator acts as, to tell its own events from other people's. */
  userIds: Set<string>;
}

export function ensureCast(core: HubCore, departments: Iterable<Department>): Cast {
  const officer = ensureUser(core, OFFICER_USERNAME, '模拟值班员', 'officer', null);
  const liaisons = new Map<string, Actor>();
  for (const d of departments) liaisons.set(d.code, ensureUser(core, liaisonUsername(d.code), `模拟联络员·${d.name}`, 'liaison', d.code));
  return { officer, liaisons, userIds: new Set([officer.userId, ...[...liaisons.values()].map((a) => a.userId)]) };
}
