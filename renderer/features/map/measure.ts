/**
 * Distance measuring: two clicks, a dashed line and its length in km. A third click starts
 * over. Pure state; the view feeds it clicks and draws `features()`.
 */
import type { FeatureCollection } from 'geojson';
import type { LngLat } from '../../../shared/protocol/entities';
import { haversineKm, midpoint } from './geo';

export class MeasureTool {
  active = false;
  private points: LngLat[] = [];

  start(): void {
    this.active = true;
    this.points = [];
  }

  stop(): void {
    this.active = false;
    this.points = [];
  }

  /** Adds a point; returns the distance once two points are set, else null. */
  click(p: LngLat): number | null {
    if (this.points.length >= 2) this.points = [];
    this.points.push([p[0], p[1]]);
    return this.distance();
  }

  distance(): number | null {
    const [a, b] = this.points;
    return a && b ? haversineKm(a, b) : null;
  }

  /** Points, the line, and the label at its middle (`label` formats the km in the UI's language). */
  features(label: (km: number) => string): FeatureCollection {
    const fc: FeatureCollection = {
      type: 'FeatureCollection',
      features: this.points.map((p) => ({ type: 'Feature', geometry: { type: 'Point', coordinates: p }, properties: {} })),
    };
    const [a, b] = this.points;
    const km = this.distance();
    if (a && b && km !== null) {
      fc.features.push({ type: 'Feature', geometry: { type: 'LineString', coordinates: [a, b] }, properties: {} });
      fc.features.push({ type: 'Feature', geometry: { type: 'Point', coordinates: midpoint(a, b) }, properties: { label: label(km) } });
    }
    return fc;
  }
}
