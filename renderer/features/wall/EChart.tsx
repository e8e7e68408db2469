/**
 * An ECharts chart that lives as long as its panel: created once, fed by setOption (never
 * re-created per update), resized with its box, disposed when the panel goes. Only the charts
 * on screen are updated; a hidden layout's chart catches up when it shows.
 */
import { useEffect, useRef } from 'react';
import { BarChart, PieChart } from 'echarts/charts';
import { GridComponent, TitleComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { withBundledFont } from '../../fonts/load';

echarts.use([BarChart, PieChart, GridComponent, TitleComponent, CanvasRenderer]);

export type ChartOption = echarts.EChartsCoreOption;

export function EChart({ option, active, testId }: { option: ChartOption; active: boolean; testId: string }) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const applied = useRef<ChartOption | null>(null);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const c = echarts.init(el, null, { renderer: 'canvas' });
    chart.current = c;
    applied.current = null;
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(el);
    return () => {
      ro.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    const c = chart.current;
    if (!c || !active || applied.current === option) return;
    applied.current = option;
    // In the bundled font, once its characters are loaded: the canvas never redraws by itself.
    void withBundledFont(option as Record<string, unknown>).then((o) => {
      // Same structure every time: merging keeps the series and animates the values.
      if (chart.current === c && applied.current === option) c.setOption(o, { lazyUpdate: true });
    });
  }, [option, active]);

  return <div ref={box} className="wall-chart" data-testid={testId} />;
}

export { echarts };
