/** The district's static data for the windows (regions, departments, catalog, response plans), read once. */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { District } from '../../../shared/bridge/contract';

export const DEFAULT_RESOURCES = process.env.LINKAGE_RESOURCES ?? path.resolve(import.meta.dirname, '../../../resources');

let cached: Promise<District> | null = null;

export function loadDistrict(resourcesDir = DEFAULT_RESOURCES): Promise<District> {
  cached ??= (async () => {
    const read = async (rel: string) => JSON.parse(await fs.readFile(path.join(resourcesDir, rel), 'utf8')) as unknown;
    const [boundary, subdistricts, communities, departments, catalog, plans] = await Promise.all([
      read('district/boundary.geojson'), read('district/subdistricts.geojson'), read('district/communities.geojson'),
      read('district/departments.json'), read('catalog/categories.json'),
      // A deployment without plans still shows its district; the operation board then says so.
      read('plans/plans.json').catch(() => null),
    ]);
    return { boundary, subdistricts, communities, departments, catalog, plans };
  })();
  return cached;
}
