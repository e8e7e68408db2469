/**
 * Legend with a toggle per layer group. Swatches use the same palette as the layers, so the
 * legend cannot drift from what is drawn. It folds to its title button (a real <button>,
 * aria-expanded; Enter/Space from the keyboard), so it does not cover the south-west of the
 * district in the console's narrow map pane, where it starts folded.
 */
import { useId, useState, type CSSProperties, type ReactNode } from 'react';
import { CAMERA_STATUSES, UNIT_STATUSES, URGENCIES } from '../../../shared/protocol/entities';
import type { LayerGroup } from './ids';
import type { MapLabelKey, MapTranslate } from './labels';
import { PALETTES, type MapTheme } from './theme';

export interface MapLegendProps {
  visible: Record<LayerGroup, boolean>;
  onToggle(group: LayerGroup, on: boolean): void;
  theme: MapTheme;
  t: MapTranslate;
  /** Which groups to offer (default: all but regions, which is the map itself). */
  groups?: readonly LayerGroup[];
  style?: CSSProperties;
  /** Folded at first (the console's map pane); the officer's choice then holds while the map lives. */
  defaultCollapsed?: boolean;
}

const DEFAULT_LEGEND_GROUPS: readonly LayerGroup[] = ['cases', 'heat', 'choropleth', 'units', 'cameras', 'communities', 'operation'];

const dot = (color: string, ring?: string): CSSProperties => ({
  display: 'inline-block',
  width: 10,
  height: 10,
  borderRadius: '50%',
  background: color,
  boxShadow: ring ? `0 0 0 2px ${ring}` : undefined,
  marginRight: 4,
  verticalAlign: 'middle',
});

function Swatch({ color, label, ring }: { color: string; label: string; ring?: string }) {
  return (
    <span style={{ marginRight: 8, whiteSpace: 'nowrap' }}>
      <i style={dot(color, ring)} />
      {label}
    </span>
  );
}

export function MapLegend({ visible, onToggle, theme, t, groups = DEFAULT_LEGEND_GROUPS, style, defaultCollapsed = false }: MapLegendProps) {
  const [collapsed, setCollapsed] = useState(defaultCollapsed);
  const bodyId = useId();
  const p = PALETTES[theme];
  const night = theme === 'night';
  const bar = (colors: readonly string[]) => (
    <i style={{ display: 'inline-block', width: 60, height: 8, verticalAlign: 'middle', background: `linear-gradient(to right, ${colors.join(', ')})` }} />
  );
  const details: Partial<Record<LayerGroup, ReactNode>> = {
    cases: (
      <>
        {URGENCIES.map((u) => <Swatch key={u} color={p.urgency[u]} label={t(`map.urgency.${u}` as MapLabelKey)} />)}
        <Swatch color="transparent" ring={p.overdue} label={t('map.case.overdue')} />
      </>
    ),
    units: UNIT_STATUSES.map((s) => <Swatch key={s} color={p.unit[s]} label={t(`map.unit.${s}` as MapLabelKey)} />),
    cameras: CAMERA_STATUSES.map((s) => <Swatch key={s} color={p.camera[s]} label={t(`map.camera.${s}` as MapLabelKey)} />),
    heat: bar(p.heat.slice(1)),
    choropleth: bar(p.ramp),
  };
  return (
    <div
      data-testid="map-legend"
      data-collapsed={collapsed}
      style={{
        position: 'absolute',
        left: 8,
        bottom: 8,
        zIndex: 2,
        maxWidth: 360,
        padding: '6px 10px',
        borderRadius: 4,
        font: '12px/1.6 var(--font)',
        color: p.label,
        background: night ? 'rgba(8, 17, 28, 0.85)' : 'rgba(255, 255, 255, 0.9)',
        border: `1px solid ${p.subdistrictLine}`,
        ...style,
      }}
    >
      <button
        type="button"
        data-testid="map-legend-toggle"
        aria-expanded={!collapsed}
        aria-controls={bodyId}
        title={t(collapsed ? 'map.legend.show' : 'map.legend.hide')}
        aria-label={t(collapsed ? 'map.legend.show' : 'map.legend.hide')}
        onClick={() => setCollapsed(!collapsed)}
        className="map-legend-toggle"
        style={{ display: 'block', width: '100%', padding: 0, border: 0, background: 'none', color: 'inherit', font: 'inherit', fontWeight: 600, textAlign: 'left', cursor: 'pointer' }}
      >
        <span aria-hidden="true" style={{ display: 'inline-block', width: '1em' }}>{collapsed ? '▸' : '▾'}</span>
        {t('map.legend.title')}
      </button>
      {collapsed ? null : <div id={bodyId}>{groups.map((g) => (
        <div key={g}>
          <label style={{ cursor: 'pointer', marginRight: 6 }}>
            <input type="checkbox" data-testid={`map-layer-toggle-${g}`} checked={visible[g]} onChange={(e) => onToggle(g, e.target.checked)} style={{ verticalAlign: 'middle' }} />{' '}
            {t(`map.group.${g}` as MapLabelKey)}
          </label>
          {visible[g] && details[g] ? <span style={{ color: p.labelMinor }}>{details[g]}</span> : null}
        </div>
      ))}</div>}
    </div>
  );
}
