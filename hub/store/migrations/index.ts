import type { Migration } from '../migrate';
import { m0001 } from './0001-initial';

export const HUB_MIGRATIONS: readonly Migration[] = [m0001];
