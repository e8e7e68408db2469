/** test/integration/hub-socket-requests.test.ts with its hubs on PostgreSQL (issue 16: the hub's tests on both stores). */
import { hubsOnPostgres } from '../helpers/hub';
import '../hub-socket-requests.test';

hubsOnPostgres();
