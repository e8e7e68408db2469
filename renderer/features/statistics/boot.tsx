/**
 * Entry of the statistics window (`/statistics`, loaded on demand by renderer/main.tsx): the
 * bridge, i18n in the user's language, the district's names and subdistrict shapes, then the
 * window. Its figures are the hub's (the `statistics` bridge call), not the replica's, so it
 * needs no store of cases; `?report` opens the PDF report view directly.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { getBridge } from '../../bridge';
import { initI18n, setLanguage } from '../../i18n';
import { summarizeDistrict, type DistrictSummary } from '../district/summary';
import { StatisticsApp } from './StatisticsApp';
import '../../styles/app.css';
import './statistics.css';

export function startStatistics(root: HTMLElement): void {
  const bridge = getBridge();
  const i18n = initI18n('zh-CN');
  document.title = i18n.t('statistics.title');
  const report = new URLSearchParams(window.location.search).has('report');
  const reactRoot = createRoot(root);
  const render = (district: DistrictSummary | null, geo: unknown) => reactRoot.render(
    <StrictMode>
      <StatisticsApp bridge={bridge} district={district} geo={geo} report={report} />
    </StrictMode>,
  );
  render(null, null);
  bridge.snapshot().then((s) => {
    setLanguage(s.settings.language);
    document.title = i18n.t('statistics.title');
  }, () => {});
  bridge.onChanges((b) => { if (b.settings) setLanguage(b.settings.language); });
  bridge.district().then((d) => {
    let summary: DistrictSummary | null = null;
    try {
      summary = summarizeDistrict(d);
    } catch (e) {
      console.error('[statistics] the district data is invalid', e);
    }
    render(summary, d.subdistricts);
  }, (e: unknown) => console.error('[statistics] no district data', e));
}
