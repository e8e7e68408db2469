/**
 * A real PostgreSQL for a test file: scripts/postgres/embedded.ts started in a folder of the
 * file's own temp dirs (removed with them), stopped by the file's afterAll.
 */
import { startPostgres as start, type PostgresServer } from '../../scripts/postgres/embedded';
import { tmpDir } from './tmp';

export type RunningPostgres = PostgresServer;

export function startPostgres(database = 'linkage'): Promise<RunningPostgres> {
  return start({ database, dir: tmpDir('linkage-pg-') });
}
