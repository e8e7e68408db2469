/**
 * Replay data (issue 6) from the replica: the units' sampled tracks (position_samples, at most
 * one sample per unit every 10 s, kept 7 days) and the cases and case events of a period. Reads
 * and writes the replica's own database; the core decides when to sample and prune.
 */
import type { Case, Position } from '../../../shared/protocol';
import type { History, HistoryRange, UnitTrack } from '../../../shared/bridge/contract';
import type { Db } from '../sqlite';
import { columnTracks, type FixRow } from '../../../shared/domain/tracks';

export const SAMPLE_EVERY_MS = 10_000;
export const SAMPLES_KEPT_MS = 7 * 24 * 3600_000;
/** A period's samples beyond this many are thinned (a longer step), so one answer stays a few MB. */
export const MAX_SAMPLES = 200_000;
/** The replay draws at most this many cases; more are left out (flagged `truncated`). */
export const MAX_CASES = 50_000;
/** How far before `from` a unit's last sample still says where it was at `from`. */
const LEAD_MS = 10 * 60_000;

type SampleRow = FixRow;

export class ReplicaHistory {
  private readonly st;
  /** Time of each unit's last stored sample, so the next is taken ≥ SAMPLE_EVERY_MS later. */
  private readonly lastSample = new Map<string, number>();

  constructor(private readonly db: Db) {
    this.st = {
      insert: db.prepare('INSERT OR IGNORE INTO position_samples (unit_id, at, lng, lat, heading) VALUES (?, ?, ?, ?, ?)'),
      prune: db.prepare('DELETE FROM position_samples WHERE at < ?'),
      latest: db.prepare('SELECT unit_id, MAX(at) AS at FROM position_samples GROUP BY unit_id'),
      earliest: db.prepare('SELECT unit_id, MIN(at) AS at FROM position_samples GROUP BY unit_id'),
      any: db.prepare('SELECT 1 FROM position_samples LIMIT 1').pluck(),
      count: db.prepare('SELECT COUNT(*) FROM position_samples WHERE at >= ? AND at <= ?').pluck(),
      units: db.prepare('SELECT COUNT(DISTINCT unit_id) FROM position_samples WHERE at >= ? AND at <= ?').pluck(),
      // SQLite's bare columns beside MIN/MAX come from the row that has the extreme.
      thinned: db.prepare(`SELECT unit_id, MIN(at) AS at, lng, lat, heading FROM position_samples
        WHERE at >= ? AND at <= ? GROUP BY unit_id, at / CAST(? AS INTEGER) ORDER BY unit_id, at`),
      lead: db.prepare(`SELECT unit_id, MAX(at) AS at, lng, lat, heading FROM position_samples
        WHERE at >= ? AND at < ? GROUP BY unit_id`),
      cases: db.prepare(`SELECT json FROM cases
        WHERE json_extract(json, '$.reportedAt') <= ? AND NOT (status IN ('closed', 'rejected') AND updated_at < ?)
        ORDER BY updated_at DESC LIMIT ?`).pluck(),
      events: db.prepare('SELECT case_id, at, type FROM case_events WHERE at <= ? ORDER BY seq'),
    };
    for (const r of this.st.latest.all() as { unit_id: string; at: number }[]) this.lastSample.set(r.unit_id, r.at);
  }

  /** The fixes due for a sample (≥ SAMPLE_EVERY_MS after the unit's last one); marks them taken. */
  due(list: Iterable<Position>): Position[] {
    const out: Position[] = [];
    for (const p of list) {
      const last = this.lastSample.get(p.id);
      if (last !== undefined && p.at < last + SAMPLE_EVERY_MS) continue;
      this.lastSample.set(p.id, p.at);
      out.push(p);
    }
    return out;
  }

  save(samples: readonly Position[]): void {
    if (samples.length === 0) return;
    this.db.transaction(() => {
      for (const p of samples) this.st.insert.run(p.id, p.at, p.point[0], p.point[1], p.heading);
    })();
  }

  /**
   * Tracks from elsewhere (the hub's kept day, for a new workstation; issue 15), stored in one
   * transaction under the same rules as the live samples: per unit only fixes before its first
   * sample here, at least SAMPLE_EVERY_MS apart and from it, within the retention. Returns how
   * many were stored.
   */
  backfill(fixes: readonly Position[], now: number): number {
    const first = new Map((this.st.earliest.all() as { unit_id: string; at: number }[]).map((r) => [r.unit_id, r.at]));
    const byUnit = new Map<string, Position[]>();
    for (const p of fixes) {
      if (p.at < now - SAMPLES_KEPT_MS) continue;
      let list = byUnit.get(p.id);
      if (!list) byUnit.set(p.id, (list = []));
      list.push(p);
    }
    const keep: Position[] = [];
    for (const [unit, list] of byUnit) {
      list.sort((a, b) => a.at - b.at);
      const limit = (first.get(unit) ?? Infinity) - SAMPLE_EVERY_MS;
      let prev = -Infinity;
      for (const p of list) {
        if (p.at > limit) break;
        if (p.at < prev + SAMPLE_EVERY_MS) continue;
        keep.push(p);
        prev = p.at;
      }
      if (prev > (this.lastSample.get(unit) ?? -Infinity)) this.lastSample.set(unit, prev);
    }
    this.save(keep);
    return keep.length;
  }

  /** No sample at all (a new workstation, or a wiped replica). */
  empty(): boolean {
    return this.st.any.get() === undefined;
  }

  /** Drops samples older than the retention; returns how many went. */
  prune(now: number): number {
    return this.st.prune.run(now - SAMPLES_KEPT_MS).changes;
  }

  /** Forgets everything (the replica was wiped for another hub). */
  clear(): void {
    this.db.exec('DELETE FROM position_samples');
    this.lastSample.clear();
  }

  read(range: HistoryRange): History {
    const { from, to } = range;
    const count = this.st.count.get(from, to) as number;
    let step = SAMPLE_EVERY_MS;
    if (count > MAX_SAMPLES) {
      const units = Math.max(1, this.st.units.get(from, to) as number);
      step = Math.max(SAMPLE_EVERY_MS, Math.ceil(((to - from) * units) / MAX_SAMPLES));
    }
    const rows = [
      ...(this.st.lead.all(from - LEAD_MS, from) as SampleRow[]),
      ...(this.st.thinned.all(from, to, step) as SampleRow[]),
    ];
    const tracks: Map<string, UnitTrack> = columnTracks(rows);
    for (const t of tracks.values()) sortTrack(t);

    const cases = (this.st.cases.all(to, from, MAX_CASES + 1) as string[]).map((j) => JSON.parse(j) as Case);
    const truncated = cases.length > MAX_CASES;
    if (truncated) cases.length = MAX_CASES;
    const ids = new Set(cases.map((c) => c.id));
    const events = (this.st.events.all(to) as { case_id: string; at: number; type: string }[])
      .filter((e) => ids.has(e.case_id))
      .map((e) => ({ caseId: e.case_id, at: e.at, type: e.type }));
    return { from, to, cases, events, tracks: [...tracks.values()], sampleStepMs: step, truncated };
  }
}

/** The lead sample comes first already; this only guards against equal or unordered rows. */
function sortTrack(t: UnitTrack): void {
  let sorted = true;
  for (let i = 1; i < t.at.length; i++) if (t.at[i]! <= t.at[i - 1]!) sorted = false;
  if (sorted) return;
  const order = t.at.map((_, i) => i).sort((a, b) => t.at[a]! - t.at[b]!).filter((i, k, arr) => k === 0 || t.at[i] !== t.at[arr[k - 1]!]);
  const pick = (xs: number[]) => order.map((i) => xs[i]!);
  Object.assign(t, { at: pick(t.at), lng: pick(t.lng), lat: pick(t.lat), heading: pick(t.heading) });
}
