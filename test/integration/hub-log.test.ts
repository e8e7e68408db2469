// The hub's event log and command path over real socket.io on 127.0.0.1 with a real SQLite file.
import { afterEach, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { RunningHub } from '../../hub/server';
import { verifyChain } from '../../hub/audit/chain';
import type { CatchupResponse, HubEvent } from '../../shared/protocol';
import { connect, pointIn, report, testHub, tmpDir, userClient, XINZHUANG, type Client } from './helpers/hub';

const hubs: RunningHub[] = [];
const clients: Client[] = [];
afterEach(async () => {
  clients.splice(0).forEach((c) => c.close());
  for (const h of hubs.splice(0)) await h.close();
});

async function hub(dataDir = tmpDir()): Promise<RunningHub> {
  const h = await testHub({ dataDir });
  hubs.push(h);
  return h;
}

const officer = { username: 'officer', displayName: '值班员', role: 'officer' as const };

async function catchupAll(c: Client, afterSeq: number): Promise<HubEvent[]> {
  const out: HubEvent[] = [];
  let after = afterSeq;
  for (;;) {
    const r = (await c.socket.emitWithAck('catchup', { afterSeq: after, limit: 500 })) as CatchupResponse;
    if (!r.ok) throw new Error(r.error.code);
    out.push(...r.events);
    if (r.upTo >= r.headSeq) return out;
    after = r.upTo;
  }
}

describe('event log', () => {
  it('keeps seq gap-free under 20 concurrent writers', async () => {
    const h = await hub();
    const p = pointIn(h, XINZHUANG);
    const writers = await Promise.all(Array.from({ length: 20 }, (_, i) => userClient(h, { ...officer, username: `w${i}` })));
    clients.push(...writers);
    const before = h.core.log.headSeq;
    const results = await Promise.all(writers.flatMap((w) => Array.from({ length: 10 }, () => w.command('case.report', report(p)))));
    expect(results.every((r) => r.ok)).toBe(true);
    const events = await catchupAll(writers[0]!, before);
    expect(events).toHaveLength(200);
    events.forEach((e, i) => expect(e.seq).toBe(before + i + 1));
    expect(new Set(results.map((r) => (r.ok ? r.seq : 0))).size).toBe(200);
  });

  it('catches up from 0, from the middle, and answers snapshot_needed before the compaction horizon', async () => {
    const h = await hub();
    const c = await userClient(h, officer);
    clients.push(c);
    const p = pointIn(h, XINZHUANG);
    for (let i = 0; i < 30; i++) await c.command('case.report', report(p));
    const all = await catchupAll(c, 0);
    expect(all.length).toBe(h.core.log.headSeq);
    const mid = Math.floor(h.core.log.headSeq / 2);
    const tail = await catchupAll(c, mid);
    expect(tail.map((e) => e.seq)).toEqual(all.filter((e) => e.seq > mid).map((e) => e.seq));

    h.core.db.prepare('UPDATE events SET at = 0 WHERE seq <= ?').run(mid);
    expect(h.core.log.compact(1)).toBe(mid);
    const r = (await c.socket.emitWithAck('catchup', { afterSeq: mid - 1, limit: 100 })) as CatchupResponse;
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('snapshot_needed');
    expect((await catchupAll(c, mid)).length).toBe(h.core.log.headSeq - mid);
    // The snapshot holds the state the compacted events built.
    const snap = (await c.socket.emitWithAck('snapshot', { snapshotId: null, page: 0 })) as { ok: boolean; cases: unknown[]; seq: number };
    expect(snap.ok).toBe(true);
    expect(snap.cases).toHaveLength(30);
    expect(snap.seq).toBe(h.core.log.headSeq);
  });

  it('applies a repeated commandId once and answers it with the first answer, across a restart', async () => {
    const dir = tmpDir();
    let h = await hub(dir);
    let c = await userClient(h, officer);
    const id = randomUUID();
    const p = pointIn(h, XINZHUANG);
    const first = await c.command('case.report', report(p), null, id);
    const again = await c.command('case.report', report(p), null, id);
    expect(first.ok).toBe(true);
    expect(again).toEqual(first);
    const head = h.core.log.headSeq;
    c.close();
    await hubs.pop()!.close();

    h = await hub(dir);
    c = await connect(h, officer);
    clients.push(c);
    expect(await c.command('case.report', report(p), null, id)).toEqual(first);
    expect(h.core.log.headSeq).toBe(head);
    expect((h.core.db.prepare('SELECT COUNT(*) AS n FROM cases').get() as { n: number }).n).toBe(1);
  });

  it('refuses a stale expectedVersion with a conflict naming the current version', async () => {
    const h = await hub();
    const c = await userClient(h, officer);
    clients.push(c);
    const r = await c.command('case.report', report(pointIn(h, XINZHUANG)));
    if (!r.ok) throw new Error(r.error.message);
    expect((await c.command('case.register', { caseId: r.entityId }, 1)).ok).toBe(true);
    const stale = await c.command('case.reject', { caseId: r.entityId, reason: '重复' }, 1);
    expect(stale).toMatchObject({ ok: false, error: { code: 'conflict' }, currentVersion: 2 });
  });

  it('answers bad input with {code, message} and changes nothing', async () => {
    const h = await hub();
    const c = await userClient(h, officer);
    clients.push(c);
    const head = h.core.log.headSeq;
    const bad = [
      { commandId: 'not-a-uuid', type: 'case.report', payload: {}, expectedVersion: null },
      { commandId: randomUUID(), type: 'case.explode', payload: {}, expectedVersion: null },
      { commandId: randomUUID(), type: 'case.report', payload: report([0, 0]), expectedVersion: null },
      { commandId: randomUUID(), type: 'case.report', payload: report(pointIn(h, XINZHUANG), { categoryCode: '99999' }), expectedVersion: null },
      { commandId: randomUUID(), type: 'case.register', payload: { caseId: 'nope' }, expectedVersion: null },
      42,
    ];
    const codes = [];
    for (const b of bad) codes.push(((await c.socket.emitWithAck('command', b)) as { error: { code: string } }).error.code);
    expect(codes).toEqual(['invalid_input', 'invalid_input', 'outside_district', 'unknown_category', 'not_found', 'invalid_input']);
    expect(h.core.log.headSeq).toBe(head);
  });

  it('refuses a socket without a valid token', async () => {
    const h = await hub();
    const { io } = await import('socket.io-client');
    const s = io(h.url, { auth: { token: 'x'.repeat(40) }, transports: ['websocket'], reconnection: false, forceNew: true });
    const err = await new Promise<Error>((resolve) => s.once('connect_error', resolve));
    s.close();
    expect(err.message).toBe('unauthenticated');
  });

  it('keeps an audit chain that names the first edited entry', async () => {
    const h = await hub();
    const c = await userClient(h, officer);
    clients.push(c);
    for (let i = 0; i < 5; i++) await c.command('case.report', report(pointIn(h, XINZHUANG)));
    expect(verifyChain(h.core.db)).toMatchObject({ ok: true, firstBroken: null });
    const third = h.core.db.prepare('SELECT n FROM audit ORDER BY n LIMIT 1 OFFSET 2').get() as { n: number };
    h.core.db.prepare(`UPDATE audit SET after = replace(after, '测试地址', '篡改') WHERE n = ?`).run(third.n);
    expect(verifyChain(h.core.db)).toMatchObject({ ok: false, firstBroken: third.n });
  });
});

describe('hub clock', () => {
  it('stamps whole milliseconds even when its clock is scaled (the simulator runs it at up to 3600×)', async () => {
    const h = await testHub({ clock: () => Date.now() + 0.37 });
    hubs.push(h);
    const c = await userClient(h, officer);
    clients.push(c);
    const r = await c.command('case.report', report(pointIn(h, XINZHUANG)));
    expect(r.ok).toBe(true);
    const events = await catchupAll(c, 0);
    const { EventSchema } = await import('../../shared/protocol');
    for (const e of events) expect(EventSchema.safeParse(e).success).toBe(true);
  });
});
