/**
 * The one ECharts chart of the renderer (the statistics window, its PDF report, the wall's
 * panels): created once per renderer, fed by setOption (never re-created per update), resized
 * with its box, disposed with the component.
 *
 * - `renderer`: 'canvas' (default) or 'svg' (the report: vector in the PDF).
 * - `merge`: false (default) replaces the option (notMerge); true merges it with lazyUpdate, so
 *   an option of the same structure keeps its series and animates the values (the wall).
 * - `active`: false holds updates back (a wall layout not on screen); the chart catches up with
 *   the latest option when it turns active again.
 * - `onClick` on a figure; `onRendered` when ECharts has finished drawing.
 *
 * Text is in the bundled font, set once its characters are loaded (a canvas would otherwise
 * keep the fallback's boxes and never redraw); an option that resolves after a newer one is
 * dropped.
 */
import { useEffect, useRef } from 'react';
import { BarChart, LineChart, MapChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TitleComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer, SVGRenderer } from 'echarts/renderers';
import { withBundledFont } from '../fonts/chart-text';

// What the charts of both users draw: bars, lines and the district's choropleth (visual map).
echarts.use([BarChart, LineChart, MapChart, GridComponent, LegendComponent, TitleComponent, TooltipComponent, VisualMapComponent, CanvasRenderer, SVGRenderer]);

export type { ChartOption } from './chart-option';
import type { ChartOption } from './chart-option';
export type ChartClick = { name?: string; dataIndex?: number; seriesIndex?: number; data?: unknown };

export interface ChartProps {
  option: ChartOption;
  testId: string;
  renderer?: 'canvas' | 'svg';
  merge?: boolean;
  active?: boolean;
  className?: string;
  onClick?: (p: ChartClick) => void;
  onRendered?: () => void;
}

export function Chart({ option, testId, renderer = 'canvas', merge = false, active = true, className, onClick, onRendered }: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  /** The option last handed to the font loader for this chart; a late one that is not it is dropped. */
  const applied = useRef<ChartOption | null>(null);
  const click = useRef(onClick);
  click.current = onClick;
  const rendered = useRef(onRendered);
  rendered.current = onRendered;

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const c = echarts.init(el, null, { renderer });
    chart.current = c;
    applied.current = null;
    c.on('click', (p) => click.current?.(p as ChartClick));
    c.on('finished', () => rendered.current?.());
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(el);
    return () => {
      ro.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, [renderer]);

  useEffect(() => {
    const c = chart.current;
    if (!c || !active || applied.current === option) return;
    applied.current = option;
    void withBundledFont(option as Record<string, unknown>).then((o) => {
      if (chart.current === c && applied.current === option) c.setOption(o, merge ? { lazyUpdate: true } : { notMerge: true });
    });
  }, [option, active, renderer, merge]);

  return <div ref={box} className={className} data-testid={testId} />;
}
