/** The hub's migrations are the shared runner's (shared/storage/migrate.ts), on better-sqlite3. */
import type Database from 'better-sqlite3';
import type { Migration as StoreMigration } from '../../shared/storage/migrate';

export type Migration = StoreMigration<Database.Database>;
export { migrate } from '../../shared/storage/migrate';
