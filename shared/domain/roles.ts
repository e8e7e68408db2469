/** Roles of ARCHITECTURE §1 (scope: §3). A user is scoped to subdistricts (empty = whole district). */
export const ROLES = ['officer', 'coordinator', 'liaison', 'wall', 'supervisor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface Actor {
  userId: string;
  role: Role;
  /** Subdistrict codes this user sees and acts in; empty means the whole district. */
  subdistricts: readonly string[];
  /** The department a liaison speaks for. */
  departmentCode?: string | undefined;
}

/** Read-only roles never send commands (the hub refuses them anyway). */
export const READ_ONLY_ROLES: readonly Role[] = ['wall', 'supervisor'];

export function inScope(actor: Pick<Actor, 'subdistricts'>, subdistrictCode: string): boolean {
  return actor.subdistricts.length === 0 || actor.subdistricts.includes(subdistrictCode);
}

/**
 * What a user may see. Center roles: their subdistricts (none listed = the whole district).
 * A liaison: their department's cases and units, plus the subdistricts they are given; cameras
 * are for everyone in scope, because a liaison on a case wants the picture too. Operations: see
 * the first line.
 */
export function canSee(actor: Actor, row: { entity?: 'case' | 'unit' | 'camera' | 'operation'; subdistrict: string | null; owners: readonly string[] }): boolean {
  // An emergency operation is the district's: every center and read-only role sees it; a
  // liaison sees those where their department has a task (the operation's owners).
  if (row.entity === 'operation') return actor.role !== 'liaison' || (!!actor.departmentCode && row.owners.includes(actor.departmentCode));
  const inSubdistricts = row.subdistrict !== null && actor.subdistricts.includes(row.subdistrict);
  if (actor.role !== 'liaison') return actor.subdistricts.length === 0 || inSubdistricts;
  if (actor.departmentCode && row.owners.includes(actor.departmentCode)) return true;
  if (row.entity === 'camera' && actor.subdistricts.length === 0) return true;
  return inSubdistricts;
}
