/**
 * The units' recent tracks over HTTP, `Authorization: Bearer <token>` (a login session):
 *
 *   GET /api/tracks?from=<epoch ms>&to=<epoch ms> → TracksResponse (shared/protocol)
 *
 * What `unit_tracks` holds (the last day the history generated, one fix per unit per minute;
 * hub/simulator/tracks.ts), so a new workstation's replay has the day before it was installed
 * (issue 15). Scoped like the live position stream: a unit's fixes go to whoever may see the
 * unit (`canSee` with the unit's subdistrict and department, as hub/transport/sockets.ts does) —
 * a sub-center officer gets the units of their subdistricts, a liaison those of their
 * department. The period is at most 7 days; at most TRACKS_MAX_SAMPLES fixes leave in one
 * answer, thinned to a longer step (the first fix of each step per unit) beyond that. Anything
 * but `from` and `to` as epoch ms is 400 `invalid_input`.
 */
import type { HubCore } from './core';
import { bearer, parseQuery, send, type Route } from './transport/http';
import { toActor } from './auth/users';
import { DomainError } from '../shared/domain/errors';
import { canSee, type Actor } from '../shared/domain/roles';
import { columnTracks, type FixRow } from '../shared/domain/tracks';
import { TRACKS_MAX_SAMPLES, TracksQuerySchema, type KeptTrack, type TracksQuery, type TracksResponse } from '../shared/protocol';
import { TRACK_EVERY_MS } from './simulator/tracks';


export function keptTracks(core: HubCore, actor: Actor, q: TracksQuery): TracksResponse {
  const { from, to } = q;
  // One read: the visible units and their fixes come from the same state of the table.
  return core.db.transaction((): TracksResponse => {
    const units = core.db.prepare('SELECT unit_id, subdistrict, department, COUNT(*) AS n FROM unit_tracks WHERE at >= ? AND at < ? GROUP BY unit_id')
      .all(from, to) as { unit_id: string; subdistrict: string; department: string; n: number }[];
    const mine = units.filter((u) => canSee(actor, { entity: 'unit', subdistrict: u.subdistrict, owners: [u.department] }));
    const count = mine.reduce((n, u) => n + u.n, 0);
    let step = TRACK_EVERY_MS;
    if (count > TRACKS_MAX_SAMPLES) {
      // Each unit keeps at most one fix per step (plus one for a step cut by `from`).
      const perUnit = Math.max(1, Math.floor(TRACKS_MAX_SAMPLES / mine.length) - 1);
      step = Math.max(TRACK_EVERY_MS, Math.ceil((to - from) / perUnit));
    }
    const ids = JSON.stringify(mine.map((u) => u.unit_id));
    // SQLite's bare columns beside MIN come from the row that has it: the first fix of each step.
    const rows = (step === TRACK_EVERY_MS
      ? core.db.prepare(`SELECT unit_id, at, lng, lat, heading FROM unit_tracks
          WHERE unit_id IN (SELECT value FROM json_each(?)) AND at >= ? AND at < ? ORDER BY unit_id, at LIMIT ?`).all(ids, from, to, TRACKS_MAX_SAMPLES + 1)
      : core.db.prepare(`SELECT unit_id, MIN(at) AS at, lng, lat, heading FROM unit_tracks
          WHERE unit_id IN (SELECT value FROM json_each(?)) AND at >= ? AND at < ? GROUP BY unit_id, at / CAST(? AS INTEGER) ORDER BY unit_id, at LIMIT ?`)
        .all(ids, from, to, step, TRACKS_MAX_SAMPLES + 1)) as FixRow[];
    const truncated = rows.length > TRACKS_MAX_SAMPLES;
    if (truncated) rows.length = TRACKS_MAX_SAMPLES;
    const tracks: KeptTrack[] = [...columnTracks(rows).values()];
    return { from, to, stepMs: step, truncated, tracks };
  })();
}

export function tracksRoutes(core: HubCore): Map<string, Route> {
  const routes = new Map<string, Route>();
  routes.set('GET /api/tracks', async (req, res, url) => {
    const user = await core.users.authenticate(bearer(req));
    if (!user) throw new DomainError('unauthenticated', 'a valid session token is required (Authorization: Bearer <token>)');
    send(res, 200, keptTracks(core, toActor(user), parseQuery(TracksQuerySchema, url)));
  });
  return routes;
}
