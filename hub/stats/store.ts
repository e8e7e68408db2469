/**
 * The hub's statistics store: `case_facts` kept from the event log (one row per case and per
 * department it was dispatched to), and the daily/monthly rollups the queries read. Derived
 * data only — the event log stays the truth:
 *  - live: `core.onEvents` queues the committed events; they are folded into the facts and the
 *    rollups in one transaction per burst (on the next tick, or before any query runs);
 *  - start: the facts carry the last seq they include (`stats_facts_seq` in meta, written in the
 *    same transaction), so the hub catches up from there; a new definitions version, or a log
 *    compacted past that seq, rebuilds everything from the events (cases whose first events were
 *    compacted away are taken from their current state, see `factsFromSnapshot`).
 * Durability: these transactions run with synchronous=NORMAL (WAL): a power cut can lose the
 * last of them, never corrupt them, and the seq mark makes the next start redo what was lost.
 */
import type { HubCore } from '../core';
import type { Db } from '../store/db';
import type { Case, HubEvent } from '../../shared/protocol';
import {
  FACTS_VERSION, addTo, forEachContribution, emptyTally, factsFromSnapshot, foldCaseEvent, localDay, localHour, localMonth, mergeTally, dayStart,
  COUNT_METRICS, STAGES, type CaseFact, type Tally,
} from '../../shared/domain/assessment';
import { FACT_COLUMNS, ROLLUP_NUMBERS, SLIM_COLUMNS, addRollupRow, histJson, rowValues, slimFact, tallyNumbers, toFact, type FactRow } from './rows';

const META_SEQ = 'stats_facts_seq';
const META_VERSION = 'stats_facts_version';
const CHUNK = 5000;

interface LogRow { seq: number; at: number; type: string; entity: string; id: string; data: string }

type Entry = { dim: string; sub: string; grain: 'd' | 'm'; start: number; key: string };
type AssessEntry = Entry & { t: Tally };
type DemandEntry = Entry & { n: number };

const STARRED_DEMANDS = new Set(['category', 'bigClass', 'source', 'hour']);

/**
 * Rollup changes, netted per rollup row before they are written. Rows are found by a number:
 * (interned dim/sub/key) × grain × start, so a million facts cost map lookups, not strings.
 * `live`: every fact adds to its day and month rows, per subdistrict and for '*'. Otherwise
 * (a rebuild) only the per-subdistrict day rows are summed; `derive` adds months and '*' after.
 */
class RollupDelta {
  private readonly prefixes = new Map<string, Map<string, Map<string, number>>>();
  private readonly prefixList: Array<{ dim: string; sub: string; key: string }> = [];
  readonly assess = new Map<number, AssessEntry>();
  readonly demand = new Map<number, DemandEntry>();

  constructor(private readonly live: boolean) {}

  private prefix(dim: string, sub: string, key: string): number {
    let bySub = this.prefixes.get(dim);
    if (!bySub) this.prefixes.set(dim, (bySub = new Map()));
    let byKey = bySub.get(sub);
    if (!byKey) bySub.set(sub, (byKey = new Map()));
    let id = byKey.get(key);
    if (id === undefined) {
      id = this.prefixList.length;
      byKey.set(key, id);
      this.prefixList.push({ dim, sub, key });
    }
    return id;
  }

  private entry<E extends Entry>(map: Map<number, E>, prefix: number, grain: 'd' | 'm', start: number, make: () => Omit<E, keyof Entry>): E {
    // A small integer (V8 Smi) while prefixes < 2^13 and day numbers < 2^16 (the year 2149).
    const id = (prefix * 2 + (grain === 'd' ? 0 : 1)) * 65_536 + start;
    let e = map.get(id);
    if (!e) {
      const p = this.prefixList[prefix]!;
      map.set(id, (e = { dim: p.dim, sub: p.sub, key: p.key, grain, start, ...make() } as E));
    }
    return e;
  }

  private tally(prefix: number, grain: 'd' | 'm', start: number): Tally {
    return this.entry(this.assess, prefix, grain, start, () => ({ t: emptyTally() })).t;
  }

  /** Adds (sign 1) or takes away (−1) everything a fact contributes. */
  add(f: CaseFact, sign: 1 | -1): void {
    const targets = f.dept
      ? (this.live ? [this.prefix('department', f.subdistrict, f.dept), this.prefix('department', '*', f.dept)] : [this.prefix('department', f.subdistrict, f.dept)])
      : (this.live ? [this.prefix('subdistrict', f.subdistrict, f.subdistrict), this.prefix('subdistrict', '*', '*')] : [this.prefix('subdistrict', f.subdistrict, f.subdistrict)]);
    // Contributions at the same instant share their rollup rows: look those up once.
    let lastAt = NaN;
    let rows: Tally[] = [];
    forEachContribution(f, (metric, stage, at, ms) => {
      if (at !== lastAt) {
        lastAt = at;
        const d = localDay(at);
        rows = [];
        for (const p of targets) {
          rows.push(this.tally(p, 'd', d));
          if (this.live) rows.push(this.tally(p, 'm', localMonth(at)));
        }
      }
      for (const t of rows) addTo(t, metric, stage, ms, sign);
    });
    if (f.dept !== '') return;
    const d = localDay(f.reportedAt);
    const m = this.live ? localMonth(f.reportedAt) : 0;
    const s = f.subdistrict;
    const dims: Array<[string, string]> = [
      ['subdistrict', s], ['community', f.community], ['category', f.category], ['bigClass', f.category.slice(0, 2)],
      ['source', f.source], ['hour', String(localHour(f.reportedAt))],
    ];
    for (const [dim, key] of dims) {
      const subs = this.live && STARRED_DEMANDS.has(dim) ? [s, '*'] : [s];
      for (const sub of subs) {
        const p = this.prefix(dim, sub, key);
        this.entry(this.demand, p, 'd', d, () => ({ n: 0 })).n += sign;
        if (this.live) this.entry(this.demand, p, 'm', m, () => ({ n: 0 })).n += sign;
      }
    }
  }

  /** After a rebuild pass: month rows from the day rows, and '*' rows from the subdistricts'. */
  derive(): void {
    for (const e of [...this.assess.values()]) {
      const month = localMonth(dayStart(e.start));
      const targets = [this.prefix(e.dim, e.sub, e.key), this.prefix(e.dim, '*', e.dim === 'department' ? e.key : '*')];
      for (const p of targets) {
        if (p !== targets[0]) mergeTally(this.tally(p, 'd', e.start), e.t);
        mergeTally(this.tally(p, 'm', month), e.t);
      }
    }
    for (const e of [...this.demand.values()]) {
      const month = localMonth(dayStart(e.start));
      const targets = [this.prefix(e.dim, e.sub, e.key)];
      if (STARRED_DEMANDS.has(e.dim)) targets.push(this.prefix(e.dim, '*', e.key));
      for (const p of targets) {
        if (p !== targets[0]) this.entry(this.demand, p, 'd', e.start, () => ({ n: 0 })).n += e.n;
        this.entry(this.demand, p, 'm', month, () => ({ n: 0 })).n += e.n;
      }
    }
  }
}

const isZero = (t: Tally) => COUNT_METRICS.every((m) => t.counts[m] === 0) && STAGES.every((s) => t.stages[s].n === 0 && t.stages[s].sumMs === 0 && t.stages[s].hist.size === 0);

export class StatsStore {
  readonly db: Db;
  private queue: HubEvent[] = [];
  private scheduled = false;
  private seq: number;
  private unsubscribe: (() => void) | null = null;
  private readonly stmt;

  /** `onError`: a live update that failed (the facts stay at their seq mark; the next query retries and answers the error). */
  constructor(private readonly core: HubCore, private readonly onError: (e: unknown) => void = (e) => console.error(`[hub] statistics: ${String(e)}`)) {
    this.db = core.db;
    const cols = FACT_COLUMNS.join(', ');
    const rollupCols = ['dim', 'sub', 'grain', 'start', 'key', ...ROLLUP_NUMBERS, 'hist'];
    this.stmt = {
      load: this.db.prepare('SELECT * FROM case_facts WHERE case_id = ?'),
      upsert: this.db.prepare(`INSERT INTO case_facts (${cols}) VALUES (${FACT_COLUMNS.map(() => '?').join(', ')})
        ON CONFLICT(case_id, dept) DO UPDATE SET ${FACT_COLUMNS.filter((c) => c !== 'case_id' && c !== 'dept').map((c) => `${c} = excluded.${c}`).join(', ')}`),
      rollupGet: this.db.prepare('SELECT * FROM stats_rollup WHERE dim = ? AND sub = ? AND grain = ? AND start = ? AND key = ?'),
      rollupPut: this.db.prepare(`INSERT INTO stats_rollup (${rollupCols.join(', ')}) VALUES (${rollupCols.map(() => '?').join(', ')})
        ON CONFLICT(dim, sub, grain, start, key) DO UPDATE SET ${[...ROLLUP_NUMBERS, 'hist'].map((c) => `${c} = excluded.${c}`).join(', ')}`),
      rollupDel: this.db.prepare('DELETE FROM stats_rollup WHERE dim = ? AND sub = ? AND grain = ? AND start = ? AND key = ?'),
      demandAdd: this.db.prepare(`INSERT INTO stats_demand (dim, sub, grain, start, key, n) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT(dim, sub, grain, start, key) DO UPDATE SET n = n + excluded.n`),
      meta: this.db.prepare('SELECT value FROM meta WHERE key = ?'),
      setMeta: this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value'),
      after: this.db.prepare('SELECT seq, at, type, entity, id, data FROM events WHERE seq > ? ORDER BY seq LIMIT ?'),
    };
    this.seq = Number(this.meta(META_SEQ) ?? 0);
  }

  /** The last seq of the log the facts include. */
  get factsSeq(): number {
    return this.seq;
  }

  /** Brings the facts up to the log, then follows it. Returns what it had to do. */
  start(): 'current' | 'caught_up' | 'rebuilt' {
    const how = this.catchUp();
    this.unsubscribe ??= this.core.onEvents((events) => {
      for (const e of events) this.queue.push(e);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          if (!this.db.open) return;
          try {
            this.flush();
          } catch (e) {
            this.onError(e);
          }
        });
      }
    });
    return how;
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  /** Applies what the log has that the facts do not: queries call this first. */
  flush(): void {
    const queued = this.queue.splice(0).filter((e) => e.seq > this.seq);
    const contiguous = queued.every((e, i) => e.seq === this.seq + 1 + i);
    if (queued.length && contiguous) this.applyEvents(queued);
    if (!contiguous || this.seq < this.core.log.headSeq) this.catchUp();
  }

  /** Catch-up from the seq mark, or a rebuild when the facts cannot be brought up to date. */
  catchUp(): 'current' | 'caught_up' | 'rebuilt' {
    if (this.meta(META_VERSION) !== String(FACTS_VERSION) || this.seq < this.core.log.compactedThrough()) {
      this.rebuild();
      return 'rebuilt';
    }
    if (this.seq >= this.core.log.headSeq) return 'current';
    this.replayLog();
    return 'caught_up';
  }

  /** Folds events (in seq order) into the facts and, unless told not to, into the rollups. */
  applyEvents(events: readonly HubEvent[], opts: { rollups?: boolean; skip?: ReadonlySet<string> } = {}): void {
    if (events.length === 0) return;
    const last = events[events.length - 1]!.seq;
    this.tx(() => {
      const touched = new Map<string, { before: CaseFact[]; after: CaseFact[] }>();
      for (const e of events) {
        if (e.entity !== 'case' || e.seq <= this.seq || opts.skip?.has(e.id)) continue;
        let t = touched.get(e.id);
        if (!t) {
          const rows = (this.stmt.load.all(e.id) as FactRow[]).map(toFact);
          touched.set(e.id, (t = { before: rows, after: rows }));
        }
        t.after = foldCaseEvent(t.after, { seq: e.seq, at: e.at, type: e.type, state: e.data.state as Case, detail: e.data.detail });
      }
      const delta = opts.rollups === false ? null : new RollupDelta(true);
      for (const t of touched.values()) {
        for (const f of t.after) this.stmt.upsert.run(rowValues(f));
        if (delta) {
          for (const f of t.before) delta.add(f, -1);
          for (const f of t.after) delta.add(f, 1);
        }
      }
      if (delta) this.writeDelta(delta);
      this.stmt.setMeta.run(META_SEQ, String(last));
    });
    this.seq = Math.max(this.seq, last);
  }

  /** Everything again from the event log (and the cases table for compacted history). */
  rebuild(): void {
    this.tx(() => {
      this.stmt.setMeta.run(META_VERSION, 'rebuilding');
      this.stmt.setMeta.run(META_SEQ, '0');
      this.db.exec('DELETE FROM case_facts; DELETE FROM stats_rollup; DELETE FROM stats_demand;');
    });
    this.seq = 0;
    const reported = new Set((this.db.prepare(`SELECT id FROM events WHERE entity = 'case' AND type = 'case.reported'`).pluck().all() as string[]));
    const skip = new Set<string>();
    const head = this.core.log.headSeq;
    this.tx(() => {
      const state = this.db.prepare('SELECT state FROM cases WHERE id = ?').pluck();
      for (const id of this.db.prepare('SELECT id FROM cases').pluck().all() as string[]) {
        if (reported.has(id)) continue;
        skip.add(id);
        for (const f of factsFromSnapshot(JSON.parse(state.get(id) as string) as Case, head)) this.stmt.upsert.run(rowValues(f));
      }
    });
    this.replayLog({ rollups: false, skip });
    this.rebuildRollups();
    this.tx(() => {
      this.stmt.setMeta.run(META_SEQ, String(Math.max(this.seq, head)));
      this.stmt.setMeta.run(META_VERSION, String(FACTS_VERSION));
    });
    this.seq = Math.max(this.seq, head);
  }

  /** The rollups again from the facts, in one pass (used after a rebuild, and by the bench). */
  rebuildRollups(): void {
    this.tx(() => {
      this.db.exec('DELETE FROM stats_rollup; DELETE FROM stats_demand;');
      const delta = new RollupDelta(false);
      // Only the columns the figures read, as plain arrays: millions of rows.
      const all = this.db.prepare(`SELECT ${SLIM_COLUMNS.join(', ')} FROM case_facts`).raw(true);
      for (const r of all.iterate() as IterableIterator<unknown[]>) delta.add(slimFact(r), 1);
      delta.derive();
      this.writeDelta(delta, true);
    });
  }

  private replayLog(opts: { rollups?: boolean; skip?: ReadonlySet<string> } = {}): void {
    for (;;) {
      const rows = this.stmt.after.all(this.seq, CHUNK) as LogRow[];
      if (rows.length === 0) return;
      const events = rows.map((r) => ({ seq: r.seq, at: r.at, type: r.type, entity: r.entity, id: r.id, data: r.entity === 'case' ? JSON.parse(r.data) : { state: null, by: null, commandId: null, detail: {} } }) as HubEvent);
      this.applyEvents(events, opts);
      if (rows.length < CHUNK) return;
    }
  }

  private writeDelta(delta: RollupDelta, fresh = false): void {
    const byKey = (a: Entry, b: Entry) => (a.dim < b.dim ? -1 : a.dim > b.dim ? 1 : a.sub < b.sub ? -1 : a.sub > b.sub ? 1 : a.grain < b.grain ? -1 : a.grain > b.grain ? 1 : a.start - b.start || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    // In primary-key order: the B-trees fill front to back instead of at random.
    const assess = fresh ? [...delta.assess.values()].sort(byKey) : delta.assess.values();
    const demand = fresh ? [...delta.demand.values()].sort(byKey) : delta.demand.values();
    for (const e of assess) {
      let t = e.t;
      if (!fresh) {
        if (isZero(t)) continue;
        const old = this.stmt.rollupGet.get(e.dim, e.sub, e.grain, e.start, e.key) as Record<string, unknown> | undefined;
        if (old) {
          const merged = emptyTally();
          addRollupRow(merged, old);
          mergeTally(merged, t);
          t = merged;
        }
      }
      if (isZero(t)) {
        this.stmt.rollupDel.run(e.dim, e.sub, e.grain, e.start, e.key);
        continue;
      }
      this.stmt.rollupPut.run(e.dim, e.sub, e.grain, e.start, e.key, ...tallyNumbers(t), JSON.stringify(histJson(t)));
    }
    for (const e of demand) if (e.n !== 0) this.stmt.demandAdd.run(e.dim, e.sub, e.grain, e.start, e.key, e.n);
  }

  private meta(key: string): string | undefined {
    return (this.stmt.meta.get(key) as { value: string } | undefined)?.value;
  }

  /** A transaction without the fsync the event log needs (see the header). */
  private tx(fn: () => void): void {
    if (this.db.inTransaction) {
      this.db.transaction(fn)();
      return;
    }
    const previous = this.db.pragma('synchronous', { simple: true }) as number;
    this.db.pragma('synchronous = NORMAL');
    try {
      this.db.transaction(fn)();
    } finally {
      this.db.pragma(`synchronous = ${previous}`);
    }
  }
}
