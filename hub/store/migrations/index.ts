import type { Migration } from '../migrate';
import { m0001 } from './0001-initial';
import { m0002 } from './0002-operations';
import { m0003 } from './0003-case-facts';
import { m0004 } from './0004-history';

export const HUB_MIGRATIONS: readonly Migration[] = [m0001, m0002, m0003, m0004];
