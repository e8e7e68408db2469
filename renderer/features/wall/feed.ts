/**
 * What the wall reads from the bridge besides the store: emergency operations (the snapshot and
 * the change batches may carry them; read defensively, the app's batch normaliser drops them
 * today), the live feed of the ticker (bounded), and the alerts that interrupt the rotation (a
 * new urgent case, a new or escalated operation). It taps the bridge the store is given, so it
 * sees every batch once, before the store applies it, at the cost of the batch's size only.
 */
import type { ChangeBatch, LinkageBridge, Snapshot } from '../../../shared/bridge/contract';
import type { Case, Operation } from '../../../shared/protocol/entities';

/** Reports older than this when they reach the wall are catch-up, not news (as the console's alarms). */
export const ALERT_FRESH_MS = 10 * 60_000;
export const TICKER_KEEP = 40;

export type WallAlert = { kind: 'case' | 'operation'; id: string; at: number };

export interface TickerItem {
  key: string;
  caseId: string;
  kind: 'status' | 'overdue';
  status: Case['status'];
  urgency: Case['urgency'];
  categoryCode: string;
  subdistrictCode: string;
  address: string;
  at: number;
}

export interface FeedState {
  /** Active operations first (highest level first), then the stood-down, newest first. */
  operations: Operation[];
  ticker: TickerItem[];
  /** Batches seen since the last snapshot (for tests and the soak). */
  batches: number;
}

/** A new report of urgency urgent, fresh, that this window had not seen. */
export function isUrgentArrival(c: Case, before: Case | undefined, now: number): boolean {
  return !before && c.status === 'reported' && c.urgency === 'urgent' && now - c.reportedAt <= ALERT_FRESH_MS;
}

/** An operation just activated, or escalated (a lower level number is a higher level). */
export function isOperationAlert(op: Operation, before: Operation | undefined, now: number): boolean {
  if (op.status !== 'active') return false;
  if (!before) return now - op.activatedAt <= ALERT_FRESH_MS;
  return op.level < before.level && now - op.updatedAt <= ALERT_FRESH_MS;
}

export function tickerItem(c: Case, before: Case | undefined): TickerItem | null {
  const kind: TickerItem['kind'] | null = !before || before.status !== c.status ? 'status'
    : before.overdueAt === null && c.overdueAt !== null ? 'overdue' : null;
  if (!kind) return null;
  return {
    key: `${c.id}:${kind}:${c.status}`, caseId: c.id, kind, status: c.status, urgency: c.urgency,
    categoryCode: c.categoryCode, subdistrictCode: c.subdistrictCode, address: c.address,
    at: kind === 'overdue' ? (c.overdueAt ?? c.updatedAt) : c.updatedAt,
  };
}

export function compareOperations(a: Operation, b: Operation): number {
  const act = Number(b.status === 'active') - Number(a.status === 'active');
  return act || a.level - b.level || b.activatedAt - a.activatedAt || (a.id < b.id ? -1 : 1);
}

export interface FeedOptions {
  /** The case as the window's store has it now (before this batch applies). */
  caseBefore(id: string): Case | undefined;
  now?: () => number;
  keep?: number;
}

export class WallFeed {
  private ops = new Map<string, Operation>();
  private ticker: TickerItem[] = [];
  private state: FeedState = { operations: [], ticker: [], batches: 0 };
  private listeners = new Set<() => void>();
  private alertListeners = new Set<(a: WallAlert) => void>();
  /** Alerted ids, so two batches of one frame do not alert twice (bounded). */
  private alerted: string[] = [];
  private loaded = false;
  private batches = 0;

  constructor(private readonly opts: FeedOptions) {}

  private get now(): number {
    return (this.opts.now ?? Date.now)();
  }

  getState = (): FeedState => this.state;

  subscribe = (l: () => void): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };

  onAlert(l: (a: WallAlert) => void): () => void {
    this.alertListeners.add(l);
    return () => this.alertListeners.delete(l);
  }

  /** A whole snapshot: operations replaced, the ticker seeded with the latest changes. No alerts. */
  reset(snapshot: Pick<Snapshot, 'cases'> & { operations?: Operation[] | null }): void {
    this.ops = new Map((Array.isArray(snapshot.operations) ? snapshot.operations : []).map((o) => [o.id, o]));
    const keep = this.opts.keep ?? TICKER_KEEP;
    this.ticker = [...snapshot.cases].sort((a, b) => b.updatedAt - a.updatedAt).slice(0, keep)
      .map((c) => tickerItem(c, undefined)!);
    this.loaded = true;
    this.batches = 0;
    this.publish(true);
  }

  apply(raw: Partial<ChangeBatch>): void {
    const now = this.now;
    const alerts: WallAlert[] = [];
    let opsChanged = false;
    const ops = Array.isArray(raw.operations) ? raw.operations : [];
    for (const op of ops) {
      const before = this.ops.get(op.id);
      if (before && before.version > op.version) continue;
      if (this.loaded && isOperationAlert(op, before, now)) alerts.push({ kind: 'operation', id: op.id, at: now });
      this.ops.set(op.id, op);
      opsChanged = true;
    }
    for (const id of raw.removed?.operations ?? []) opsChanged = this.ops.delete(id) || opsChanged;

    const fresh: TickerItem[] = [];
    for (const c of raw.cases ?? []) {
      const before = this.opts.caseBefore(c.id);
      if (before && before.version >= c.version) continue;
      if (this.loaded && isUrgentArrival(c, before, now)) alerts.push({ kind: 'case', id: c.id, at: now });
      const item = tickerItem(c, before);
      if (item) fresh.push(item);
    }
    if (fresh.length) {
      const keep = this.opts.keep ?? TICKER_KEEP;
      fresh.sort((a, b) => b.at - a.at);
      const keys = new Set(fresh.map((x) => x.key));
      this.ticker = [...fresh, ...this.ticker.filter((x) => !keys.has(x.key))].slice(0, keep);
    }
    this.batches += 1;
    if (opsChanged || fresh.length) this.publish(opsChanged);
    for (const a of alerts) {
      const key = `${a.kind}:${a.id}:${a.kind === 'operation' ? this.ops.get(a.id)?.level : ''}`;
      if (this.alerted.includes(key)) continue;
      this.alerted = [key, ...this.alerted].slice(0, 200);
      for (const l of this.alertListeners) l(a);
    }
  }

  private publish(opsChanged: boolean): void {
    this.state = {
      operations: opsChanged ? [...this.ops.values()].sort(compareOperations) : this.state.operations,
      ticker: this.ticker,
      batches: this.batches,
    };
    for (const l of this.listeners) l();
  }
}

/**
 * The bridge as the wall's store sees it, with the feed listening in. Every call is forwarded;
 * browser mode's link extras (onLink, onResync) are kept so the store still sees the page's link.
 */
export function tapBridge(bridge: LinkageBridge, feed: WallFeed): LinkageBridge {
  const tapped: LinkageBridge & Record<string, unknown> = {
    snapshot: async () => {
      const s = await bridge.snapshot();
      feed.reset(s);
      return s;
    },
    district: () => bridge.district(),
    command: (...a) => bridge.command(...a),
    search: (t) => bridge.search(t),
    caseDetail: (id) => bridge.caseDetail(id),
    setSettings: (p) => bridge.setSettings(p),
    accounts: () => bridge.accounts(),
    switchUser: (u) => bridge.switchUser(u),
    login: (u, p) => bridge.login(u, p),
    onChanges: (l) => bridge.onChanges((b) => {
      try {
        feed.apply(b);
      } catch (e) {
        console.error('[wall] feed', e);
      }
      l(b);
    }),
  };
  const extra = bridge as unknown as Record<string, unknown>;
  for (const k of ['onLink', 'onResync']) {
    if (typeof extra[k] === 'function') tapped[k] = (extra[k] as (...a: unknown[]) => unknown).bind(bridge);
  }
  return tapped;
}
