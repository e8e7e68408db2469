/**
 * The entity kinds a change batch carries (ChangeBatchSchema in contract.ts), once: the core's
 * replica changes and coalescer, the session's empty batches and the window's normalizeBatch
 * all go through this list, so a new kind is added here and nowhere is it forgotten.
 */
import type { Camera, Case, Operation, Unit } from '../protocol/entities';
import type { ChangeBatch } from './contract';

export const BATCH_ENTITIES = ['cases', 'units', 'cameras', 'operations'] as const;
export type BatchEntity = (typeof BATCH_ENTITIES)[number];

/** Each kind's entity type. */
export interface BatchEntityTypes {
  cases: Case;
  units: Unit;
  cameras: Camera;
  operations: Operation;
}

/** The entities of a batch, every kind present: the latest state per id, and the ids that left the scope. */
export type BatchEntities = { [K in BatchEntity]: BatchEntityTypes[K][] } & { removed: { [K in BatchEntity]: string[] } };

/** A change batch with every kind present (a batch as the core makes it, without settings or people). */
export type FullChangeBatch = Omit<ChangeBatch, BatchEntity | 'removed' | 'settings' | 'people'> & BatchEntities;

// The list is exactly the batch's entity fields and its removals' (a compile error otherwise).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const listed: Same<BatchEntity, keyof ChangeBatch['removed']> = true;
void listed;

/** No entity changes. */
export function emptyEntities(): BatchEntities {
  const lists = () => Object.fromEntries(BATCH_ENTITIES.map((k) => [k, []])) as Record<BatchEntity, never[]>;
  return { ...lists(), removed: lists() };
}

/** A batch that changes nothing (the session adds settings or `reset` to it). */
export function emptyBatch(): FullChangeBatch {
  return { reset: false, ...emptyEntities(), positions: [], answers: [], connection: null, pending: null };
}

/** Whether any entity changed or left the scope. */
export function hasEntityChanges(c: Pick<BatchEntities, BatchEntity | 'removed'>): boolean {
  return BATCH_ENTITIES.some((k) => c[k].length > 0 || c.removed[k].length > 0);
}
