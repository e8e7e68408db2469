/** What the shared store's parts need of a connection pool (the pool wrapped to track availability). */
import type { PoolClient, QueryResult, QueryResultRow } from 'pg';

export interface Pg {
  query<R extends QueryResultRow = QueryResultRow>(sql: string, args?: unknown[]): Promise<QueryResult<R>>;
  connect(): Promise<PoolClient>;
}
