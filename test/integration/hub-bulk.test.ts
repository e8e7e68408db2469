/**
 * HubCore.bulk (issue 15): many commands in one outer transaction, each its own savepoint;
 * listeners and the log's head hear of them only after the outer commit, and a failure inside
 * takes the whole bulk back without a gap in seq. Also the terminal's progress line.
 */
import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { HubCore } from '../../hub/core';
import { loadRules } from '../../hub/rules';
import { formatProgress } from '../../hub/simulator/progress';
import { loadHubConfig } from '../../hub/config';
import type { HubEvent } from '../../shared/protocol';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'linkage-bulk-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const actor = { userId: 'officer-1', role: 'officer' as const, subdistricts: [] };
const POINT: [number, number] = [121.3817, 31.1129];
const report = () => ({ commandId: randomUUID(), type: 'case.report', expectedVersion: null, payload: { source: 'officer', categoryCode: '06010', urgency: 'normal', point: POINT, address: '测试', description: 'bulk' } });

function open(): HubCore {
  return new HubCore(path.join(fs.mkdtempSync(path.join(root, 'hub-')), 'hub.sqlite'), loadRules(), { sessionTtlMs: 3_600_000, maxFailedLogins: 5, lockoutMs: 60_000 });
}

describe('HubCore.bulk', () => {
  it('publishes and moves the head only after the outer commit', () => {
    const core = open();
    const heard: HubEvent[][] = [];
    core.onEvents((e) => heard.push([...e]));
    const results = core.bulk(() => {
      const r = [core.applyNow(actor, report()), core.applyNow(actor, report())];
      // A refused command inside undoes only itself.
      r.push(core.applyNow(actor, { ...report(), payload: { ...report().payload, categoryCode: '00000' } }));
      r.push(core.applyNow(actor, report()));
      expect(heard).toHaveLength(0);
      expect(core.log.headSeq).toBe(0);
      return r;
    });
    expect(results.map((r) => r.ok)).toEqual([true, true, false, true]);
    expect(heard).toHaveLength(1);
    expect(heard[0]!.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(core.log.headSeq).toBe(3);
    core.close();
  });

  it('takes everything back when the bulk fails, and the next command continues the seq', () => {
    const core = open();
    expect(core.applyNow(actor, report()).ok).toBe(true);
    const heard: HubEvent[] = [];
    core.onEvents((e) => heard.push(...e));
    expect(() => core.bulk(() => {
      core.applyNow(actor, report());
      core.applyNow(actor, report());
      throw new Error('disk gone');
    })).toThrow('disk gone');
    expect(heard).toEqual([]);
    expect(core.log.headSeq).toBe(1);
    expect(core.db.prepare('SELECT COUNT(*) FROM cases').pluck().get()).toBe(1);
    const next = core.applyNow(actor, report());
    expect(next.ok && next.seq).toBe(2);
    expect(heard.map((e) => e.seq)).toEqual([2]);
    core.close();
  });
});

describe('history settings and progress', () => {
  it('draws the bar with percent, day and time left', () => {
    expect(formatProgress({ fraction: 0.7, day: 21, days: 30, elapsedMs: 28_000, leftMs: 12_000 })).toBe('history ██████████████░░░░░░  70% · day 21/30 · 12 s left');
    expect(formatProgress({ fraction: 0, day: 1, days: 30, elapsedMs: 0, leftMs: null })).toMatch(/0% · day 1\/30 · …$/);
  });

  it('validates --history-days like every hub setting', () => {
    expect(loadHubConfig(['--history-days', '30'], {}).config.historyDays).toBe(30);
    expect(loadHubConfig([], {}).config.historyDays).toBe(0);
    expect(() => loadHubConfig(['--history-days', '-1'], {})).toThrow(/historyDays/);
    expect(() => loadHubConfig(['--history-days', 'lots'], {})).toThrow(/historyDays/);
  });
});
