/** `npm run audit:verify -- --data-dir <dir>`: walks the audit chain, names the first broken entry. */
import path from 'node:path';
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { verifyChain } from './chain';

const args = process.argv.slice(2);
const i = args.indexOf('--data-dir');
const dir = i >= 0 ? args[i + 1] : process.env.LINKAGE_HUB_DATA ?? './data/hub';
if (args.includes('--help') || !dir) {
  console.log('npm run audit:verify -- --data-dir <hub data dir>   (default ./data/hub or LINKAGE_HUB_DATA)');
  process.exit(dir ? 0 : 2);
}
const file = path.join(dir, 'hub.sqlite');
if (!fs.existsSync(file)) {
  console.error(`no hub store at ${file}`);
  process.exit(2);
}
const db = new Database(file, { readonly: true });
const r = verifyChain(db);
db.close();
if (r.ok) {
  console.log(`audit chain valid: ${r.entries} entries`);
} else {
  console.error(`audit chain BROKEN at entry ${r.firstBroken}: ${r.reason} (${r.entries} entries read)`);
  process.exit(1);
}
