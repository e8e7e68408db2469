/** test/integration/hub-snapshots.test.ts with its hubs on PostgreSQL (issue 16: the hub's tests on both stores). */
import { hubsOnPostgres } from '../helpers/hub';
import '../hub-snapshots.test';

hubsOnPostgres();
