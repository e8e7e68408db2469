/** Reads the district's data files from resources/ (validated by whoever reads them). */
import fs from 'node:fs';
import path from 'node:path';

export const RESOURCES_DIR = process.env.LINKAGE_RESOURCES ?? path.resolve(import.meta.dirname, '../resources');

export function readResource(rel: string): unknown {
  const file = path.join(RESOURCES_DIR, rel);
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
  } catch (e) {
    throw new Error(`cannot read ${file}: ${(e as Error).message}`);
  }
}
