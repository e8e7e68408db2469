// Regression (fuzz finding, test/fuzz/repro/snapshot-memory.ts): every `snapshot` request with
// snapshotId null made the hub keep a full copy of the user's scope for 5 minutes, without limit;
// one client asking in a loop grew the hub to ~840 MB. A real hub over loopback.
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningHub } from '../../hub/server';
import { MAX_HELD_SNAPSHOTS } from '../../hub/transport/sockets';
import type { SnapshotResponse } from '../../shared/protocol';
import { connect, PASSWORD, pointIn, report, testHub, userClient, XINZHUANG, type Client } from './helpers/hub';

const hubs: RunningHub[] = [];
const clients: Client[] = [];
afterEach(async () => {
  clients.splice(0).forEach((c) => c.close());
  for (const h of hubs.splice(0)) await h.close();
});

const officer = { username: 'officer', displayName: '值班员', role: 'officer' as const };
const snapshot = (c: Client, snapshotId: string | null, page = 0) =>
  c.socket.timeout(10_000).emitWithAck('snapshot', { snapshotId, page }) as Promise<SnapshotResponse>;

async function until(what: string, ok: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(ok(), what).toBe(true);
}

describe('snapshots held by the hub', () => {
  it('holds at most one per socket: a new request replaces the previous one, whose id is refused', async () => {
    const h = await testHub();
    hubs.push(h);
    const c = await userClient(h, officer);
    clients.push(c);
    for (let i = 0; i < 3; i++) expect((await c.command('case.report', report(pointIn(h, XINZHUANG)))).ok).toBe(true);

    const ids: string[] = [];
    for (let i = 0; i < 50; i++) {
      const r = await snapshot(c, null);
      if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
      expect(r.cases).toHaveLength(3);
      ids.push(r.snapshotId);
      expect(h.heldSnapshots()).toBe(1);
    }
    expect(new Set(ids).size).toBe(50);
    // The current one still reads; an older one is refused with a clear reason.
    expect((await snapshot(c, ids.at(-1)!)).ok).toBe(true);
    const old = await snapshot(c, ids[0]!);
    expect(old.ok).toBe(false);
    if (!old.ok) {
      expect(old.error.code).toBe('not_found');
      expect(old.error.message).toMatch(/replaced by a newer one/);
    }

    // Another socket cannot read this socket's snapshot, and holds its own.
    const other = await connect(h, officer);
    clients.push(other);
    const foreign = await snapshot(other, ids.at(-1)!);
    expect(foreign.ok).toBe(false);
    if (!foreign.ok) expect(foreign.error.code).toBe('not_found');
    expect((await snapshot(other, null)).ok).toBe(true);
    expect(h.heldSnapshots()).toBe(2);

    // Disconnecting drops what the socket held.
    c.close();
    other.close();
    await until('snapshots released on disconnect', () => h.heldSnapshots() === 0);
  });

  it(`refuses with busy beyond ${MAX_HELD_SNAPSHOTS} held at once, and serves again once one is released`, async () => {
    const h = await testHub();
    hubs.push(h);
    await h.createUser({ ...officer, password: PASSWORD });
    const socks: Client[] = [];
    for (let i = 0; i <= MAX_HELD_SNAPSHOTS; i++) {
      const c = await connect(h, officer);
      socks.push(c);
      clients.push(c);
    }
    for (const c of socks.slice(0, MAX_HELD_SNAPSHOTS)) expect((await snapshot(c, null)).ok).toBe(true);
    expect(h.heldSnapshots()).toBe(MAX_HELD_SNAPSHOTS);
    const last = socks.at(-1)!;
    const refused = await snapshot(last, null);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.code).toBe('busy');
    expect(h.heldSnapshots()).toBe(MAX_HELD_SNAPSHOTS);
    // A socket replacing its own snapshot is not refused: it gives its old one up first.
    expect((await snapshot(socks[0]!, null)).ok).toBe(true);

    socks[1]!.close();
    await until('released on disconnect', () => h.heldSnapshots() === MAX_HELD_SNAPSHOTS - 1);
    expect((await snapshot(last, null)).ok).toBe(true);
  });
});
