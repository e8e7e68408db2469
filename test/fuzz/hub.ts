/**
 * Hostile messages against every endpoint of a real hub process: login, logout, health and
 * unknown routes; every source endpoint (JSON, CSV, CAP XML) with good and bad keys, content
 * types, charsets and bodies; raw HTTP; the socket.io handshake; every socket event with random
 * shapes, with and without an ack; and raw engine.io/socket.io frames (malformed packets, binary
 * placeholders, invalid UTF-8, oversize). Each message ends answered, dropped (with or without
 * a line in the hub's log), closed by the server, or hanging — which is a finding.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { io, type Socket } from 'socket.io-client';
import type { HubRunner } from '../faults/hubproc';
import { waitFor, type Rng } from '../faults/random';
import { CAMERA_IDS, CATEGORIES, pointIn, ROOT } from '../faults/world';
import { deep, deepJsonText, invalidUtf8, mutate, mutateN, NASTY_STRINGS, randomString, randomValue, uriSafe, uuid } from './gen';
import { httpRequest, rawTcp, RawSocket } from './net';

export type Result = 'answered' | 'dropped-logged' | 'dropped-unlogged' | 'closed' | 'hang';

export interface Outcome {
  target: string;
  result: Result;
  /** A valid message that may change the hub's state (an applied command, an accepted record). */
  mayChange: boolean;
  /** The server answered 5xx, or something else worth a look. */
  note?: string;
}

export interface Credentials { accounts: Array<{ username: string; password: string }>; sourceKeys: Record<string, string> }

interface Templates {
  cases: Array<{ id: string; version: number; status: string }>;
  units: Array<{ id: string; version: number }>;
  cameras: Array<{ id: string; version: number }>;
}

const KNOWN_EVENTS = ['catchup', 'subscribe', 'snapshot', 'command', 'whoami'] as const;
/** Names socket.io-client refuses to emit (they would throw in our process, not reach the hub). */
const CLIENT_RESERVED = new Set(['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener']);
const SOCKET_USERS = ['admin', 'supervisor', 'xinzhuang', 'enforcement'] as const;
const SOURCES = ['hotline', 'patrol', 'video', 'police'] as const;
const CAP_FIXTURES = fs.readdirSync(path.join(ROOT, 'test/fixtures/sources')).filter((f) => f.endsWith('.xml')).map((f) => fs.readFileSync(path.join(ROOT, 'test/fixtures/sources', f), 'utf8'));
const CSV_FIXTURE = fs.readFileSync(path.join(ROOT, 'test/fixtures/sources/hotline.csv'), 'utf8');

export class HubFuzzer {
  private readonly sockets = new Map<string, Socket>();
  private readonly tokens = new Map<string, string>();
  private raw: RawSocket | null = null;
  private templates: Templates = { cases: [], units: [], cameras: [] };
  private sent = 0;
  private dropLines = 0;
  /** Server-side closes of the fuzzer's sockets (they reconnect by themselves). */
  private disconnects = 0;
  private readonly db: Database.Database;
  /** Found along the way: 5xx answers, sockets that connected without a valid token, … */
  readonly notes: string[] = [];
  readonly counts = { serverErrors: 0, authBypass: 0, validAccepted: 0, ackIgnored: 0 };

  constructor(private readonly hub: HubRunner, private readonly creds: Credentials, hubFile: string) {
    this.db = new Database(hubFile, { readonly: true, fileMustExist: true });
    this.db.pragma('busy_timeout = 5000');
    hub.onLine((line) => {
      if (/\bdrop \S+ from /.test(line)) this.dropLines++;
    });
  }

  private note(s: string): void {
    if (this.notes.length < 100) this.notes.push(s.slice(0, 600));
  }

  private password(u: string): string {
    return this.creds.accounts.find((a) => a.username === u)?.password ?? 'x';
  }

  /** Logs the socket users in and connects them (again, after a hub restart). */
  async connect(): Promise<void> {
    for (const s of this.sockets.values()) s.close();
    this.sockets.clear();
    this.raw?.close();
    this.raw = null;
    for (const u of SOCKET_USERS) {
      const res = await httpRequest(this.hub.port, { method: 'POST', path: '/api/login', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: u, password: this.password(u) }) });
      if (!('status' in res) || res.status !== 200) throw new Error(`fuzz login ${u}: ${JSON.stringify(res).slice(0, 300)}`);
      const token = (JSON.parse(res.body) as { token: string }).token;
      this.tokens.set(u, token);
      const s = io(this.hub.url, { auth: { token }, transports: ['websocket'], forceNew: true, reconnection: true, reconnectionDelay: 50, reconnectionDelayMax: 500 });
      await new Promise<void>((resolve, reject) => {
        s.once('connect', () => resolve());
        s.once('connect_error', (e) => reject(e));
      });
      s.on('disconnect', () => this.disconnects++);
      this.sockets.set(u, s);
    }
  }

  close(): void {
    for (const s of this.sockets.values()) s.close();
    this.sockets.clear();
    this.raw?.close();
    this.db.close();
  }

  /** Valid bases to mutate: real ids and versions from the hub's tables. */
  private refresh(): void {
    try {
      this.templates = {
        cases: this.db.prepare('SELECT id, version, status FROM cases ORDER BY random() LIMIT 50').all() as Templates['cases'],
        units: this.db.prepare('SELECT id, version FROM units ORDER BY random() LIMIT 20').all() as Templates['units'],
        cameras: this.db.prepare('SELECT id, version FROM cameras ORDER BY random() LIMIT 20').all() as Templates['cameras'],
      };
    } catch {
      // the hub is restarting: keep the old ones
    }
  }

  // ---- valid bases ------------------------------------------------------------------------

  validCommand(r: Rng): Record<string, unknown> {
    const c = this.templates.cases.length ? r.pick(this.templates.cases) : null;
    const u = this.templates.units.length ? r.pick(this.templates.units) : null;
    const cam = this.templates.cameras.length ? r.pick(this.templates.cameras) : null;
    const cat = r.pick(CATEGORIES);
    const w = r.weighted({ report: 4, register: 2, comment: 2, dispatch: 1, unit: 1, camera: 1, verify: 1 });
    const env = (type: string, payload: unknown, expectedVersion: number | null): Record<string, unknown> => ({ commandId: uuid(r), type, payload, expectedVersion });
    if (w === 'report' || !c) return env('case.report', { source: 'officer', categoryCode: cat.code, urgency: cat.urgency, point: pointIn(r), address: '闵行区', description: '模糊测试' }, null);
    switch (w) {
      case 'register': return env('case.register', { caseId: c.id, note: 'ok' }, c.version);
      case 'comment': return env('case.comment', { caseId: c.id, text: '备注' }, null);
      case 'dispatch': return env('case.dispatch', { caseId: c.id, departments: ['enforcement'] }, c.version);
      case 'verify': return env('case.verify', { caseId: c.id, passed: true }, c.version);
      case 'unit': return u ? env('unit.setStatus', { unitId: u.id, status: 'busy' }, u.version) : env('case.comment', { caseId: c.id, text: 'x' }, null);
      default: return cam ? env('camera.setStatus', { cameraId: cam.id, status: 'fault' }, cam.version) : env('case.comment', { caseId: c.id, text: 'x' }, null);
    }
  }

  private validRecord(r: Rng, source: (typeof SOURCES)[number]): Record<string, unknown> {
    const [lng, lat] = pointIn(r);
    const cat = r.pick(CATEGORIES);
    const at = new Date(Date.now() - r.int(0, 86_400_000)).toISOString();
    const ref = `FZ-${uuid(r).slice(0, 13)}`;
    switch (source) {
      case 'hotline': return { orderNo: ref, category: cat.code, urgency: r.pick(['normal', '加急', 'urgent', 'high']), lng, lat, address: '闵行区', caller: '市民', content: '诉求内容', receivedAt: at };
      case 'patrol': return { reportId: ref, patrolUnit: '巡查一组', category: cat.code, urgency: cat.urgency, lng, lat, address: '闵行区', text: '巡查发现', photos: [{ name: 'a.jpg', mime: 'image/jpeg', size: 10, url: 'https://example.org/a.jpg' }], at };
      case 'video': return { alarmId: ref, cameraId: r.pick(CAMERA_IDS), algorithm: r.pick(['garbage', 'occupy_road', 'fire_smoke', 'ponding', 'unknown_algo']), confidence: r.next(), at, ...(r.chance(0.3) ? { lng, lat } : {}) };
      default: return { referralNo: ref, category: cat.code, urgency: cat.urgency, lng, lat, address: '闵行区', summary: '110 联动', at };
    }
  }

  // ---- messages ---------------------------------------------------------------------------

  /** One hostile message of a random kind. */
  async send(r: Rng): Promise<Outcome> {
    if (this.sent++ % 100 === 0) this.refresh();
    const w = r.weighted({ login: 6, logout: 3, misc: 4, sourceJson: 14, sourceCsv: 5, sourceCap: 6, rawHttp: 2, handshake: 2, event: 30, rawFrame: 8 });
    switch (w) {
      case 'login': return this.login(r);
      case 'logout': return this.logout(r);
      case 'misc': return this.misc(r);
      case 'sourceJson': return this.sourceJson(r);
      case 'sourceCsv': return this.sourceCsv(r);
      case 'sourceCap': return this.sourceCap(r);
      case 'rawHttp': return this.rawHttp(r);
      case 'handshake': return this.handshake(r);
      case 'event': return this.event(r);
      default: return this.rawFrame(r);
    }
  }

  private async http(target: string, req: Parameters<typeof httpRequest>[1], mayChange: (status: number, body: string) => boolean = () => false): Promise<Outcome> {
    const res = await httpRequest(this.hub.port, req);
    if ('error' in res) {
      if (res.error.startsWith('client refused')) return { target, result: 'answered', mayChange: false, note: res.error };
      if (res.error === 'timeout') return { target, result: 'hang', mayChange: false, note: `${req.method} ${req.path.slice(0, 80)}` };
      // The server closed the connection without an answer (e.g. a body over the limit).
      return { target, result: 'closed', mayChange: false, note: res.error };
    }
    if (res.status >= 500) {
      this.counts.serverErrors++;
      this.note(`${target}: HTTP ${res.status} ${res.body.slice(0, 200)} for ${req.method} ${req.path.slice(0, 80)} ${String(req.body ?? '').slice(0, 200)}`);
    }
    const changed = mayChange(res.status, res.body);
    if (changed) this.counts.validAccepted++;
    return { target, result: 'answered', mayChange: changed, note: res.status >= 500 ? `HTTP ${res.status}` : undefined };
  }

  private jsonBody(r: Rng, valid: unknown): Buffer | string {
    const w = r.weighted({ mutated: 6, valid: 1, random: 2, deep: 0.5, broken: 1, utf8: 0.7, nan: 0.5, huge: 0.05 });
    switch (w) {
      case 'valid': return JSON.stringify(valid);
      case 'mutated': return JSON.stringify(mutateN(r, valid)) ?? 'null';
      case 'random': return JSON.stringify(randomValue(r, 3)) ?? '';
      case 'deep': return deepJsonText(r.pick([100, 10_000, 200_000]), r.chance(0.5));
      case 'broken': return (JSON.stringify(valid) ?? '').slice(0, r.int(0, 40)) + r.pick(['', '}', ']]', ',', '"', '\u0000']);
      case 'utf8': return invalidUtf8(r, JSON.stringify(valid) ?? '');
      case 'nan': return (JSON.stringify(valid) ?? '').replace(/(-?\d+(\.\d+)?)/, r.pick(['NaN', 'Infinity', '-Infinity', '"NaN"', '"Infinity"', '1e999', '0x1F']));
      default: return 'x'.repeat(r.pick([2 * 1024 * 1024 + 10, 6 * 1024 * 1024]));
    }
  }

  private async login(r: Rng): Promise<Outcome> {
    const user = r.chance(0.5) ? r.pick(['officer', 'admin', 'wall', 'nobody', 'ADMIN', 'admin ']) : randomString(r, 70);
    const valid = { username: user, password: r.chance(0.2) ? this.password(user.trim().toLowerCase()) : randomString(r, 30) };
    return this.http('http login', { method: 'POST', path: '/api/login', headers: { 'content-type': r.chance(0.9) ? 'application/json' : randomString(r, 20).replace(/[^\x20-\x7e]/g, '') }, body: this.jsonBody(r, valid) });
  }

  private async logout(r: Rng): Promise<Outcome> {
    const auth = r.weighted({ none: 1, random: 2, bearerRandom: 3, valid: 0.3 });
    const headers: Record<string, string> = {};
    // A fresh token of its own for "valid": logging out the sockets' sessions is not the point here.
    if (auth === 'valid') {
      const res = await httpRequest(this.hub.port, { method: 'POST', path: '/api/login', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'wall', password: this.password('wall') }) });
      if ('status' in res && res.status === 200) headers.authorization = `Bearer ${(JSON.parse(res.body) as { token: string }).token}`;
    } else if (auth === 'random') headers.authorization = randomString(r, 100).replace(/[^\x20-\x7e]/g, '');
    else if (auth === 'bearerRandom') headers.authorization = `Bearer ${randomString(r, 300).replace(/[^\x20-\x7e]/g, '')}`;
    return this.http('http logout', { method: 'POST', path: '/api/logout', headers, body: r.chance(0.5) ? JSON.stringify(randomValue(r, 2)) ?? '' : null });
  }

  private async misc(r: Rng): Promise<Outcome> {
    const method = r.pick(['GET', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE', 'PROPFIND']);
    const pathname = r.pick(['/api/health', '/api/health', '/api/health?x=' + uriSafe(randomString(r, 50)), '/api/login', '/api/sources/hotline', '/api/sources/none', '/api/../api/health',
      '/%00', '/api/health/', '//api//health', '/socket.io/', '/socket.io/?EIO=4&transport=polling', '/socket.io/?EIO=3&transport=polling', '/socket.io/?EIO=4&transport=polling&sid=' + uriSafe(randomString(r, 20)),
      '/' + 'a'.repeat(r.pick([10, 5000, 70_000])), '/api/health?' + '&a=1'.repeat(2000)]);
    return this.http('http misc', { method, path: pathname, headers: r.chance(0.3) ? { 'content-type': 'application/json' } : {}, body: method === 'GET' || method === 'HEAD' ? null : JSON.stringify(randomValue(r, 2)) ?? '' });
  }

  private key(r: Rng, source: string): string | string[] | undefined {
    const w = r.weighted({ valid: 8, wrong: 1, other: 1, none: 1, weird: 0.5 });
    if (w === 'valid') return this.creds.sourceKeys[source];
    if (w === 'other') return this.creds.sourceKeys[r.pick(Object.keys(this.creds.sourceKeys))];
    if (w === 'none') return undefined;
    if (w === 'weird') return r.pick([[this.creds.sourceKeys[source]!, 'x'], 'x'.repeat(8000), '']);
    return `lk_${source}_${randomString(r, 43).replace(/[^\x21-\x7e]/g, 'a')}`;
  }

  private headers(contentType: string, key: string | string[] | undefined): Record<string, string | string[]> {
    const h: Record<string, string | string[]> = {};
    if (contentType) h['content-type'] = contentType;
    if (key !== undefined) h['x-api-key'] = key;
    return h;
  }

  private accepted = (status: number, body: string): boolean => {
    if (status !== 200) return false;
    try {
      const b = JSON.parse(body) as { accepted?: unknown[]; skipped?: Array<{ caseId?: string }> };
      return (b.accepted?.length ?? 0) > 0 || (b.skipped ?? []).some((s) => s.caseId !== undefined);
    } catch {
      return false;
    }
  };

  private async sourceJson(r: Rng): Promise<Outcome> {
    const source = r.pick(SOURCES);
    const listKey = { hotline: 'orders', patrol: 'reports', video: 'alarms', police: 'referrals' }[source];
    const records = Array.from({ length: r.int(1, 3) }, () => (r.chance(0.7) ? mutateN(r, this.validRecord(r, source), 2) : this.validRecord(r, source)));
    const shape = r.weighted({ list: 3, keyed: 3, single: 2, many: 0.05 });
    const valid = shape === 'list' ? records : shape === 'keyed' ? { [listKey]: records } : shape === 'single' ? records[0] : Array.from({ length: 1001 }, () => records[0]);
    const ct = r.weighted({ json: 8, charset: 1, vendor: 1, wrong: 1, none: 0.5 });
    const contentType = { json: 'application/json', charset: `application/json; charset=${r.pick(['utf-8', 'UTF8', 'gb18030', 'gbk', 'latin1', 'utf-16', '"utf-8"', randomString(r, 8).replace(/[^\x21-\x7e]/g, '')])}`, vendor: 'application/vnd.linkage+json', wrong: r.pick(['text/plain', 'text/csv', 'application/xml', 'multipart/form-data; boundary=x']), none: '' }[ct];
    return this.http(`source ${source}`, { method: 'POST', path: `/api/sources/${source}`, headers: this.headers(contentType, this.key(r, source)), body: this.jsonBody(r, valid) }, this.accepted);
  }

  private async sourceCsv(r: Rng): Promise<Outcome> {
    const header = r.pick(['orderNo,category,urgency,lng,lat,address,caller,content,receivedAt', '\ufeff工单编号,分类编码,紧急程度,经度,纬度,地址,来电人,诉求内容,受理时间', 'orderNo,category,lng,lat', 'orderNo,orderNo,category,urgency,lng,lat,address,caller,content,receivedAt', randomString(r, 60)]);
    const rows = Array.from({ length: r.chance(0.02) ? 1001 : r.int(0, 4) }, () => {
      const rec = this.validRecord(r, 'hotline');
      const fields = ['orderNo', 'category', 'urgency', 'lng', 'lat', 'address', 'caller', 'content', 'receivedAt'].map((k) => String(rec[k]));
      if (r.chance(0.5)) fields[r.int(0, fields.length - 1)] = r.pick([...NASTY_STRINGS, '"unclosed', 'a"b', '"a""b"', 'x'.repeat(5000), '', ',', '\n', '"\n"']);
      if (r.chance(0.2)) fields.splice(r.int(0, fields.length - 1), 1);
      return fields.join(',');
    });
    const eol = r.pick(['\r\n', '\n', '\r', '\n\n']);
    let text = [header, ...rows].join(eol);
    if (r.chance(0.1)) text = CSV_FIXTURE;
    if (r.chance(0.1)) text = text.slice(0, r.int(0, text.length));
    const body = r.chance(0.08) ? invalidUtf8(r, text) : text;
    const contentType = r.pick(['text/csv', 'text/csv; charset=utf-8', 'text/csv; charset=gb18030', 'application/csv', 'text/plain', 'text/csv; charset=shift_jis']);
    return this.http('source hotline/csv', { method: 'POST', path: '/api/sources/hotline/csv', headers: this.headers(contentType, this.key(r, 'hotline')), body }, this.accepted);
  }

  private async sourceCap(r: Rng): Promise<Outcome> {
    let xml = r.pick(CAP_FIXTURES).replace(/<cap:identifier>[^<]*<\/cap:identifier>/, `<cap:identifier>FZ-${uuid(r)}</cap:identifier>`);
    const w = r.weighted({ valid: 2, dropTag: 3, replace: 3, entities: 1, doctype: 1, deep: 0.5, cdata: 1, truncate: 1, utf8: 0.5, huge: 0.05, random: 1 });
    switch (w) {
      case 'dropTag': {
        const tags = [...xml.matchAll(/<cap:(\w+)>[^<]*<\/cap:\1>/g)];
        if (tags.length) {
          const t = r.pick(tags);
          xml = xml.replace(t[0], '');
        }
        break;
      }
      case 'replace': {
        const tags = [...xml.matchAll(/<cap:(\w+)>([^<]*)<\/cap:\1>/g)];
        if (tags.length) {
          const t = r.pick(tags);
          const v = r.chance(0.5) ? randomString(r, 30) : r.pick(['Extreme', 'Update', 'Cancel', 'Actual', 'Test', '31.0,121.3 31.2,121.5 31.0,121.5 31.0,121.3', '1 2', 'NaN,NaN', '2026-13-45T99:99:99', '']);
          xml = xml.replace(t[0], `<cap:${t[1]}>${v.replace(/[<&]/g, (m) => (r.chance(0.5) ? m : m === '<' ? '&lt;' : '&amp;'))}</cap:${t[1]}>`);
        }
        break;
      }
      case 'entities': xml = xml.replace(/<cap:headline>/, `<cap:headline>${r.pick(['&amp;', '&lt;', '&#x1F600;', '&#0;', '&#xD800;', '&#99999999;', '&nope;', '&', '&#;'])}`); break;
      case 'doctype': xml = xml.replace(/^(<\?xml[^>]*\?>)?/, `$1<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY xxe SYSTEM "file:///etc/passwd">]>`).replace('<cap:headline>', '<cap:headline>&lol3;&xxe;'); break;
      case 'deep': xml = xml.replace('<cap:info>', `<cap:info>${'<x>'.repeat(r.pick([100, 10_000, 100_000]))}${'</x>'.repeat(r.chance(0.8) ? 0 : 1)}`); break;
      case 'cdata': xml = xml.replace('<cap:headline>', `<cap:headline><![CDATA[${randomString(r, 20)}${r.chance(0.5) ? ']]>' : ''}`); break;
      case 'truncate': xml = xml.slice(0, r.int(0, xml.length)); break;
      case 'huge': xml = xml.replace('<cap:headline>', `<cap:headline>${'x'.repeat(1024 * 1024 + 10)}`); break;
      case 'random': xml = r.chance(0.5) ? randomString(r, 200) : `<?xml version="1.0"?><${randomString(r, 10).replace(/[^a-z]/gi, 'a') || 'a'}/>`; break;
      default: break;
    }
    const body = w === 'utf8' ? invalidUtf8(r, xml) : xml;
    const contentType = r.pick(['application/cap+xml', 'application/xml', 'text/xml', 'application/xml; charset=utf-8', 'application/xml; charset=gb18030', 'application/json', 'text/xml; charset=ebcdic']);
    return this.http('source cap', { method: 'POST', path: '/api/sources/cap', headers: this.headers(contentType, this.key(r, 'cap')), body }, this.accepted);
  }

  private async rawHttp(r: Rng): Promise<Outcome> {
    const key = this.creds.sourceKeys.hotline!;
    const req = r.pick([
      'GARBAGE\r\n\r\n',
      'GET /api/health HTTP/1.1\r\nHost: x\r\n' + 'X-A: b\r\n'.repeat(2000) + '\r\n',
      'GET /api/health HTTP/1.1\r\nHost: x\r\nX-Long: ' + 'a'.repeat(70_000) + '\r\n\r\n',
      'POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      'POST /api/login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\nxx\r\n0\r\n\r\n',
      'POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n',
      'POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}x',
      `POST /api/sources/hotline HTTP/1.1\r\nHost: x\r\nX-Api-Key: ${key}\r\nContent-Type: application/json\r\nContent-Length: 99999999\r\n\r\n[]`,
      'GET /api/health HTTP/9.9\r\n\r\n',
      'GET /api/health\r\n\r\n',
      'GET /api/he\u0000alth HTTP/1.1\r\nHost: x\r\n\r\n',
      'GET /api/health HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n',
      'GET /api/health HTTP/1.1\r\nHost: x\r\n\r\nGET /api/health HTTP/1.1\r\nHost: x\r\n\r\n',
      '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03',
    ]);
    const res = await rawTcp(this.hub.port, Buffer.from(req, 'latin1'), 3000);
    if (/^HTTP\/1\.[01] 5\d\d/.test(res.response)) {
      this.counts.serverErrors++;
      this.note(`raw http: ${res.response.slice(0, 100)} for ${JSON.stringify(req.slice(0, 80))}`);
    }
    if (res.response.startsWith('HTTP/')) return { target: 'raw http', result: 'answered', mayChange: false };
    return { target: 'raw http', result: res.closed ? 'closed' : 'hang', mayChange: false, note: res.closed ? undefined : JSON.stringify(req.slice(0, 80)) };
  }

  private async handshake(r: Rng): Promise<Outcome> {
    const valid = r.pick([...this.tokens.values()]);
    const auth = r.weighted({ none: 1, random: 3, mutated: 2, valid: 0.5, huge: 0.3 });
    const a: unknown = auth === 'none' ? undefined : auth === 'valid' ? { token: valid } : auth === 'huge' ? { token: 'x'.repeat(1024 * 1024) } : auth === 'mutated' ? mutate(r, { token: valid }) : randomValue(r, 2);
    const s = io(this.hub.url, { ...(a !== undefined ? { auth: a as Record<string, unknown> } : {}), transports: ['websocket'], forceNew: true, reconnection: false, timeout: 5000 });
    const got = await new Promise<'connect' | 'error' | 'timeout'>((resolve) => {
      const t = setTimeout(() => resolve('timeout'), 6000);
      s.once('connect', () => {
        clearTimeout(t);
        resolve('connect');
      });
      s.once('connect_error', () => {
        clearTimeout(t);
        resolve('error');
      });
      // A CONNECT packet the server cannot read closes the transport instead.
      s.io.engine?.once('close', () => {
        clearTimeout(t);
        resolve('error');
      });
    });
    s.close();
    const tokenOk = typeof (a as { token?: unknown } | null)?.token === 'string' && [...this.tokens.values()].includes((a as { token: string }).token);
    if (got === 'connect' && !tokenOk) {
      this.counts.authBypass++;
      this.note(`handshake accepted without a valid token: ${JSON.stringify(a).slice(0, 200)}`);
    }
    return { target: 'socket handshake', result: got === 'timeout' ? 'hang' : 'answered', mayChange: false, note: got === 'timeout' ? `auth ${JSON.stringify(a)?.slice(0, 200)}` : undefined };
  }

  private socket(r: Rng): Socket | null {
    const s = this.sockets.get(r.weighted({ admin: 5, supervisor: 1, xinzhuang: 2, enforcement: 2 }));
    return s?.connected ? s : null;
  }

  private eventArgs(r: Rng, name: string): unknown[] {
    const base: unknown = { catchup: { afterSeq: r.int(0, 5000), limit: r.int(1, 5000) }, subscribe: { afterSeq: r.int(0, 5000) }, snapshot: { snapshotId: null, page: 0 }, command: this.validCommand(r), whoami: {} }[name] ?? randomValue(r, 2);
    const w = r.weighted({ valid: 2, mutated: 6, random: 2, deep: 0.2, extra: 1, none: 0.5, nastyNumbers: 1 });
    switch (w) {
      case 'valid': return [base];
      case 'mutated': return [mutateN(r, base)];
      case 'random': return [randomValue(r, 3)];
      case 'deep': return [deep(r, r.pick([100, 1000]))];
      case 'extra': return [base, randomValue(r, 1), randomValue(r, 1)];
      case 'nastyNumbers': {
        try {
          return [JSON.parse(JSON.stringify(base ?? null).replace(/(?<=[:,[])\d+/, r.pick(['"NaN"', '"Infinity"', '1e400', '-1', '1.5', '9007199254740993']))) as unknown];
        } catch {
          return [base];
        }
      }
      default: return [];
    }
  }

  /** After a message without an ack: a whoami with one tells when the hub has dealt with it. */
  private async ping(s: Socket): Promise<boolean> {
    try {
      await s.timeout(5000).emitWithAck('whoami', {});
      return true;
    } catch {
      return false;
    }
  }

  private async event(r: Rng): Promise<Outcome> {
    const s = this.socket(r);
    if (!s) {
      await waitFor(() => [...this.sockets.values()].every((x) => x.connected), 5000);
      return { target: 'socket event', result: 'answered', mayChange: false, note: 'no connected socket (skipped)' };
    }
    const known = r.chance(0.85);
    let name: string = known ? r.pick(KNOWN_EVENTS) : r.chance(0.5) ? r.pick(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'events', 'positions', 'error', 'Command', 'command ']) : randomString(r, 30);
    if (CLIENT_RESERVED.has(name)) name = `x${name}`;
    const args = this.eventArgs(r, name);
    const target = `socket ${known ? name : 'unknown-event'}`;
    const d0 = this.disconnects;
    const gone = (): Result => (this.disconnects !== d0 || !s.connected ? 'closed' : 'hang');
    if (!known || r.chance(0.15)) {
      // No ack: the hub may only drop it; a known event's drop is logged.
      const before = this.dropLines;
      s.emit(name, ...args);
      const alive = await this.ping(s);
      if (!alive) return { target, result: gone(), mayChange: false };
      if (!known) return { target, result: 'dropped-unlogged', mayChange: false };
      const logged = await waitFor(() => this.dropLines > before, 500, 5);
      return { target, result: logged ? 'dropped-logged' : 'dropped-unlogged', mayChange: false };
    }
    // With an ack. A ping sent right after tells when the hub has dealt with the message (it
    // handles a socket's packets in order; commands are acked after their batch, so a command's
    // ping is a command too): no ack by then means the message was dropped.
    const before = this.dropLines;
    const NONE = Symbol('none');
    let ack: unknown = NONE;
    void s.timeout(8000).emitWithAck(name, ...args).then((v: unknown) => (ack = v), () => undefined);
    const alive = name === 'command' ? await s.timeout(8000).emitWithAck('command', {}).then(() => true, () => false) : await this.ping(s);
    if (!alive) return { target, result: gone(), mayChange: false, note: `${name} ${JSON.stringify(args).slice(0, 300)}` };
    if (await waitFor(() => ack !== NONE, 300, 2)) return { target, result: 'answered', mayChange: name === 'command' && (ack as { ok?: unknown } | null)?.ok === true };
    const logged = await waitFor(() => this.dropLines > before, 500, 5);
    if (logged) this.counts.ackIgnored++;
    if (logged && this.counts.ackIgnored <= 3) this.note(`${name} with ${args.length} argument(s) before its ack was dropped as "no ack"; the client waits for its timeout: ${JSON.stringify(args).slice(0, 200)}`);
    return { target, result: logged ? 'dropped-logged' : 'dropped-unlogged', mayChange: false, note: `${name} ${JSON.stringify(args).slice(0, 300)}` };
  }

  // ---- raw engine.io / socket.io frames ------------------------------------------------------

  private async rawSocket(): Promise<RawSocket | null> {
    if (this.raw && !this.raw.closed) return this.raw;
    const sock = await RawSocket.open(`ws://127.0.0.1:${this.hub.port}/socket.io/?EIO=4&transport=websocket`);
    if ('refused' in sock) return null;
    const open = await sock.waitFor((t) => t.startsWith('0{'), 5000);
    if (!open) {
      sock.close();
      return null;
    }
    sock.reset();
    sock.send('40' + JSON.stringify({ token: this.tokens.get('admin') }));
    const ok = await sock.waitFor((t) => t.startsWith('40') || t.startsWith('44'), 5000);
    if (!ok?.startsWith('40')) {
      sock.close();
      return null;
    }
    // Answer the server's pings (engine.io heartbeats) so the connection stays.
    sock.ws.on('message', (d: Buffer) => {
      if (d.toString() === '2') sock.send('3');
    });
    this.raw = sock;
    return sock;
  }

  /** The ping after a frame got no answer: closed, the namespace left, or a real hang. */
  private async noPong(sock: RawSocket, target: string): Promise<Outcome> {
    if (sock.closed) return { target, result: 'closed', mayChange: false };
    // The frame may have left the namespace (a DISCONNECT packet, '41'): the transport is
    // open but the namespace ignores what follows. Connecting it again tells.
    sock.reset();
    sock.send('40' + JSON.stringify({ token: this.tokens.get('admin') }));
    const again = await sock.waitFor((t) => t.startsWith('40{') || t.startsWith('44'), 3000);
    if (again?.startsWith('40{')) return { target, result: 'closed', mayChange: false, note: 'namespace closed' };
    sock.close();
    return { target, result: 'hang', mayChange: false };
  }

  private async rawFrame(r: Rng): Promise<Outcome> {
    const sock = await this.rawSocket();
    if (!sock) return { target: 'raw frame', result: 'hang', mayChange: false, note: 'could not open a raw socket.io connection' };
    const ackId = r.int(1, 1e6);
    const name = r.chance(0.8) ? r.pick(KNOWN_EVENTS) : randomString(r, 20);
    const args = this.eventArgs(r, name);
    const w = r.weighted({ event: 5, garbage: 2, truncated: 2, placeholder: 1.5, binary: 1, utf8: 0.7, huge: 0.1, clientAck: 1, connectAgain: 0.5, nested: 0.3 });
    sock.reset();
    let expectAck = false;
    let mayChange = false;
    switch (w) {
      case 'event':
        expectAck = r.chance(0.8);
        sock.send(`42${expectAck ? ackId : ''}${JSON.stringify([name, ...args])}`);
        break;
      case 'garbage': sock.send(r.pick(['', '4', '42', '4X', '9', '6', '42[', '42[]', '42[1]', '42[null]', '42{"a":1}', '42"command"', '42[["command"]]', '41', '40{', '44', '4' + randomString(r, 30), randomString(r, 50)])); break;
      case 'truncated': {
        const full = `42${ackId}${JSON.stringify([name, ...args])}`;
        sock.send(full.slice(0, r.int(2, full.length)));
        break;
      }
      case 'placeholder': {
        // Binary placeholders that point nowhere, or outside a binary packet (old socket.io-parser crash shapes).
        const ph = r.pick([{ _placeholder: true, num: 0 }, { _placeholder: true, num: 99 }, { _placeholder: true, num: -1 }, { _placeholder: true, num: '__proto__' }, { _placeholder: true }]);
        const frame = r.pick([`451-${ackId}["command",${JSON.stringify(ph)}]`, `42${ackId}["command",${JSON.stringify(ph)}]`, `45${r.pick(['0', '2', '99999999', '-1', 'x'])}-${ackId}["whoami",${JSON.stringify(ph)}]`]);
        sock.send(frame);
        if (r.chance(0.5)) sock.send(Buffer.from(randomString(r, 20)), true);
        break;
      }
      case 'binary': sock.send(Buffer.from(Array.from({ length: r.int(0, 64) }, () => r.int(0, 255))), true); break;
      case 'utf8': sock.ws.send(invalidUtf8(r, `42${ackId}["whoami",{}]`), { binary: false }); break;
      case 'huge': sock.send(`42${ackId}["command",${JSON.stringify({ x: 'y'.repeat(2 * 1024 * 1024 + 100) })}]`); break;
      case 'clientAck': sock.send(`43${r.int(0, 1e9)}${JSON.stringify([randomValue(r, 2)])}`); break;
      case 'connectAgain': sock.send('40' + JSON.stringify(mutate(r, { token: this.tokens.get('admin') }))); break;
      default: sock.send(`42${ackId}["command",${deepJsonText(r.pick([1000, 100_000]), r.chance(0.5))}]`); break;
    }
    if (expectAck) {
      const before = this.dropLines;
      const pingId = ackId + 1;
      sock.send(name === 'command' ? `42${pingId}["command",{}]` : `42${pingId}["whoami",{}]`);
      const pong = await sock.waitFor((t) => t.startsWith(`43${pingId}[`), 8000);
      if (!pong) return this.noPong(sock, `raw frame ${w}`);
      const ack = await sock.waitFor((t) => t.startsWith(`43${ackId}[`), 300);
      if (!ack) {
        const logged = await waitFor(() => this.dropLines > before, 500, 5);
        return { target: `raw frame ${w}`, result: logged ? 'dropped-logged' : 'dropped-unlogged', mayChange: false, note: `no ack for ${name}` };
      }
      try {
        mayChange = name === 'command' && (JSON.parse(ack.slice(2 + String(ackId).length)) as Array<{ ok?: unknown }>)[0]?.ok === true;
      } catch {
        mayChange = false;
      }
      return { target: `raw frame ${w}`, result: 'answered', mayChange };
    }
    // No ack asked for: a ping tells whether the connection still lives; a known event without
    // an ack must be dropped with a line in the hub's log.
    const before = this.dropLines;
    const pingId = ackId + 1;
    sock.send(`42${pingId}["whoami",{}]`);
    const pong = await sock.waitFor((t) => t.startsWith(`43${pingId}[`), 5000);
    if (!pong) return this.noPong(sock, `raw frame ${w}`);
    const known = w === 'event' && (KNOWN_EVENTS as readonly string[]).includes(name);
    const logged = known && (await waitFor(() => this.dropLines > before, 500, 5));
    return { target: `raw frame ${w}`, result: logged ? 'dropped-logged' : 'dropped-unlogged', mayChange: false };
  }
}

