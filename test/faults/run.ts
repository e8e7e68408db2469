/**
 * `npm run faults` (FAULTS=1000 npm run faults): the fault-injection run of test/faults/harness.ts.
 * Prints its figures as one JSON line on stdout and exits 1 when an action was lost or doubled, a
 * replica diverged, or the audit chain does not verify; 3 when all that held but a process died
 * by itself or an outbox needed a restart to drain. Progress and findings go to stderr.
 *   FAULTS               faults to inject (default 100)
 *   FAULTS_SEED          seed of the run (default: random, printed)
 *   FAULTS_MAX_MINUTES   stop injecting after this long (default 90)
 *   FAULTS_KEEP=1        keep the data directory
 *   FAULTS_KINDS         only these kinds, comma-separated (e.g. disk-lock,hub-kill)
 *   FAULTS_SNAPSHOT=0    run the hub and the cores from the working tree, not from a copy taken at the start
 *
 * `npm run faults -- --cluster [--kills N] [--workstations N]`: the cluster run of cluster.ts
 * (three hub nodes on a PostgreSQL of its own, node kills and a PostgreSQL restart); its last
 * line is `cluster: kills N, lost 0, duplicated 0, divergent 0, gaps 0, failover p99 …`.
 */
import { FAULT_KINDS, healthy, passed, runFaults, type FaultKind } from './harness';
import { clusterLine, clusterPassed, runClusterFaults } from './cluster';

const argv = process.argv.slice(2);
const flag = (name: string): string | null => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] ?? null : null;
};
if (argv.includes('--cluster')) {
  const kills = Number(flag('--kills') ?? 60);
  const workstations = Number(flag('--workstations') ?? 20);
  if (!Number.isInteger(kills) || kills < 1 || kills > 10_000 || !Number.isInteger(workstations) || workstations < 1 || workstations > 100) {
    console.error('--kills must be 1–10000 and --workstations 1–100');
    process.exit(2);
  }
  const seed = process.env.FAULTS_SEED ? Number(process.env.FAULTS_SEED) : Math.floor(Math.random() * 1e9);
  const t0 = Date.now();
  console.error(`[faults] cluster run: seed ${seed}, ${kills} node kills, ${workstations} workstations`);
  const s = await runClusterFaults({
    kills, workstations, seed, maxMs: Number(process.env.FAULTS_MAX_MINUTES ?? 90) * 60_000,
    snapshot: process.env.FAULTS_SNAPSHOT !== '0', keepDir: process.env.FAULTS_KEEP === '1',
    log: (m) => console.error(`[faults ${Math.round((Date.now() - t0) / 1000)}s] ${m}`),
  });
  const { findings, ...figures } = s;
  for (const f of findings) console.error(`[faults] finding: ${f}`);
  console.log(JSON.stringify(figures));
  console.log(clusterLine(s));
  // As the single-hub run: 1 an integrity check failed, 3 it held but a process died by itself
  // or a workstation had to be restarted to settle.
  process.exit(!clusterPassed(s) ? 1 : s.nodeCrashes + s.coreCrashes + s.stuck > 0 ? 3 : 0);
}

const faults = Number(process.env.FAULTS ?? 100);
const seed = process.env.FAULTS_SEED ? Number(process.env.FAULTS_SEED) : Math.floor(Math.random() * 1e9);
const maxMinutes = Number(process.env.FAULTS_MAX_MINUTES ?? 90);
if (!Number.isInteger(faults) || faults < 0 || faults > 100_000) {
  console.error('FAULTS must be an integer between 0 and 100000');
  process.exit(2);
}

const kinds = process.env.FAULTS_KINDS?.split(',').map((k) => k.trim()).filter(Boolean) ?? null;
const unknownKind = kinds?.find((k) => !(FAULT_KINDS as readonly string[]).includes(k));
if (unknownKind) {
  console.error(`unknown fault kind ${unknownKind}; known: ${FAULT_KINDS.join(', ')}`);
  process.exit(2);
}
const weights = kinds ? Object.fromEntries(FAULT_KINDS.map((k) => [k, kinds.includes(k) ? 1 : 0])) as Record<FaultKind, number> : undefined;

const unhandled: string[] = [];
process.on('unhandledRejection', (e) => unhandled.push(String(e).slice(0, 300)));

const t0 = Date.now();
console.error(`[faults] seed ${seed}, ${faults} faults, at most ${maxMinutes} min`);
const summary = await runFaults({
  faults, seed, maxMs: maxMinutes * 60_000, weights, snapshot: process.env.FAULTS_SNAPSHOT !== '0', keepDir: process.env.FAULTS_KEEP === '1',
  log: (m) => console.error(`[faults ${Math.round((Date.now() - t0) / 1000)}s] ${m}`),
});
const { findings, ...figures } = summary;
for (const f of findings) console.error(`[faults] finding: ${f}`);
if (unhandled.length) console.error(`[faults] unhandled rejections in the harness: ${unhandled.slice(0, 5).join(' | ')}`);
console.log(JSON.stringify({ ...figures, harnessUnhandledRejections: unhandled.length }));
// 1: an integrity check failed (lost, doubled, divergent, audit). 3: integrity held, but a
// process died by itself or an outbox needed a restart to drain (see the findings on stderr).
process.exit(!passed(summary) ? 1 : !healthy(summary) ? 3 : 0);
