/**
 * Reproduction (fuzz finding: the hub's memory grew to ~840 MB during the 100k run). Every
 * `snapshot` request with snapshotId null makes the hub copy the whole state in the user's scope
 * into a Map entry kept for 5 minutes (hub/transport/sockets.ts, `snapshots` + SNAPSHOT_TTL_MS),
 * with no limit per socket or user. One authenticated client asking in a loop makes the hub
 * hold hundreds of full copies of the district.
 *   npx tsx test/fuzz/repro/snapshot-memory.ts
 * Prints the hub's RSS before and after N snapshot requests.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { io } from 'socket.io-client';
import { freePort, HubRunner } from '../../faults/hubproc';
import { rng } from '../../faults/random';
import { CATEGORIES, pointIn } from '../../faults/world';

const rss = (pid: number | undefined): number => Math.round(Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024);
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'repro-snap-'));
const hub = new HubRunner(path.join(root, 'hub'), await freePort());
try {
  await hub.start(['--credentials-file', path.join(root, 'creds.json')]);
  const creds = JSON.parse(fs.readFileSync(path.join(root, 'creds.json'), 'utf8')) as { accounts: Array<{ username: string; password: string }>; sourceKeys: Record<string, string> };
  // 3,000 cases through the hotline endpoint (1,000 per request).
  const r = rng(7);
  for (let b = 0; b < 3; b++) {
    const orders = Array.from({ length: 1000 }, (_, i) => {
      const [lng, lat] = pointIn(r);
      return { orderNo: `SNAP-${b}-${i}`, category: r.pick(CATEGORIES).code, lng, lat, address: '闵行区', content: '测试', receivedAt: new Date().toISOString() };
    });
    await fetch(`${hub.url}/api/sources/hotline`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': creds.sourceKeys.hotline! }, body: JSON.stringify({ orders }) });
  }
  const admin = creds.accounts.find((a) => a.username === 'admin')!;
  const { token } = (await (await fetch(`${hub.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: admin.password }) })).json()) as { token: string };
  const s = io(hub.url, { auth: { token }, transports: ['websocket'], forceNew: true });
  await new Promise((res) => s.once('connect', () => res(null)));
  const before = rss(hub.pid);
  const N = Number(process.env.N ?? 200);
  for (let i = 0; i < N; i++) await s.timeout(30_000).emitWithAck('snapshot', { snapshotId: null, page: 0 });
  console.log(JSON.stringify({ cases: 3000, snapshotRequests: N, hubRssMbBefore: before, hubRssMbAfter: rss(hub.pid) }));
  s.close();
} finally {
  await hub.kill('SIGTERM');
  fs.rmSync(root, { recursive: true, force: true });
}
