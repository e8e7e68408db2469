/**
 * Simulator-like load straight on the hub (not through the proxies): a center officer acting on
 * the cases over socket.io, and the ingestion networks posting their records over HTTP. Their
 * acknowledged commands are checked for exactly-once too.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import type Database from 'better-sqlite3';
import type { Camera, Case, CommandResult, Unit } from '../../shared/protocol';
import { openReadonly } from './checks';
import { sleep, type Rng } from './random';
import { CAMERA_IDS, CATEGORIES, LIAISON_DEPARTMENTS, pointIn, ROOT } from './world';

export class AdminDriver {
  private socket: Socket | null = null;
  private db: Database.Database | null = null;
  /** Commands the hub acknowledged, with its answer. */
  readonly acked = new Map<string, CommandResult>();
  readonly stats = { sent: 0, acked: 0, timeouts: 0, skipped: 0 };

  constructor(private readonly hubUrl: string, private readonly hubFile: string, private readonly username: string, private readonly password: string) {}

  async start(): Promise<void> {
    const res = await fetch(`${this.hubUrl}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: this.username, password: this.password }) });
    if (!res.ok) throw new Error(`driver login: HTTP ${res.status}`);
    const { token } = (await res.json()) as { token: string };
    this.socket = io(this.hubUrl, { auth: { token }, transports: ['websocket'], reconnection: true, reconnectionDelay: 100, reconnectionDelayMax: 1000, forceNew: true });
  }

  private read<T>(table: string, where = ''): T[] {
    try {
      this.db ??= openReadonly(this.hubFile);
      return (this.db.prepare(`SELECT state FROM ${table} ${where}`).all() as { state: string }[]).map((r) => JSON.parse(r.state) as T);
    } catch {
      this.db?.close();
      this.db = null;
      return [];
    }
  }

  private async send(type: string, payload: unknown, expectedVersion: number | null): Promise<void> {
    const s = this.socket;
    if (!s?.connected) {
      this.stats.skipped++;
      return;
    }
    const commandId = randomUUID();
    this.stats.sent++;
    try {
      const r = (await s.timeout(3000).emitWithAck('command', { commandId, type, payload, expectedVersion })) as CommandResult;
      this.acked.set(commandId, r);
      this.stats.acked++;
    } catch {
      this.stats.timeouts++;
    }
  }

  async step(r: Rng): Promise<void> {
    const w = r.weighted({ report: 3, register: 3, dispatch: 3, verify: 2, unit: 1, camera: 1 });
    if (w === 'report') {
      const cat = r.pick(CATEGORIES);
      return this.send('case.report', { source: 'officer', categoryCode: cat.code, urgency: cat.urgency, point: pointIn(r), address: '中心受理', description: '中心值班员上报' }, null);
    }
    if (w === 'unit' || w === 'camera') {
      const list = w === 'unit' ? this.read<Unit>('units', 'ORDER BY random() LIMIT 1') : this.read<Camera>('cameras', 'ORDER BY random() LIMIT 1');
      const x = list[0];
      if (!x) return;
      if (w === 'unit') return this.send('unit.setStatus', { unitId: x.id, status: r.pick(['available', 'enroute', 'busy', 'offline']) }, x.version);
      return this.send('camera.setStatus', { cameraId: x.id, status: r.pick(['online', 'offline', 'fault']) }, x.version);
    }
    const status = { register: `'reported'`, dispatch: `'registered','returned'`, verify: `'resolved'` }[w];
    const c = this.read<Case>('cases', `WHERE status IN (${status}) ORDER BY random() LIMIT 1`)[0];
    if (!c) return;
    if (w === 'register') return this.send(r.chance(0.9) ? 'case.register' : 'case.reject', { caseId: c.id, reason: '不属实', note: '中心立案' }, c.version);
    if (w === 'dispatch') return this.send('case.dispatch', { caseId: c.id, departments: [r.pick(LIAISON_DEPARTMENTS)] }, c.version);
    return this.send('case.verify', { caseId: c.id, passed: r.chance(0.75) }, c.version);
  }

  async loop(r: Rng, running: () => boolean): Promise<void> {
    while (running()) {
      await this.step(r).catch(() => undefined);
      await sleep(r.int(40, 250));
    }
  }

  close(): void {
    this.socket?.close();
    this.socket = null;
    this.db?.close();
    this.db = null;
  }
}

const CAP_TEMPLATE = fs.readFileSync(path.join(ROOT, 'test/fixtures/sources/cap-typhoon-severe.xml'), 'utf8');

/** The networks: 12345 (JSON and CSV), patrol, video AI, 110 referrals and CAP alerts. */
export class SourceDriver {
  private n = 0;
  private readonly sent: Array<{ path: string; type: string; body: string; key: string }> = [];
  readonly stats = { posts: 0, ok: 0, failed: 0, accepted: 0, duplicates: 0, rejected: 0, skipped: 0 };

  constructor(private readonly hubUrl: string, private readonly keys: Record<string, string>, private readonly tag: string) {}

  private ref(kind: string): string {
    return `${this.tag}-${kind}-${++this.n}`;
  }

  private body(r: Rng): { path: string; type: string; body: string; key: string } {
    const at = new Date(Date.now() - r.int(0, 3600_000)).toISOString();
    const cat = r.pick(CATEGORIES);
    const [lng, lat] = pointIn(r);
    const w = r.weighted({ hotline: 4, csv: 1, patrol: 3, video: 3, police: 2, cap: 1 });
    switch (w) {
      case 'hotline': {
        const orders = Array.from({ length: r.int(1, 3) }, () => ({ orderNo: this.ref('HL'), category: r.pick(CATEGORIES).code, urgency: 'normal', lng, lat, address: '闵行区', caller: '市民', content: '12345 工单', receivedAt: at }));
        return { path: '/api/sources/hotline', type: 'application/json', body: JSON.stringify({ orders }), key: this.keys.hotline! };
      }
      case 'csv': {
        const rows = Array.from({ length: r.int(1, 3) }, () => `${this.ref('CSV')},${cat.code},normal,${lng},${lat},"闵行区, 某路",张先生,"CSV 工单",${at}`);
        return { path: '/api/sources/hotline/csv', type: 'text/csv; charset=utf-8', body: ['orderNo,category,urgency,lng,lat,address,caller,content,receivedAt', ...rows].join('\r\n'), key: this.keys.hotline! };
      }
      case 'patrol':
        return { path: '/api/sources/patrol', type: 'application/json', body: JSON.stringify({ reportId: this.ref('PT'), category: cat.code, urgency: cat.urgency, lng, lat, text: '巡查发现', at }), key: this.keys.patrol! };
      case 'video':
        return { path: '/api/sources/video', type: 'application/json', body: JSON.stringify({ alarmId: this.ref('VA'), cameraId: r.pick(CAMERA_IDS), algorithm: r.pick(['garbage', 'occupy_road', 'illegal_parking', 'fire_smoke']), confidence: r.next(), at }), key: this.keys.video! };
      case 'police':
        return { path: '/api/sources/police', type: 'application/json', body: JSON.stringify({ referrals: [{ referralNo: this.ref('110'), category: cat.code, urgency: cat.urgency, lng, lat, address: '闵行区', summary: '110 联动', at }] }), key: this.keys.police! };
      default: {
        const xml = CAP_TEMPLATE.replace(/<cap:identifier>[^<]*<\/cap:identifier>/, `<cap:identifier>${this.ref('CAP')}</cap:identifier>`);
        return { path: '/api/sources/cap', type: 'application/cap+xml', body: xml, key: this.keys.cap! };
      }
    }
  }

  async step(r: Rng): Promise<void> {
    // Sometimes a network sends the same batch again: the hub must answer duplicates, not new cases.
    const req = this.sent.length && r.chance(0.15) ? r.pick(this.sent) : this.body(r);
    if (this.sent.length < 200) this.sent.push(req);
    else this.sent[r.int(0, 199)] = req;
    this.stats.posts++;
    try {
      const res = await fetch(this.hubUrl + req.path, { method: 'POST', headers: { 'content-type': req.type, 'x-api-key': req.key }, body: req.body, signal: AbortSignal.timeout(5000) });
      const body = (await res.json()) as { accepted?: unknown[]; duplicates?: unknown[]; rejected?: unknown[]; skipped?: unknown[] };
      if (!res.ok) {
        this.stats.failed++;
        return;
      }
      this.stats.ok++;
      this.stats.accepted += body.accepted?.length ?? 0;
      this.stats.duplicates += body.duplicates?.length ?? 0;
      this.stats.rejected += body.rejected?.length ?? 0;
      this.stats.skipped += body.skipped?.length ?? 0;
    } catch {
      this.stats.failed++; // the hub is down (a fault), or slow
    }
  }

  async loop(r: Rng, running: () => boolean): Promise<void> {
    while (running()) {
      await this.step(r);
      await sleep(r.int(100, 500));
    }
  }
}

