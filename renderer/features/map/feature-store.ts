/**
 * The last features sent to one GeoJSON source, so the next change goes out as a diff
 * (`GeoJSONSource.updateData`) of only what changed instead of the whole set: re-sending
 * 5,000 points per frame ran at ~10 fps in software GL (ARCHITECTURE §7).
 */
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import type { GeoJSONFeatureDiff, GeoJSONSourceDiff } from 'maplibre-gl';

type Props = { id: string };

export class FeatureStore<P extends Props, G extends Geometry = Geometry> {
  private readonly features = new Map<string, Feature<G, P>>();

  get size(): number {
    return this.features.size;
  }

  get(id: string): Feature<G, P> | undefined {
    return this.features.get(id);
  }

  collection(): FeatureCollection<G, P> {
    return { type: 'FeatureCollection', features: [...this.features.values()] };
  }

  /**
   * Replaces the whole set; returns the diff from the previous one, or null when nothing changed.
   * Ids not in `next` are removed.
   */
  replace(next: Iterable<Feature<G, P>>): GeoJSONSourceDiff | null {
    const seen = new Set<string>();
    const diff = this.upsertInto(next, seen);
    const remove = [...this.features.keys()].filter((id) => !seen.has(id));
    for (const id of remove) this.features.delete(id);
    if (remove.length) diff.remove = remove;
    return isEmpty(diff) ? null : diff;
  }

  /** Adds or changes only the given features; others stay. */
  upsert(next: Iterable<Feature<G, P>>): GeoJSONSourceDiff | null {
    const diff = this.upsertInto(next, new Set());
    return isEmpty(diff) ? null : diff;
  }

  private upsertInto(next: Iterable<Feature<G, P>>, seen: Set<string>): GeoJSONSourceDiff {
    const add: Feature[] = [];
    const update: GeoJSONFeatureDiff[] = [];
    for (const f of next) {
      const id = f.properties.id;
      seen.add(id);
      const old = this.features.get(id);
      if (old === f) continue; // the same object: unchanged (callers cache their features)
      this.features.set(id, f);
      if (!old) {
        add.push(f);
        continue;
      }
      const change = featureChange(old, f);
      if (change) update.push(change);
    }
    const diff: GeoJSONSourceDiff = {};
    if (add.length) diff.add = add;
    if (update.length) diff.update = update;
    return diff;
  }
}

/** Only the geometry and the properties that differ; null when the feature is unchanged. */
export function featureChange<P extends Props>(old: Feature<Geometry, P>, next: Feature<Geometry, P>): GeoJSONFeatureDiff | null {
  const change: GeoJSONFeatureDiff = { id: next.properties.id };
  if (!sameGeometry(old.geometry, next.geometry)) change.newGeometry = next.geometry;
  const props: Array<{ key: string; value: unknown }> = [];
  const before = old.properties as Record<string, unknown>;
  for (const [key, value] of Object.entries(next.properties)) {
    if (before[key] !== value) props.push({ key, value });
  }
  const removed = Object.keys(old.properties).filter((k) => !(k in next.properties));
  if (props.length) change.addOrUpdateProperties = props;
  if (removed.length) change.removeProperties = removed;
  return change.newGeometry || props.length || removed.length ? change : null;
}

/** Points (all our moving features) compared by coordinates; other shapes by their JSON. */
function sameGeometry(a: Geometry, b: Geometry): boolean {
  if (a === b) return true;
  if (a.type === 'Point' && b.type === 'Point') return a.coordinates[0] === b.coordinates[0] && a.coordinates[1] === b.coordinates[1];
  return JSON.stringify(a) === JSON.stringify(b);
}

function isEmpty(d: GeoJSONSourceDiff): boolean {
  return !d.add?.length && !d.update?.length && !d.remove?.length && !d.removeAll;
}
