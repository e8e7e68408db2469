/**
 * The units' recent tracks the history generates (the hub keeps no position history of its
 * own: positions are a latest-value stream). One fix per unit per simulated minute over the
 * last day goes to `unit_tracks`, so a new workstation's replay has yesterday's movements.
 */
import type { HubCore } from '../core';
import type { Position, Unit } from '../../shared/protocol';

export const TRACK_EVERY_MS = 60_000;
export const TRACKS_KEPT_MS = 24 * 3_600_000;

/** Takes the simulator's fixes like a PositionStream would (`update`), and stores them. */
export class TrackRecorder {
  count = 0;
  private readonly insert;
  private readonly scope = new Map<string, { subdistrict: string; department: string }>();

  constructor(core: HubCore) {
    this.insert = core.db.prepare('INSERT OR REPLACE INTO unit_tracks (unit_id, at, lng, lat, heading, subdistrict, department) VALUES (?, ?, ?, ?, ?, ?, ?)');
    for (const state of core.db.prepare('SELECT state FROM units').pluck().all() as string[]) {
      const u = JSON.parse(state) as Unit;
      this.scope.set(u.id, { subdistrict: u.subdistrictCode, department: u.departmentCode });
    }
  }

  update(p: Position): { ok: true } | { ok: false; message: string } {
    const s = this.scope.get(p.id);
    if (!s) return { ok: false, message: `unknown unit ${p.id}` };
    this.insert.run(p.id, p.at, p.point[0], p.point[1], p.heading, s.subdistrict, s.department);
    this.count++;
    return { ok: true };
  }
}
