import fs from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { readDistrict, labelPoint, subdistrictLabels, communityLabels } from '../../renderer/features/map/district-data';
import { buildPlaces, findPlaces } from '../../renderer/features/map/places';
import { geometryContains } from '../../shared/domain/regions';

const read = (name: string) => JSON.parse(fs.readFileSync(new URL(`../../resources/district/${name}`, import.meta.url), 'utf8'));
const district = readDistrict({ boundary: read('boundary.geojson'), subdistricts: read('subdistricts.geojson'), communities: read('communities.geojson'), departments: [], catalog: {} });
const places = buildPlaces(district);

describe('district data for the map', () => {
  it('reads the embedded Minhang dataset', () => {
    expect(district.subdistricts).toHaveLength(14);
    expect(district.communities).toHaveLength(596);
    const [w, s, e, n] = district.bbox!;
    expect(w).toBeGreaterThan(121.2);
    expect(e).toBeLessThan(121.7);
    expect(s).toBeGreaterThan(30.9);
    expect(n).toBeLessThan(31.3);
  });

  it('hangs every label on a point inside its region', () => {
    for (const f of [...district.subdistricts, ...district.communities]) expect(geometryContains(f.geometry, labelPoint(f)), f.properties.code).toBe(true);
    expect(subdistrictLabels(district).features[0]!.properties).toHaveProperty('nameEn');
    expect(communityLabels(district).features).toHaveLength(596);
  });

  it('drops an invalid part with a warning instead of failing', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const d = readDistrict({ boundary: null, subdistricts: { nope: 1 }, communities: read('communities.geojson'), departments: [], catalog: {} });
    expect(d.subdistricts).toEqual([]);
    expect(d.communities).toHaveLength(596);
    expect(readDistrict(null).bbox).toBeNull();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('district subdistricts ignored'));
    warn.mockRestore();
  });
});

describe('place search', () => {
  it('finds a subdistrict by Chinese or English name and by code', () => {
    expect(findPlaces(places, '古美')[0]).toMatchObject({ kind: 'subdistrict', code: '310112006', name: '古美街道' });
    expect(findPlaces(places, 'gumei')[0]).toMatchObject({ code: '310112006' });
    expect(findPlaces(places, '310112006')[0]).toMatchObject({ kind: 'subdistrict', code: '310112006' });
  });

  it('finds communities by name, by code and by code prefix', () => {
    const c = district.communities[10]!.properties;
    expect(findPlaces(places, c.code)[0]).toMatchObject({ kind: 'community', code: c.code, name: c.name });
    expect(findPlaces(places, c.name)[0]!.name).toBe(c.name);
    const prefix = findPlaces(places, '310112006', 100);
    expect(prefix[0]!.kind).toBe('subdistrict');
    expect(prefix.slice(1).every((p) => p.kind === 'community' && p.code.startsWith('310112006'))).toBe(true);
  });

  it('narrows by the subdistrict with a second word', () => {
    const hits = findPlaces(places, '古美 平南', 50);
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.every((p) => p.kind === 'community' && p.code.startsWith('310112006') && p.name.includes('平南'))).toBe(true);
  });

  it('gives a bounding box and centre to fly to, and nothing for an empty query', () => {
    const [p] = findPlaces(places, '莘庄镇');
    const [w, s, e, n] = p!.bbox;
    expect(p!.center[0]).toBeGreaterThanOrEqual(w);
    expect(p!.center[0]).toBeLessThanOrEqual(e);
    expect(p!.center[1]).toBeGreaterThanOrEqual(s);
    expect(p!.center[1]).toBeLessThanOrEqual(n);
    expect(findPlaces(places, '   ')).toEqual([]);
    expect(findPlaces(places, '不存在的地方')).toEqual([]);
    expect(findPlaces(places, '居委', 5)).toHaveLength(5);
  });
});
