/**
 * The map's style, built in code for offline use (ARCHITECTURE §5): GeoJSON sources only, no sprite,
 * and no `glyphs` — without it maplibre (≥ 5.11) draws every label with local fonts through
 * TinySDF (glyph_manager: `!this.url` → `_drawGlyph`), so Chinese, Latin and digits all render
 * with nothing to download. A glyphs URL that answers empty would drop Latin text silently.
 * Which local font: the app's bundled one, declared as `font-faces` (renderer/fonts/load.ts); charts load theirs through chart-text.ts.
 */
import type { SourceSpecification, StyleSpecification } from 'maplibre-gl';
import type { MapLang } from './labels';
import { buildLayers, type LayerOptions } from './layers';
import { SRC, type MapVariant, type SourceId } from './ids';
import { UI_FAMILY, type StyleFontFace } from '../../fonts/families';

export * from './ids';

export interface StyleOptions extends LayerOptions {
  lang: MapLang;
  /** The bundled font's files for the labels (the page's stylesheets hold them; none in Node). */
  fontFaces?: readonly StyleFontFace[];
}

/** Sources start empty; the view fills them with `setData`/`updateData` once the map has loaded. */
export function buildSources(variant: MapVariant): Record<SourceId, SourceSpecification> {
  const geojson = (extra: object = {}): SourceSpecification => ({ type: 'geojson', data: { type: 'FeatureCollection', features: [] }, ...extra });
  return {
    [SRC.boundary]: geojson(),
    [SRC.subdistricts]: geojson({ promoteId: 'code' }),
    [SRC.subdistrictLabels]: geojson(),
    [SRC.communities]: geojson({ promoteId: 'code' }),
    [SRC.communityLabels]: geojson(),
    [SRC.cases]: geojson({
      promoteId: 'id',
      cluster: true,
      clusterRadius: variant === 'wall' ? 60 : 45,
      // Street level: every case on its own, so two at one address can still be told apart.
      clusterMaxZoom: 15,
      clusterProperties: {
        urgentCount: ['+', ['case', ['==', ['get', 'urgency'], 'urgent'], 1, 0]],
        highCount: ['+', ['case', ['==', ['get', 'urgency'], 'high'], 1, 0]],
        overdueCount: ['+', ['case', ['get', 'overdue'], 1, 0]],
        pulseCount: ['+', ['case', ['get', 'pulse'], 1, 0]],
      },
    }),
    [SRC.casesHeat]: geojson({ promoteId: 'id' }),
    [SRC.units]: geojson({ promoteId: 'id' }),
    [SRC.cameras]: geojson({ promoteId: 'id' }),
    [SRC.operation]: geojson(),
    [SRC.measure]: geojson(),
  } as Record<SourceId, SourceSpecification>;
}

export function buildStyle(opts: StyleOptions): StyleSpecification {
  // Deliberately no `glyphs` and no `sprite`: see the header.
  return {
    version: 8,
    name: `linkage-district-${opts.theme}`,
    metadata: { 'linkage:variant': opts.variant, 'linkage:lang': opts.lang },
    sources: buildSources(opts.variant),
    layers: buildLayers(opts),
    ...(opts.fontFaces?.length ? { 'font-faces': { [UI_FAMILY]: opts.fontFaces.map((f) => ({ ...f })) } } : {}),
  } as StyleSpecification;
}
