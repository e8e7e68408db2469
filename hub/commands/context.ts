/** What a command handler needs: the store's statements, the clock and the district's rules. */
import type { Db } from '../store/db';
import type { NewEvent } from '../events/log';
import type { Urgency, LngLat } from '../../shared/protocol';

/** The district's rules as the hub uses them (adapted from shared/domain in hub/rules.ts). */
export interface Rules {
  locate(point: LngLat): { subdistrictCode: string; communityCode: string };
  /** Throws unknown_category / unknown_urgency. */
  checkCategory(categoryCode: string, urgency: Urgency): { owner: string };
  dispatchDue(categoryCode: string, urgency: Urgency, reportedAt: number): number;
  handlingDue(categoryCode: string, urgency: Urgency, dispatchedAt: number): number;
  /** Adds hours on the calendar the category's handling stage uses (for extensions). */
  extend(categoryCode: string, urgency: Urgency, from: number, hours: number): number;
  isDepartment(code: string): boolean;
}

export interface CommandContext {
  db: Db;
  now: number;
  rules: Rules;
  /** Events the command produces, appended in its transaction. */
  emit(e: NewEvent): void;
}

/** What a handler returns: the entity it acted on, its version now, and the audit before/after. */
export interface HandlerResult {
  entityId: string;
  version: number;
  before: unknown;
  after: unknown;
}
