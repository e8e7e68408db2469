/** The replica's migrations in order; add the next `NNNN-….ts` here, never edit a released one. */
import type { Migration } from '../../sqlite';
import { m0001 } from './0001-initial';
import { m0002 } from './0002-operations';
import { m0003 } from './0003-position-samples';
import { m0004 } from './0004-people';

export const REPLICA_MIGRATIONS: readonly Migration[] = [m0001, m0002, m0003, m0004];
