// Issue 15: ECharts draws on a canvas, which keeps whatever font was loaded when it drew. Text a
// chart draws through a formatter (the choropleth's subdistrict labels) is invisible to a walk of
// the option, so the chart names it under GLYPHS; withBundledFont loads it and removes the key.
import { describe, expect, it } from 'vitest';
import { choropleth, DARK } from '../../renderer/features/statistics/charts';
import type { StatsData } from '../../renderer/features/statistics/load';
import type { Names } from '../../renderer/features/statistics/tables';
import { GLYPHS, UI_FAMILY } from '../../renderer/fonts/families';
import { textOf, withBundledFont } from '../../renderer/fonts/chart-text';

const NAMES: Record<string, string> = { '310112101': '华漕镇', '310112006': '浦锦街道', '310112104': '吴泾镇' };
const names = { subdistrict: (c: string) => NAMES[c] ?? '' } as unknown as Names;
const data = { demands: { subdistrict: { groups: [{ key: '310112101', count: 3 }] } } } as unknown as StatsData;

describe('charts in the bundled font', () => {
  it("the choropleth names the labels its formatter draws, for every region of the map, with or without a count", () => {
    const option = choropleth(data, names, (k) => k, DARK, false, Object.keys(NAMES)) as Record<string, unknown>;
    const glyphs = String(option[GLYPHS]);
    for (const ch of '华漕浦锦吴泾') expect(glyphs).toContain(ch);
    // The option itself has none of these characters as strings: only GLYPHS brings them.
    expect([...textOf({ ...option, [GLYPHS]: '' })].join('')).not.toContain('锦');
  });

  it('withBundledFont sets the bundled family and hands ECharts no GLYPHS key', async () => {
    const option = choropleth(data, names, (k) => k, DARK, false, Object.keys(NAMES)) as Record<string, unknown>;
    const out = await withBundledFont(option);
    expect(out).not.toHaveProperty(GLYPHS);
    expect((out.textStyle as { fontFamily: string }).fontFamily).toContain(UI_FAMILY);
    expect(out.series).toBe(option.series);
  });
});
