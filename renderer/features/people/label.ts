/**
 * How a window names a person of the log: the display name, with the department when the name
 * does not already say it ("区中心值班员", "绿化联络员（区绿化和市容管理局）"). An id the directory
 * does not know keeps the caller's short form (the log is the record: never guessed).
 */
import type { Person } from '../../../shared/protocol/entities';

export type PeopleById = Readonly<Record<string, Person | undefined>>;

export interface PersonLabelNames {
  /** A department's name by code (useNames().department). */
  department(code: string): string;
  /** Name and department together, in the window's language. */
  withDepartment(name: string, department: string): string;
  /** A network's own intake (hub/sources: actor `source:<name>`), named by its source. */
  source?(name: string): string;
}

/** The hub's actor for what a network reported by itself (hub/sources/ingest.ts sourceActor). */
const SOURCE_ACTOR = /^source:([a-z]{1,20})$/;

export function personLabel(id: string, people: PeopleById, names: PersonLabelNames, fallback: (id: string) => string): string {
  const p = people[id];
  if (!p) {
    const source = SOURCE_ACTOR.exec(id)?.[1];
    return source && names.source ? names.source(source) : fallback(id);
  }
  const dept = p.departmentCode ? names.department(p.departmentCode) : '';
  return dept && dept !== p.departmentCode && !p.displayName.includes(dept) ? names.withDepartment(p.displayName, dept) : p.displayName;
}

/** A user id short enough to read across the room: "u-ae617d0f-…" → "ae617d0f". */
export const shortUserId = (id: string) => id.replace(/^u-/, '').slice(0, 8);

/** The operation board's fallback: an unknown id as it is. */
export const asIs = (id: string) => id;
