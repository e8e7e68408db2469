/**
 * `npm run audit:verify -- --data-dir <dir>` (the embedded store) or `-- --store postgres://…`
 * (a cluster's shared store): walks the audit chain, read-only, names the first broken entry.
 */
import path from 'node:path';
import fs from 'node:fs';
import Database from 'better-sqlite3';
import pg from 'pg';
import { ChainVerifier, verifyChain, type AuditRecord, type VerifyResult } from './chain';

const PAGE = 10_000;

const args = process.argv.slice(2);
const value = (flag: string): string | undefined => {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
};
const store = value('--store') ?? process.env.LINKAGE_STORE;
const dir = value('--data-dir') ?? process.env.LINKAGE_HUB_DATA ?? './data/hub';
if (args.includes('--help')) {
  console.log('npm run audit:verify -- --data-dir <hub data dir>   (default ./data/hub or LINKAGE_HUB_DATA)');
  console.log('npm run audit:verify -- --store postgres://…        (a cluster: the shared store, or LINKAGE_STORE)');
  process.exit(0);
}

async function verifyShared(url: string): Promise<VerifyResult> {
  const client = new pg.Client({ connectionString: url, application_name: 'linkage-audit-verify' });
  await client.connect();
  try {
    // One snapshot for the whole walk: commits meanwhile add entries after it, never between.
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const v = new ChainVerifier();
    for (let after = 0; ;) {
      const { rows } = await client.query<AuditRecord>(
        'SELECT n::float8 AS n, at::float8 AS at, user_id, command_id, type, entity_id, before, after, prev_hash, hash FROM audit WHERE n > $1 ORDER BY n LIMIT $2',
        [after, PAGE],
      );
      for (const r of rows) if (!v.add(r)) return v.result();
      if (rows.length < PAGE) return v.result();
      after = rows[rows.length - 1]!.n;
    }
  } finally {
    await client.end();
  }
}

let r: VerifyResult;
if (store) {
  try {
    r = await verifyShared(store);
  } catch (e) {
    console.error(`cannot read the store: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(2);
  }
} else {
  const file = path.join(dir, 'hub.sqlite');
  if (!fs.existsSync(file)) {
    console.error(`no hub store at ${file} (a cluster node keeps its chain in PostgreSQL: --store postgres://…)`);
    process.exit(2);
  }
  const db = new Database(file, { readonly: true });
  r = verifyChain(db);
  db.close();
}
if (r.ok) {
  console.log(`audit chain valid: ${r.entries} entries`);
} else {
  console.error(`audit chain BROKEN at entry ${r.firstBroken}: ${r.reason} (${r.entries} entries read)`);
  process.exit(1);
}
