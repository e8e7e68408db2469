import { describe, expect, it } from 'vitest';
import { validateStyleMin } from '@maplibre/maplibre-gl-style-spec';
import { buildStyle, DEFAULT_GROUPS, LAYER_GROUPS, LAYER_GROUP_NAMES, SRC, type MapVariant } from '../../renderer/features/map/style';
import type { MapTheme } from '../../renderer/features/map/theme';
import type { MapLang } from '../../renderer/features/map/labels';

const combos: Array<[MapTheme, MapVariant, MapLang]> = [
  ['night', 'console', 'zh-CN'],
  ['day', 'console', 'en'],
  ['night', 'wall', 'zh-CN'],
  ['day', 'mini', 'en'],
];

describe('map style (offline, ARCHITECTURE §5)', () => {
  for (const [theme, variant, lang] of combos) {
    it(`is a valid style with no glyphs, sprite or remote URL (${theme}/${variant}/${lang})`, () => {
      const style = buildStyle({ theme, variant, lang, visible: DEFAULT_GROUPS[variant] });
      expect(validateStyleMin(style)).toEqual([]);
      expect(style).not.toHaveProperty('glyphs');
      expect(style).not.toHaveProperty('sprite');
      const text = JSON.stringify(style);
      expect(text).not.toMatch(/https?:|wss?:|\/\/[a-z]|mapbox:|pmtiles:/i);
      for (const src of Object.values(style.sources)) {
        expect(src.type).toBe('geojson');
        expect(typeof (src as { data: unknown }).data).toBe('object'); // inline, never a URL
      }
    });
  }

  it("declares the bundled font's slices as font-faces under the name the text layers use (issue 15)", () => {
    const faces = [
      { url: 'http://127.0.0.1:7420/assets/noto-sans-sc-4-wght-normal.woff2', 'unicode-range': ['U+4E00-4E8F', 'U+6307'] },
      { url: 'http://127.0.0.1:7420/assets/noto-sans-sc-latin-wght-normal.woff2', 'unicode-range': ['U+0000-00FF'] },
    ];
    const style = buildStyle({ theme: 'night', variant: 'console', lang: 'zh-CN', visible: DEFAULT_GROUPS.console, fontFaces: faces });
    expect(validateStyleMin(style)).toEqual([]);
    expect(style).not.toHaveProperty('glyphs');
    const declared = (style as { 'font-faces'?: Record<string, unknown[]> })['font-faces'] ?? {};
    expect(Object.keys(declared)).toEqual(['Noto Sans SC Variable']);
    expect(declared['Noto Sans SC Variable']).toHaveLength(2);
    // Without the page's stylesheets (Node) nothing is declared, and the style is still valid.
    expect(buildStyle({ theme: 'night', variant: 'console', lang: 'zh-CN', visible: DEFAULT_GROUPS.console })).not.toHaveProperty('font-faces');
  });

  it('clusters cases in the worker and keeps string ids usable for feature-state', () => {
    const style = buildStyle({ theme: 'night', variant: 'console', lang: 'zh-CN', visible: DEFAULT_GROUPS.console });
    const cases = style.sources[SRC.cases] as Record<string, unknown>;
    expect(cases.cluster).toBe(true);
    expect(cases.promoteId).toBe('id');
    expect(style.sources[SRC.units]).toMatchObject({ promoteId: 'id' });
    expect(style.sources[SRC.subdistricts]).toMatchObject({ promoteId: 'code' });
  });

  it('puts every grouped layer in the style, tagged and visible per the variant', () => {
    const visible = { ...DEFAULT_GROUPS.console, heat: false, cameras: true };
    const style = buildStyle({ theme: 'night', variant: 'console', lang: 'zh-CN', visible });
    const byId = new Map(style.layers.map((l) => [l.id, l]));
    for (const g of LAYER_GROUP_NAMES) {
      for (const id of LAYER_GROUPS[g]) {
        const layer = byId.get(id);
        expect(layer, id).toBeDefined();
        expect(layer!.metadata).toEqual({ 'linkage:group': g });
        expect((layer as { layout?: { visibility?: string } }).layout?.visibility).toBe(visible[g] ? 'visible' : 'none');
      }
    }
    expect(new Set(style.layers.map((l) => l.id)).size).toBe(style.layers.length);
  });

  it('labels regions in Chinese first, English second; reversed in English mode', () => {
    const zh = buildStyle({ theme: 'night', variant: 'console', lang: 'zh-CN', visible: DEFAULT_GROUPS.console });
    const en = buildStyle({ theme: 'night', variant: 'console', lang: 'en', visible: DEFAULT_GROUPS.console });
    const field = (s: typeof zh) => JSON.stringify((s.layers.find((l) => l.id === 'subdistrict-label') as { layout: { 'text-field': unknown } }).layout['text-field']);
    expect(field(zh).indexOf('"name"')).toBeLessThan(field(zh).indexOf('"nameEn"'));
    expect(field(en).indexOf('"nameEn"')).toBeLessThan(field(en).indexOf('"name"'));
  });

  it('gives every text layer the bundled font (issue 15), never an OS font by name', () => {
    const style = buildStyle({ theme: 'day', variant: 'wall', lang: 'zh-CN', visible: DEFAULT_GROUPS.wall });
    const symbols = style.layers.filter((l) => l.type === 'symbol' && 'layout' in l && l.layout && 'text-field' in l.layout);
    expect(symbols.length).toBeGreaterThan(3);
    for (const l of symbols) expect((l as { layout: { 'text-font': string[] } }).layout['text-font'], l.id).toContain('Noto Sans SC Variable');
  });
  it('keeps a cluster\'s count readable: drawn and placed above the region labels, which step aside', () => {
    for (const variant of ['console', 'wall'] as const) {
      const style = buildStyle({ theme: 'night', variant, lang: 'zh-CN', visible: DEFAULT_GROUPS[variant] });
      const ids = style.layers.map((l) => l.id);
      // maplibre places the topmost symbol layer first; a later-placed label cannot cover it.
      for (const label of ['subdistrict-label', 'community-label', 'units-label']) expect(ids.indexOf('cases-cluster-count'), label).toBeGreaterThan(ids.indexOf(label));
      expect(ids.indexOf('cases-cluster-count')).toBeGreaterThan(ids.indexOf('cases-cluster'));
      const count = style.layers.find((l) => l.id === 'cases-cluster-count') as { layout: Record<string, unknown> };
      expect(count.layout['text-allow-overlap']).toBe(true);
      // In the collision index (so labels yield), padded out to about the circle.
      expect(count.layout['text-ignore-placement']).toBeUndefined();
      expect(count.layout['text-padding']).toBeGreaterThanOrEqual(8);
      const sub = style.layers.find((l) => l.id === 'subdistrict-label') as { layout: Record<string, unknown> };
      expect(sub.layout['text-variable-anchor']).toContain('center');
      expect(sub.layout['text-variable-anchor']).toContain('bottom');
      expect(sub.layout['text-radial-offset']).toBeGreaterThan(1);
    }
  });

  it('names the subdistrict on one short line in the mini map (no Latin second line to cut off)', () => {
    for (const lang of ['zh-CN', 'en'] as const) {
      const mini = buildStyle({ theme: 'night', variant: 'mini', lang, visible: DEFAULT_GROUPS.mini });
      const sub = mini.layers.find((l) => l.id === 'subdistrict-label') as { layout: Record<string, unknown> };
      expect(sub.layout['text-field']).toEqual(['get', lang === 'en' ? 'nameEn' : 'name']);
      expect(sub.layout['text-max-width']).toBeLessThanOrEqual(8);
      expect(sub.layout.visibility).toBe('visible');
      expect(validateStyleMin(mini)).toEqual([]);
    }
    // The console keeps both names (zh first) once zoomed in.
    const full = buildStyle({ theme: 'night', variant: 'console', lang: 'zh-CN', visible: DEFAULT_GROUPS.console });
    const field = JSON.stringify((full.layers.find((l) => l.id === 'subdistrict-label') as { layout: Record<string, unknown> }).layout['text-field']);
    expect(field).toContain('"nameEn"');
  });
});
