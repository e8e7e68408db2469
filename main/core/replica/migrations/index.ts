/** The replica's migrations in order; add `0002-….ts` here, never edit a released one. */
import type { Migration } from '../../sqlite';
import { m0001 } from './0001-initial';

export const REPLICA_MIGRATIONS: readonly Migration[] = [m0001];
