/** What a chart is fed (renderer/ui/Chart.tsx): an ECharts option. A type only, so pure option builders (and Node tests) need no React. */
import type { EChartsCoreOption } from 'echarts/core';

export type ChartOption = EChartsCoreOption;
