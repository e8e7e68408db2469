/**
 * Applies a rebuilt layer list (new theme, language, choropleth metric) to a live map property
 * by property. `map.setStyle` would also diff, but it compares the sources too and would reset
 * their data and drop feature-state; only paint, layout, filter and zoom range change here.
 */
import type { FilterSpecification, LayerSpecification } from 'maplibre-gl';

export interface LayerTarget {
  getLayer(id: string): unknown;
  setPaintProperty(id: string, name: string, value: unknown): unknown;
  setLayoutProperty(id: string, name: string, value: unknown): unknown;
  setFilter(id: string, filter?: FilterSpecification | null): unknown;
  setLayerZoomRange(id: string, minzoom: number, maxzoom: number): unknown;
}

type Props = Record<string, unknown>;
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Returns how many calls it made (0 when the layers are the same), for tests. */
export function applyLayerChanges(map: LayerTarget, prev: readonly LayerSpecification[], next: readonly LayerSpecification[]): number {
  const before = new Map(prev.map((l) => [l.id, l]));
  let calls = 0;
  for (const layer of next) {
    const old = before.get(layer.id);
    if (!old || !map.getLayer(layer.id)) continue;
    for (const kind of ['paint', 'layout'] as const) {
      const a = ((old as Props)[kind] ?? {}) as Props;
      const b = ((layer as Props)[kind] ?? {}) as Props;
      for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
        if (same(a[key], b[key])) continue;
        if (kind === 'paint') map.setPaintProperty(layer.id, key, b[key]);
        else map.setLayoutProperty(layer.id, key, b[key]);
        calls++;
      }
    }
    const filterOf = (l: LayerSpecification) => ('filter' in l ? l.filter : undefined);
    if (!same(filterOf(old), filterOf(layer))) {
      map.setFilter(layer.id, filterOf(layer) ?? null);
      calls++;
    }
    if (old.minzoom !== layer.minzoom || old.maxzoom !== layer.maxzoom) {
      map.setLayerZoomRange(layer.id, layer.minzoom ?? 0, layer.maxzoom ?? 24);
      calls++;
    }
  }
  return calls;
}
