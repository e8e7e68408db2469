/**
 * An officer at a workstation: a real core process (CoreClient.spawn) behind its own fault
 * proxy, and random actions through it — legal ones, illegal ones and bad input — with the
 * versions its replica shows (kept current from the core's change batches, as a window does).
 */
import { CoreClient } from '../../main/core/host/client';
import type { ChangeBatch } from '../../main/core/model';
import type { Camera, Case, CommandType, Unit, User } from '../../shared/protocol';
import type { CodeSnapshot } from './code';
import type { FaultProxy } from './proxy';
import { sleep, waitFor, withTimeout, type Rng } from './random';
import { LIAISON_DEPARTMENTS, OTHER_DEPARTMENTS, XINZHUANG, reportPayload, SUBDISTRICTS } from './world';

export type ActorKind = 'officer' | 'scoped' | 'liaison';

export interface ActorSpec {
  username: string;
  password: string;
  user: User;
  kind: ActorKind;
}

interface Choice { type: string; payload: unknown; expectedVersion: unknown; intent: string }

const FAULT_POINTS = ['kill-after-enqueue', 'kill-after-send', 'kill-before-settle'] as const;
export type FaultPoint = (typeof FAULT_POINTS)[number];
export { FAULT_POINTS };

export class CoreActor {
  client: CoreClient | null = null;
  readonly cases = new Map<string, Case>();
  readonly units = new Map<string, Unit>();
  readonly cameras = new Map<string, Camera>();
  /** Every commandId the core returned: on disk in its outbox at that moment. */
  readonly enqueued = new Set<string>();
  readonly stats = { calls: 0, enqueued: 0, refusedAtCore: 0, failedCalls: 0, byIntent: {} as Record<string, number> };
  readonly logs: string[] = [];
  /** Exits of the core process nobody asked for. */
  readonly crashes: Array<{ at: number; code: number | null; signal: NodeJS.Signals | null; logs: string[] }> = [];
  starts = 0;
  private expectingExit = false;
  private needRefresh = false;
  private offChanges: (() => void) | null = null;

  /**
   * `proxy`: the fault proxy in front of the one hub; null when `hubs` names a cluster's nodes
   * (the cluster run kills nodes instead of cutting links).
   */
  constructor(readonly spec: ActorSpec, readonly dataDir: string, readonly proxy: FaultProxy | null, private readonly code: CodeSnapshot | null = null, private readonly ackTimeoutMs = 1500, private readonly hubs: string | null = null) {}

  get name(): string {
    return this.spec.username;
  }

  get alive(): boolean {
    return this.client?.alive === true;
  }

  senderStops = 0;

  private log(m: string): void {
    if (/outbox sender (stopped|paused)/.test(m)) this.senderStops++;
    this.logs.push(`${new Date().toISOString().slice(11, 23)} ${m}`);
    if (this.logs.length > 300) this.logs.splice(0, this.logs.length - 300);
  }

  /** Starts the core process (with a kill point when `fault` is set) and starts syncing. */
  async spawn(fault?: FaultPoint): Promise<void> {
    if (this.alive) return;
    this.offChanges?.();
    this.offChanges = null;
    const client = await CoreClient.spawn(
      { dataDir: this.dataDir, hubUrl: this.hubs ?? this.proxy!.url, username: this.spec.username, password: this.spec.password, ackTimeoutMs: this.ackTimeoutMs },
      { fault, onLog: (m) => this.log(m), startTimeoutMs: 30_000, ...(this.code ? { entry: this.code.coreEntry, execArgv: this.code.execArgv } : {}) },
    );
    this.client = client;
    this.starts++;
    this.expectingExit = fault !== undefined;
    client.onExit((code, signal) => {
      if (!this.expectingExit) this.crashes.push({ at: Date.now(), code, signal, logs: this.logs.slice(-20) });
      this.log(`core process ended (${signal ?? code})`);
    });
    this.offChanges = client.onChanges((b) => this.take(b));
    await client.start();
    await this.refresh();
  }

  /** SIGKILL, as a crash or a power cut would. */
  async kill(): Promise<void> {
    const c = this.client;
    if (!c || !c.alive) return;
    this.expectingExit = true;
    c.kill('SIGKILL');
    await withTimeout(c.exit(), 10_000, `${this.name} exit`).catch(() => undefined);
  }

  /** A clean stop (closes its files). */
  async stop(): Promise<void> {
    const c = this.client;
    if (!c || !c.alive) return;
    this.expectingExit = true;
    await withTimeout(c.stop(), 15_000, `${this.name} stop`).catch(() => c.kill('SIGKILL'));
  }

  private take(b: ChangeBatch): void {
    if (b.reset) this.needRefresh = true;
    for (const c of b.cases) this.cases.set(c.id, c);
    for (const u of b.units) this.units.set(u.id, u);
    for (const c of b.cameras) this.cameras.set(c.id, c);
    for (const id of b.removed.cases) this.cases.delete(id);
    for (const id of b.removed.units) this.units.delete(id);
    for (const id of b.removed.cameras) this.cameras.delete(id);
  }

  async refresh(): Promise<void> {
    const c = this.client;
    if (!c?.alive) return;
    const snap = await c.snapshot();
    this.needRefresh = false;
    this.cases.clear();
    this.units.clear();
    this.cameras.clear();
    for (const x of snap.cases) this.cases.set(x.id, x);
    for (const x of snap.units) this.units.set(x.id, x);
    for (const x of snap.cameras) this.cameras.set(x.id, x);
  }

  /** Online, outbox empty and caught up with the hub's head. */
  async settled(headSeq: number): Promise<boolean> {
    const c = this.client;
    if (!c?.alive) return false;
    const conn = await c.connection();
    return conn.state === 'online' && conn.pending === 0 && conn.lastSeq >= headSeq;
  }

  async waitOnline(ms: number): Promise<boolean> {
    return waitFor(async () => (await this.client?.connection())?.state === 'online', ms, 50);
  }

  /** One random action of this officer, as the UI would send it (or as a hostile one would). */
  async act(r: Rng): Promise<void> {
    const c = this.client;
    if (!c?.alive) return;
    if (this.needRefresh) await this.refresh().catch(() => undefined);
    const choice = this.choose(r);
    this.stats.calls++;
    this.stats.byIntent[choice.intent] = (this.stats.byIntent[choice.intent] ?? 0) + 1;
    try {
      const { commandId } = await c.command(choice.type as CommandType, choice.payload, choice.expectedVersion as number | null);
      this.enqueued.add(commandId);
      this.stats.enqueued++;
    } catch (e) {
      if ((e as { code?: string }).code === 'invalid_input') this.stats.refusedAtCore++;
      else this.stats.failedCalls++; // the process died under the call, or its disk refused the write
    }
  }

  private pickCase(r: Rng, statuses: readonly string[] | null): Case | null {
    const list = [...this.cases.values()].filter((c) => statuses === null || statuses.includes(c.status));
    return list.length ? r.pick(list) : null;
  }

  private choose(r: Rng): Choice {
    const kind = this.spec.kind;
    const report = (): Choice => {
      const sub = kind === 'scoped' ? XINZHUANG : r.pick(SUBDISTRICTS);
      return { type: 'case.report', payload: reportPayload(r, sub, `${this.name} 上报`), expectedVersion: null, intent: 'report' };
    };
    const on = (statuses: readonly string[] | null, type: string, payload: (c: Case) => Record<string, unknown>, intent: string): Choice => {
      const c = this.pickCase(r, statuses);
      if (!c) return report();
      return { type, payload: { caseId: c.id, ...payload(c) }, expectedVersion: c.version, intent };
    };
    const illegal = (): Choice => {
      const c = this.pickCase(r, null);
      const what = r.weighted({ stale: 4, transition: 4, missing: 2, forbidden: 2, department: 1, merge: 1, outOfScope: kind === 'scoped' ? 3 : 0 });
      if (what === 'outOfScope') return { type: 'case.report', payload: reportPayload(r, r.pick(SUBDISTRICTS.filter((s) => s !== XINZHUANG))), expectedVersion: null, intent: 'illegal:outOfScope' };
      if (!c || what === 'missing') return { type: 'case.register', payload: { caseId: `MH-NONE-${r.int(1, 1e9)}` }, expectedVersion: 1, intent: 'illegal:missing' };
      switch (what) {
        case 'stale': return { type: 'case.comment', payload: { caseId: c.id, text: '旧版本' }, expectedVersion: c.version > 1 ? c.version - 1 : c.version + 5, intent: 'illegal:stale' };
        case 'transition': return { type: r.pick(['case.register', 'case.verify', 'case.resume', 'case.accept'] as const), payload: { caseId: c.id, passed: true, reason: 'x', note: 'x' }, expectedVersion: c.version, intent: 'illegal:transition' };
        case 'forbidden': return { type: kind === 'liaison' ? 'case.register' : 'case.resolve', payload: { caseId: c.id, note: '越权' }, expectedVersion: c.version, intent: 'illegal:forbidden' };
        case 'department': return { type: 'case.dispatch', payload: { caseId: c.id, departments: ['no-such-department'] }, expectedVersion: c.version, intent: 'illegal:department' };
        default: return { type: 'case.merge', payload: { caseId: c.id, intoCaseId: c.id }, expectedVersion: c.version, intent: 'illegal:merge' };
      }
    };
    const badInput = (): Choice => {
      const c = this.pickCase(r, null);
      return r.pick<Choice>([
        { type: 'case.nonsense', payload: {}, expectedVersion: null, intent: 'bad:type' },
        { type: 'case.register', payload: { caseId: '' }, expectedVersion: 1, intent: 'bad:payload' },
        { type: 'case.comment', payload: { caseId: c?.id ?? 'x', text: '' }, expectedVersion: null, intent: 'bad:payload' },
        { type: 'case.report', payload: { ...reportPayload(r), point: [999, 999] }, expectedVersion: null, intent: 'bad:payload' },
        { type: 'case.register', payload: { caseId: c?.id ?? 'x' }, expectedVersion: 0, intent: 'bad:version' },
        { type: 'case.register', payload: { caseId: c?.id ?? 'x' }, expectedVersion: 1.5, intent: 'bad:version' },
        { type: 'case.report', payload: null, expectedVersion: null, intent: 'bad:payload' },
      ]);
    };
    const unit = (): Choice => {
      const list = [...this.units.values()];
      if (!list.length) return report();
      const u = r.pick(list);
      return { type: 'unit.setStatus', payload: { unitId: u.id, status: r.pick(['available', 'enroute', 'busy', 'offline'] as const) }, expectedVersion: r.chance(0.9) ? u.version : null, intent: 'unit' };
    };
    const camera = (): Choice => {
      const list = [...this.cameras.values()];
      if (!list.length) return report();
      const x = r.pick(list);
      return { type: 'camera.setStatus', payload: { cameraId: x.id, status: r.pick(['online', 'offline', 'fault'] as const) }, expectedVersion: x.version, intent: 'camera' };
    };

    if (kind === 'liaison') {
      const w = r.weighted({ accept: 16, return: 5, progress: 8, resolve: 12, comment: 5, report: 3, illegal: 8, bad: 3 });
      switch (w) {
        case 'accept': return on(['dispatched', 'reopened'], 'case.accept', () => ({ note: '已接单' }), 'accept');
        case 'return': return on(['dispatched'], 'case.return', () => ({ reason: '非本部门职责' }), 'return');
        case 'progress': return on(['accepted', 'reopened'], 'case.progress', () => ({ note: '处置中' }), 'progress');
        case 'resolve': return on(['accepted', 'reopened'], 'case.resolve', () => ({ note: '已处置完毕' }), 'resolve');
        case 'comment': return on(null, 'case.comment', () => ({ text: '部门备注' }), 'comment');
        case 'report': return report();
        case 'illegal': return illegal();
        default: return badInput();
      }
    }
    const w = r.weighted({ report: 18, register: 12, reject: 3, dispatch: 14, verify: 9, suspend: 3, resume: 3, comment: 5, attach: 2, unit: 5, camera: 4, illegal: 10, bad: 3 });
    switch (w) {
      case 'report': return report();
      case 'register': return on(['reported'], 'case.register', () => ({ note: '立案' }), 'register');
      case 'reject': return on(['reported'], 'case.reject', () => ({ reason: '重复上报' }), 'reject');
      case 'dispatch': return on(['registered', 'returned'], 'case.dispatch', () => ({
        departments: r.chance(0.85) ? [r.pick(LIAISON_DEPARTMENTS)] : [r.pick(OTHER_DEPARTMENTS)],
        ...(r.chance(0.3) ? { handlingHours: r.int(1, 72) } : {}),
      }), 'dispatch');
      case 'verify': return on(['resolved'], 'case.verify', () => ({ passed: r.chance(0.7), note: '核查' }), 'verify');
      case 'suspend': return on(['registered', 'dispatched', 'accepted', 'returned', 'reopened'], 'case.suspend', () => ({ reason: '延期申请', extendHours: r.int(1, 48) }), 'suspend');
      case 'resume': return on(['suspended'], 'case.resume', () => ({ note: '恢复' }), 'resume');
      case 'comment': return { ...on(null, 'case.comment', () => ({ text: '值班备注' }), 'comment'), expectedVersion: null };
      case 'attach': return on(['reported', 'registered', 'dispatched', 'accepted'], 'case.attach', () => ({ attachment: { id: `att-${r.int(1, 1e9)}`, name: '现场照片.jpg', mime: 'image/jpeg', size: r.int(1, 1e6) } }), 'attach');
      case 'unit': return unit();
      case 'camera': return camera();
      case 'illegal': return illegal();
      default: return badInput();
    }
  }

  /** Acts at random intervals until `running()` turns false. */
  async loop(r: Rng, running: () => boolean, gap: [number, number] = [20, 200]): Promise<void> {
    while (running()) {
      await withTimeout(this.act(r), 20_000, `${this.name} action`).catch(() => {
        this.stats.failedCalls++;
      });
      await sleep(r.int(gap[0], gap[1]));
    }
  }
}
