/**
 * The district's raw data as the bridge gave it (boundary and region GeoJSON are large and
 * only the map draws them): kept beside the store, not in it, so no reducer copies or checks it.
 */
import type { District } from '../../../shared/bridge/contract';

let raw: District | null = null;

export function setDistrictData(d: District): void {
  raw = d;
}

export function districtData(): District | null {
  return raw;
}
