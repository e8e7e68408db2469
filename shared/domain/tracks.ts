/**
 * A unit's track as the replay draws it and the hub serves it: parallel columns (times,
 * longitudes, latitudes, headings), not an object per fix, so 200,000 fixes stay a few MB.
 */
export interface FixRow { unit_id: string; at: number; lng: number; lat: number; heading: number }
export interface ColumnTrack { unitId: string; at: number[]; lng: number[]; lat: number[]; heading: number[] }

/** Rows (any order of units, each unit's in time order) → one column track per unit, in first-seen order. */
export function columnTracks(rows: Iterable<FixRow>): Map<string, ColumnTrack> {
  const tracks = new Map<string, ColumnTrack>();
  for (const r of rows) {
    let t = tracks.get(r.unit_id);
    if (!t) tracks.set(r.unit_id, (t = { unitId: r.unit_id, at: [], lng: [], lat: [], heading: [] }));
    t.at.push(r.at);
    t.lng.push(r.lng);
    t.lat.push(r.lat);
    t.heading.push(r.heading);
  }
  return tracks;
}
