/**
 * `npm run bench`: every benchmark, with the yardsticks measured in the same run. One JSON line
 * per figure on stdout, all of them in bench/results.json. Budgets are checked here, never in
 * `npm test`.
 */
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { round, withBudget, type Figure } from './figures';
import { socketIoThroughput, sqliteInsertRate } from './yardsticks';
import { benchRegions } from './regions';
import { benchHub } from './hub';
import { benchMap } from './map';
import { benchWallSoak } from './wall-soak';
import { benchStats } from './stats';
import { benchConsole } from './console';
import { benchCatchup, benchIngest } from './ingest';
import { benchHistory } from './history';
import { benchCluster } from './cluster';

const only = process.argv.slice(2);
const wanted = (name: string) => only.length === 0 || only.some((o) => name.startsWith(o));
const figures: Figure[] = [];

function emit(f: Figure): void {
  const out = { ...f, value: round(f.value), ...(f.ratio !== undefined ? { ratio: round(f.ratio) } : {}) };
  figures.push(out);
  console.log(JSON.stringify(out));
}

const sqlite = sqliteInsertRate();
emit(sqlite);
const socketio = await socketIoThroughput();
emit(socketio);

if (wanted('region')) {
  for (const f of await benchRegions()) emit(f.name === 'region.lookup' ? withBudget(f, { min: 100_000 }) : f);
}
if (wanted('hub')) {
  for (const f of await benchHub()) {
    const yard = f.name.startsWith('hub.commands') ? sqlite : socketio;
    emit({ ...f, ratio: f.value / yard.value, yardstick: yard.name });
  }
}

// The hub cluster on a PostgreSQL of its own, with that server's raw insert rate as its yardstick
// (issue 16); the embedded figures above are the single-node baseline.
if (wanted('cluster')) {
  for (const f of await benchCluster()) emit(f);
}

// End to end: hub → core → bridge → the renderer's store; and a core catching up 100k events.
if (wanted('ingest')) {
  for (const f of await benchIngest()) {
    const yard = f.unit === 'records/s' ? sqlite : f.unit === 'events/s' ? socketio : null;
    emit(yard ? { ...f, ratio: f.value / yard.value, yardstick: yard.name } : f);
  }
}
if (wanted('catchup')) {
  for (const f of await benchCatchup()) emit(f.unit === 'events/s' ? { ...f, ratio: f.value / sqlite.value, yardstick: sqlite.name } : f);
}

// The first start's month: its events per second against raw inserts of the same run.
if (wanted('history')) {
  for (const f of benchHistory()) emit(f.unit === 'events/s' ? { ...f, ratio: f.value / sqlite.value, yardstick: sqlite.name } : f);
}

if (wanted('stats')) {
  for (const f of await benchStats()) emit(f.name === 'stats.facts.insert' ? { ...f, ratio: f.value / sqlite.value, yardstick: sqlite.name } : f);
}

// The wall's soak takes 10 minutes: only when asked for by name (`npm run bench -- wall`).
if (only.some((o) => o.startsWith('wall'))) {
  for (const f of await benchWallSoak()) emit(f);
}

if (wanted('console')) for (const f of await benchConsole()) emit(f);

if (wanted('map')) {
  // Ratios to the naive map measured in the same run (same browser, same moment).
  for (const f of await benchMap()) emit(f);
}

const file = path.resolve(import.meta.dirname, 'results.json');
fs.writeFileSync(file, JSON.stringify({ at: new Date().toISOString(), machine: { cpus: os.cpus().length, node: process.version }, figures }, null, 2));
const missed = figures.filter((f) => f.budget && !f.budget.met);
console.error(`${figures.length} figures → ${path.relative(process.cwd(), file)}${missed.length ? `; budgets missed: ${missed.map((f) => f.name).join(', ')}` : '; all budgets met'}`);
process.exit(0);
