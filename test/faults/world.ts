/** The district's data as the fault and fuzz runs need it: points that locate, categories that exist. */
import fs from 'node:fs';
import path from 'node:path';
import type { Rng } from './random';

export const ROOT = path.resolve(import.meta.dirname, '../..');

interface Catalog { bigClasses: Array<{ smallClasses: Array<{ code: string; owner: string; urgencies: Record<string, unknown> }> }> }
const catalog = JSON.parse(fs.readFileSync(path.join(ROOT, 'resources/catalog/categories.json'), 'utf8')) as Catalog;
const cameras = JSON.parse(fs.readFileSync(path.join(ROOT, 'resources/district/cameras.json'), 'utf8')) as { items: Array<{ id: string; point: [number, number]; subdistrictCode: string }> };

/** Every (small class, urgency) pair the catalog knows, with its default owner. */
export const CATEGORIES = catalog.bigClasses.flatMap((b) => b.smallClasses.flatMap((s) => Object.keys(s.urgencies).map((u) => ({ code: s.code, urgency: u as 'urgent' | 'high' | 'normal', owner: s.owner }))));
/** Points the hub locates (the cameras' own points), by subdistrict. */
export const POINTS = cameras.items.map((c) => ({ point: c.point, subdistrictCode: c.subdistrictCode }));
export const CAMERA_IDS = cameras.items.map((c) => c.id);
export const SUBDISTRICTS = [...new Set(POINTS.map((p) => p.subdistrictCode))];
/** 莘庄镇: the default sub-center account's scope. */
export const XINZHUANG = '310112101';
/** Departments that have a liaison account among the default accounts. */
export const LIAISON_DEPARTMENTS = ['enforcement', 'greening'] as const;
export const OTHER_DEPARTMENTS = ['police', 'market', 'housing', 'water', 'transport'] as const;

export function pointIn(r: Rng, subdistrict?: string): [number, number] {
  const list = subdistrict ? POINTS.filter((p) => p.subdistrictCode === subdistrict) : POINTS;
  const p = r.pick(list.length ? list : POINTS).point;
  // A few metres off the camera, still in the same tile almost always.
  return [Number((p[0] + (r.next() - 0.5) * 0.0002).toFixed(6)), Number((p[1] + (r.next() - 0.5) * 0.0002).toFixed(6))];
}

export function reportPayload(r: Rng, subdistrict?: string, description = '故障演练上报'): Record<string, unknown> {
  const cat = r.pick(CATEGORIES);
  return { source: 'officer', categoryCode: cat.code, urgency: cat.urgency, point: pointIn(r, subdistrict), address: `闵行区 ${subdistrict ?? ''}`.trim(), description };
}
