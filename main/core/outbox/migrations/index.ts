/** The outbox's migrations in order; add the next `NNNN-….ts` here, never edit a released one. */
import type { Migration } from '../../sqlite';
import { m0001 } from './0001-initial';

export const OUTBOX_MIGRATIONS: readonly Migration[] = [m0001];
