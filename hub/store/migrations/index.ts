import type { Migration } from '../migrate';
import { m0001 } from './0001-initial';
import { m0002 } from './0002-operations';
import { m0003 } from './0003-case-facts';

export const HUB_MIGRATIONS: readonly Migration[] = [m0001, m0002, m0003];
