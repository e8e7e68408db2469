import { describe, expect, it, vi } from 'vitest';
import { formatKm, haversineKm, inScreenBox } from '../../renderer/features/map/geo';
import { MeasureTool } from '../../renderer/features/map/measure';
import { convexSignedDistance, headingIcon } from '../../renderer/features/map/heading-icon';
import { probeWebGL, detectWebGL } from '../../renderer/features/map/webgl';
import { MAP_LABELS, mapTranslator, resolveTranslator } from '../../renderer/features/map/labels';
import { applyLayerChanges, type LayerTarget } from '../../renderer/features/map/style-apply';
import { buildLayers } from '../../renderer/features/map/layers';
import { DEFAULT_GROUPS } from '../../renderer/features/map/ids';

describe('distance', () => {
  it('measures great-circle km', () => {
    expect(haversineKm([121.4, 31.0], [121.4, 32.0])).toBeCloseTo(111.19, 1);
    expect(haversineKm([121.3, 31.1], [121.3, 31.1])).toBe(0);
    expect(formatKm(0.8512)).toBe('0.85');
    expect(formatKm(12.345)).toBe('12.3');
    expect(inScreenBox({ x: 5, y: 5 }, { x: 10, y: 0 }, { x: 0, y: 10 })).toBe(true);
    expect(inScreenBox({ x: 11, y: 5 }, { x: 10, y: 0 }, { x: 0, y: 10 })).toBe(false);
  });

  it('measures between two clicks and starts over on the third', () => {
    const m = new MeasureTool();
    m.start();
    expect(m.click([121.4, 31.0])).toBeNull();
    expect(m.click([121.4, 31.01])).toBeCloseTo(1.112, 2);
    const fc = m.features((km) => `${formatKm(km)} km`);
    expect(fc.features.map((f) => f.geometry.type)).toEqual(['Point', 'Point', 'LineString', 'Point']);
    expect(fc.features[3]!.properties).toEqual({ label: '1.11 km' });
    expect(m.click([121.5, 31.0])).toBeNull();
    expect(m.features(String).features).toHaveLength(1);
    m.stop();
    expect(m.active).toBe(false);
    expect(m.features(String).features).toHaveLength(0);
  });
});

describe('heading icon (SDF, drawn in code)', () => {
  it('is a signed distance field of a triangle pointing north', () => {
    const tri: Array<[number, number]> = [[32, 2], [43, 18], [21, 18]];
    expect(convexSignedDistance(tri, 32, 12)).toBeLessThan(0);
    expect(convexSignedDistance(tri, 32, 40)).toBeGreaterThan(0);
    const { width, height, data } = headingIcon();
    expect([width, height, data.length]).toEqual([64, 64, 64 * 64 * 4]);
    const alpha = (x: number, y: number) => data[(y * width + x) * 4 + 3]!;
    expect(alpha(32, 12)).toBeGreaterThan(191); // inside: beyond the 0.75 SDF edge
    expect(alpha(32, 40)).toBe(0); // the dot's place stays clear
    expect(alpha(32, 60)).toBe(0); // south of the dot: nothing
  });
});

describe('WebGL probe', () => {
  const doc = (contexts: Record<string, unknown>, onCreate = vi.fn()) => ({
    createElement: () => {
      onCreate();
      return { getContext: (kind: string) => (contexts[kind] instanceof Error ? (() => { throw contexts[kind]; })() : contexts[kind] ?? null) };
    },
  });
  const gl = (renderer: string) => {
    const lose = vi.fn();
    return {
      lose,
      ctx: {
        RENDERER: 0x1f01,
        getExtension: (n: string) => (n === 'WEBGL_lose_context' ? { loseContext: lose } : n === 'WEBGL_debug_renderer_info' ? { UNMASKED_RENDERER_WEBGL: 0x9246 } : null),
        getParameter: (p: number) => (p === 0x9246 ? renderer : 'WebKit WebGL'),
      },
    };
  };

  it('wants WebGL 2 (maplibre 6 creates nothing else) and frees the probe context', () => {
    const g = gl('ANGLE (NVIDIA GeForce)');
    expect(probeWebGL(doc({ webgl2: g.ctx }))).toEqual({ support: 'webgl2', renderer: 'ANGLE (NVIDIA GeForce)', software: false });
    expect(g.lose).toHaveBeenCalled();
  });

  it('reports WebGL 1 alone, nothing, or a throwing driver as no map', () => {
    const create = vi.fn();
    expect(detectWebGL(doc({ webgl: gl('x').ctx }, create))).toBe('webgl1-only');
    expect(create).toHaveBeenCalledTimes(2); // a fresh canvas for the second probe
    expect(detectWebGL(doc({}))).toBe('none');
    expect(detectWebGL(doc({ webgl2: new Error('driver'), webgl: new Error('driver') }))).toBe('none');
  });

  it('spots software renderers (GPU-less walls)', () => {
    expect(probeWebGL(doc({ webgl2: gl('ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)), SwiftShader driver)').ctx })).software).toBe(true);
    expect(probeWebGL(doc({ webgl2: gl('llvmpipe (LLVM 15.0.6, 256 bits)').ctx })).software).toBe(true);
  });
});

describe('labels', () => {
  it('has every key in both languages, including the no-WebGL hint', () => {
    expect(Object.keys(MAP_LABELS.en).sort()).toEqual(Object.keys(MAP_LABELS['zh-CN']).sort());
    expect(`${MAP_LABELS['zh-CN']['map.noWebgl.title']} — ${MAP_LABELS['zh-CN']['map.noWebgl.hint']}`).toBe(
      '此电脑未启用 WebGL，地图无法显示 — 启动时加 --enable-unsafe-swiftshader 或 --ignore-gpu-blocklist',
    );
  });

  it('fills placeholders, and falls back when the app’s t does not know a key', () => {
    expect(mapTranslator('zh-CN')('map.measure.km', { km: '1.20' })).toBe('1.20 公里');
    const t = resolveTranslator('en', (key) => (key === 'map.group.cases' ? '案件!' : key));
    expect(t('map.group.cases')).toBe('案件!');
    expect(t('map.group.units')).toBe('Units');
  });
});

describe('restyling a live map', () => {
  const fake = () => {
    const calls: string[] = [];
    const target: LayerTarget = {
      getLayer: () => ({}),
      setPaintProperty: (id, name) => calls.push(`paint ${id} ${name}`),
      setLayoutProperty: (id, name) => calls.push(`layout ${id} ${name}`),
      setFilter: (id) => calls.push(`filter ${id}`),
      setLayerZoomRange: (id) => calls.push(`zoom ${id}`),
    };
    return { calls, target };
  };
  const opts = { theme: 'night', variant: 'console', lang: 'zh-CN', visible: DEFAULT_GROUPS.console } as const;

  it('changes nothing for the same options', () => {
    const { calls, target } = fake();
    expect(applyLayerChanges(target, buildLayers(opts), buildLayers(opts))).toBe(0);
    expect(calls).toEqual([]);
  });

  it('switches day/night by paint only, and language by the label fields only', () => {
    const theme = fake();
    applyLayerChanges(theme.target, buildLayers(opts), buildLayers({ ...opts, theme: 'day' }));
    expect(theme.calls.length).toBeGreaterThan(10);
    expect(theme.calls.every((c) => c.startsWith('paint '))).toBe(true);
    expect(theme.calls).toContain('paint background background-color');

    const lang = fake();
    applyLayerChanges(lang.target, buildLayers(opts), buildLayers({ ...opts, lang: 'en' }));
    expect(lang.calls).toEqual(['layout subdistrict-label text-field']);
  });

  it('switches the choropleth metric through its paint', () => {
    const { calls, target } = fake();
    applyLayerChanges(target, buildLayers(opts), buildLayers({ ...opts, choroplethMetric: 'overdue' }));
    expect(calls).toEqual(['paint subdistrict-choropleth fill-color', 'paint subdistrict-choropleth fill-opacity']);
  });
});
