// Issue 9: the `statistics` bridge call from the core to a real hub on loopback: the hub's
// figures with the session's token, answers checked, the hub's refusals keep their code, and a
// hub out of reach is `offline`. Once through the core's own process (CoreClient) too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { RunningHub } from '../../hub/server';
import type { Actor } from '../../shared/domain/roles';
import { Core } from '../../main/core/core';
import { CoreClient } from '../../main/core/host/client';
import type { AssessmentAnswer, DemandsAnswer, DrilldownAnswer, StatisticsQuery } from '../../shared/bridge/statistics';
import { PASSWORD, pointIn, QIBAO, report, testHub, tmpDir, XINZHUANG } from './helpers/hub';
import { FAST_RECONNECT, until } from './helpers/proxy';

let hub: RunningHub;
const officer: Actor = { userId: 'officer', role: 'officer', subdistricts: [] };
const ids: string[] = [];
const DAY = 86_400_000;
const period = () => ({ from: Date.now() - DAY, to: Date.now() + DAY });

async function open(username: string): Promise<Core> {
  const core = await Core.open({ dataDir: tmpDir('core-stats-'), hubUrl: hub.url, username, password: PASSWORD, ackTimeoutMs: 1500 }, FAST_RECONNECT);
  await core.start();
  await until(`${username} online`, async () => (await core.connection()).state === 'online');
  return core;
}

const codeOf = (p: Promise<unknown>) => p.then(() => 'ok', (e: { code?: string }) => e.code);

beforeAll(async () => {
  hub = await testHub();
  await hub.createUser({ username: 'sup', password: PASSWORD, displayName: '领导', role: 'supervisor' });
  await hub.createUser({ username: 'lia', password: PASSWORD, displayName: '绿化', role: 'liaison', departmentCode: 'greening' });
  for (const sub of [XINZHUANG, XINZHUANG, QIBAO]) {
    const r = hub.core.applyNow(officer, { commandId: randomUUID(), type: 'case.report', expectedVersion: null, payload: report(pointIn(hub, sub)) });
    if (!r.ok) throw new Error(r.error.message);
    ids.push(r.entityId);
  }
});
afterAll(async () => hub?.close());

describe('the statistics call', () => {
  it('answers with the hub’s figures, checked, for every kind', async () => {
    const core = await open('sup');
    try {
      const a = (await core.statistics({ kind: 'assessment', ...period(), groupBy: 'subdistrict' })) as AssessmentAnswer;
      expect(a.total.counts.received).toBe(3);
      expect(a.groups.find((g) => g.key === XINZHUANG)?.figures.counts.received).toBe(2);
      const d = (await core.statistics({ kind: 'demands', ...period(), groupBy: 'subdistrict' })) as DemandsAnswer;
      expect(d.total).toBe(3);
      const drill = (await core.statistics({ kind: 'drilldown', figure: 'received', groupBy: 'subdistrict', key: XINZHUANG, ...period() })) as DrilldownAnswer;
      expect(drill.items.map((i) => i.caseId).sort()).toEqual(ids.slice(0, 2).sort());
      const r = await core.statistics({ kind: 'repeats', ...period() });
      expect('groups' in r).toBe(true);
      // Refused before the hub sees it.
      expect(await codeOf(core.statistics({ kind: 'assessment', from: 10, to: 5 } as StatisticsQuery))).toBe('invalid_input');
    } finally {
      await core.stop();
    }
  });

  it('keeps the hub’s refusal (a liaison reads no statistics)', async () => {
    const core = await open('lia');
    try {
      expect(await codeOf(core.statistics({ kind: 'assessment', ...period() }))).toBe('forbidden');
    } finally {
      await core.stop();
    }
  });

  it('through the core’s own process, and `offline` when the hub is out of reach', async () => {
    const client = await CoreClient.spawn({ dataDir: tmpDir('core-stats-p-'), hubUrl: hub.url, username: 'sup', password: PASSWORD, ackTimeoutMs: 1500 });
    try {
      await client.start();
      await until('online', async () => (await client.connection()).state === 'online');
      const a = (await client.statistics({ kind: 'assessment', ...period() })) as AssessmentAnswer;
      expect(a.total.counts.received).toBe(3);
      const url = hub.url;
      const dataDir = path.dirname(hub.core.db.name);
      await hub.close();
      expect(await codeOf(client.statistics({ kind: 'assessment', ...period() }))).toBe('offline');
      hub = await testHub({ port: Number(new URL(url).port), dataDir }); // back, for afterAll
    } finally {
      await client.stop();
    }
  }, 60_000);
});
