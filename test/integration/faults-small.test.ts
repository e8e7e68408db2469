/**
 * A small fault-injection run (test/faults/harness.ts; `npm run faults` runs a big one): a real
 * hub process, four real core processes behind fault proxies, random officer actions and load,
 * and a dozen random faults — hub and core SIGKILLs, network drop/stall/delay/reset, locked
 * database files. Nothing acknowledged may be lost or doubled, every replica must equal the
 * hub's state for its user's scope, and the audit chain must verify. Then the same on a cluster
 * (test/faults/cluster.ts; `npm run faults -- --cluster` runs a big one).
 */
import { describe, expect, it } from 'vitest';
import { runFaults } from '../faults/harness';
import { runClusterFaults } from '../faults/cluster';

describe('fault injection (small run)', () => {
  it('loses and doubles nothing, and every replica converges, through 12 random faults', async () => {
    const seed = Number(process.env.FAULTS_SEED ?? Math.floor(Math.random() * 1e9));
    const s = await runFaults({ faults: 12, seed, maxMs: 90_000, perRound: [2, 3], windowMs: [1200, 2500] });
    const context = JSON.stringify({ ...s, findings: s.findings.slice(0, 10) });
    expect(s.faults, context).toBeGreaterThan(0);
    expect(s.actions, context).toBeGreaterThan(20);
    expect(s.acknowledged, context).toBe(s.actions);
    expect(s.lost, context).toBe(0);
    expect(s.duplicated, context).toBe(0);
    expect(s.mismatched, context).toBe(0);
    expect(s.divergentReplicas, context).toBe(0);
    expect(s.seqGaps, context).toBe(0);
    expect(s.auditValid, context).toBe(true);
  }, 240_000);

  it('on a cluster: loses and doubles nothing through node kills and a PostgreSQL crash, and every replica and view equals the store', async () => {
    const seed = Number(process.env.FAULTS_SEED ?? Math.floor(Math.random() * 1e9));
    const s = await runClusterFaults({ kills: 4, workstations: 4, seed, maxMs: 120_000 });
    const context = JSON.stringify({ ...s, findings: s.findings.slice(0, 10) });
    expect(s.kills, context).toBe(4);
    expect(s.postgresRestarts, context).toBe(1);
    expect(s.actions, context).toBeGreaterThan(20);
    expect(s.acknowledged, context).toBe(s.actions);
    expect(s.lost, context).toBe(0);
    expect(s.duplicated, context).toBe(0);
    expect(s.mismatched, context).toBe(0);
    expect(s.divergent, context).toBe(0);
    expect(s.gaps, context).toBe(0);
    expect(s.auditValid, context).toBe(true);
    expect(s.nodeCrashes + s.coreCrashes, context).toBe(0);
    expect(s.failover.samples, context).toBeGreaterThan(0);
  }, 300_000);
});
