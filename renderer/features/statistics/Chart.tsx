/**
 * An ECharts chart of the statistics window (bars, lines, the district's choropleth): created
 * once, fed by setOption, resized with its box. The report renders SVG (vector in the PDF) and
 * without animation, and says when it has drawn (`onRendered`). Text is in the bundled font,
 * set once its characters are loaded (a canvas would otherwise keep the fallback's boxes).
 */
import { useEffect, useRef } from 'react';
import { BarChart, LineChart, MapChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TitleComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer, SVGRenderer } from 'echarts/renderers';
import { withBundledFont } from '../../fonts/load';

echarts.use([BarChart, LineChart, MapChart, GridComponent, LegendComponent, TitleComponent, TooltipComponent, VisualMapComponent, CanvasRenderer, SVGRenderer]);

export type ChartOption = echarts.EChartsCoreOption;

let registered: unknown = null;
/** The district's subdistricts as an ECharts map named 'district', keyed by code. */
export function registerDistrict(geojson: unknown): boolean {
  if (!geojson || typeof geojson !== 'object' || !Array.isArray((geojson as { features?: unknown }).features)) return false;
  if (registered !== geojson) {
    echarts.registerMap('district', geojson as Parameters<typeof echarts.registerMap>[1]);
    registered = geojson;
  }
  return true;
}

export function Chart({ option, testId, svg = false, onClick, onRendered, className = 'stats-chart' }: {
  option: ChartOption; testId: string; svg?: boolean; className?: string;
  onClick?: (p: { name?: string; dataIndex?: number; seriesIndex?: number; data?: unknown }) => void;
  onRendered?: () => void;
}) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const click = useRef(onClick);
  click.current = onClick;
  const rendered = useRef(onRendered);
  rendered.current = onRendered;

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const c = echarts.init(el, null, { renderer: svg ? 'svg' : 'canvas' });
    chart.current = c;
    c.on('click', (p) => click.current?.(p as never));
    c.on('finished', () => rendered.current?.());
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(el);
    return () => {
      ro.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, [svg]);

  useEffect(() => {
    let current = true;
    void withBundledFont(option as Record<string, unknown>).then((o) => {
      if (current) chart.current?.setOption(o, { notMerge: true });
    });
    return () => {
      current = false;
    };
  }, [option, svg]);

  return <div ref={box} className={className} data-testid={testId} />;
}
