/**
 * The pointer on the district map: clicks select a case, unit or camera (or zoom into a
 * cluster), hover lights the feature under the pointer (feature-state, no data re-sent), and
 * Shift+drag selects the cases in a box. Only layers of visible groups are hit: a hidden layer
 * must not swallow clicks.
 */
import type { GeoJSONSource, Map as MaplibreMap, MapGeoJSONFeature, MapMouseEvent } from 'maplibre-gl';
import type { Case, LngLat } from '../../../shared/protocol/entities';
import type { MapCallbacks } from './DistrictMapView';
import type { ScreenPoint } from './box-select';
import { inScreenBox } from './geo';
import { HIT_LAYERS, type LayerGroup, type SourceId } from './ids';

export interface PointerHost {
  /** The current map (a lost WebGL context may rebuild it). */
  map(): MaplibreMap;
  styleReady(): boolean;
  visible(): Record<LayerGroup, boolean>;
  callbacks(): MapCallbacks;
  /** The measuring tool takes the clicks while on. */
  measuring(): boolean;
  measureClick(at: LngLat): void;
  setState(source: SourceId, id: string, state: Record<string, unknown>): void;
  casesSource(): GeoJSONSource | undefined;
  /** The cases drawn (clustered ones too): what a box can select. */
  casesShown(): readonly Case[];
}

export class MapPointer {
  private hover: { source: SourceId; id: string } | null = null;

  constructor(private readonly host: PointerHost) {}

  /** A new map: nothing is hovered on it. */
  reset(): void {
    this.hover = null;
  }

  /** Hit layers of visible groups only. */
  private hitLayers(): string[] {
    const visible = this.host.visible();
    const map = this.host.map();
    const ids: string[] = [];
    if (visible.units) ids.push(HIT_LAYERS.unit);
    if (visible.cases) ids.push(HIT_LAYERS.case, HIT_LAYERS.cluster);
    if (visible.cameras) ids.push(HIT_LAYERS.camera);
    return ids.filter((id) => map.getLayer(id));
  }

  /** Topmost feature near the pointer; a few pixels of slack for fingers on touch consoles. */
  private hit(e: MapMouseEvent): MapGeoJSONFeature | undefined {
    if (!this.host.styleReady()) return undefined;
    const { x, y } = e.point;
    const layers = this.hitLayers();
    return layers.length ? this.host.map().queryRenderedFeatures([[x - 5, y - 5], [x + 5, y + 5]], { layers })[0] : undefined;
  }

  onClick = (e: MapMouseEvent): void => {
    if (this.host.measuring()) {
      this.host.measureClick([e.lngLat.lng, e.lngLat.lat]);
      return;
    }
    const f = this.hit(e);
    if (!f) return;
    const id = f.properties?.id as string | undefined;
    const callbacks = this.host.callbacks();
    switch (f.layer.id) {
      case HIT_LAYERS.cluster:
        void this.zoomIntoCluster(f);
        break;
      case HIT_LAYERS.case:
        if (id) callbacks.onSelectCase?.(id);
        break;
      case HIT_LAYERS.unit:
        if (id) callbacks.onSelectUnit?.(id);
        break;
      case HIT_LAYERS.camera:
        if (id) callbacks.onSelectCamera?.(id);
        break;
    }
  };

  private async zoomIntoCluster(f: MapGeoJSONFeature): Promise<void> {
    const clusterId = f.properties?.cluster_id as number | undefined;
    const src = this.host.casesSource();
    if (clusterId === undefined || !src || f.geometry.type !== 'Point') return;
    const zoom = await src.getClusterExpansionZoom(clusterId);
    const [lng, lat] = f.geometry.coordinates as [number, number];
    this.host.map().easeTo({ center: [lng, lat], zoom: Math.min(zoom, 18) });
  }

  onMouseMove = (e: MapMouseEvent): void => {
    if (this.host.measuring()) return;
    const f = this.hit(e);
    const id = f?.properties?.id as string | undefined;
    const source = f?.source as SourceId | undefined;
    this.host.map().getCanvas().style.cursor = f ? 'pointer' : '';
    if (this.hover && (this.hover.id !== id || this.hover.source !== source)) this.clearHover();
    if (id && source && !this.hover) {
      this.hover = { source, id };
      this.host.setState(source, id, { hover: true });
    }
  };

  clearHover = (): void => {
    if (this.hover) this.host.setState(this.hover.source, this.hover.id, { hover: false });
    this.hover = null;
  };

  onBox = (a: ScreenPoint, b: ScreenPoint): void => {
    const callbacks = this.host.callbacks();
    if (!this.host.visible().cases) return callbacks.onBoxSelect?.([]);
    // Projected from the data, not queried from tiles: clustered cases count too.
    const map = this.host.map();
    const ids = this.host.casesShown().filter((c) => inScreenBox(map.project(c.point), a, b)).map((c) => c.id);
    callbacks.onBoxSelect?.(ids);
  };
}
