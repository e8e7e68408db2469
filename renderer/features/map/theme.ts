/**
 * Day and night palettes. Night is the room's default (ARCHITECTURE §5: dark theme for the command
 * room); colours of meaning (urgency, status) keep the same hue in both so a duty officer who
 * moves from the wall to a console reads them the same way.
 */
import type { Camera, Unit, Urgency } from '../../../shared/protocol/entities';
import { UI_FAMILY, UI_FONT_CSS } from '../../fonts/families';

export type MapTheme = 'day' | 'night';

export interface MapPalette {
  background: string;
  land: string;
  boundary: string;
  subdistrictLine: string;
  communityLine: string;
  label: string;
  labelMinor: string;
  halo: string;
  urgency: Record<Urgency, string>;
  overdue: string;
  selected: string;
  cluster: string;
  clusterText: string;
  unit: Record<Unit['status'], string>;
  camera: Record<Camera['status'], string>;
  /** Choropleth ramp, low → high. */
  ramp: [string, string, string];
  heat: [string, string, string, string];
  operation: string;
  measure: string;
}

export const PALETTES: Record<MapTheme, MapPalette> = {
  night: {
    background: '#08111c',
    land: '#0f2133',
    boundary: '#4fc3f7',
    subdistrictLine: '#2f6390',
    communityLine: '#1b3a56',
    label: '#d6e8f7',
    labelMinor: '#8fb0cc',
    halo: '#08111c',
    urgency: { urgent: '#ff4d4f', high: '#ffa940', normal: '#40a9ff' },
    overdue: '#e040fb',
    selected: '#ffffff',
    cluster: '#1f4e79',
    clusterText: '#ffffff',
    unit: { available: '#52c41a', enroute: '#13c2c2', busy: '#fadb14', offline: '#8c8c8c' },
    camera: { online: '#36cfc9', offline: '#8c8c8c', fault: '#fa8c16' },
    ramp: ['#12324d', '#a8071a', '#ff4d4f'],
    heat: ['rgba(0,0,0,0)', '#1d39c4', '#fa8c16', '#ff4d4f'],
    operation: '#ff7a45',
    measure: '#ffe58f',
  },
  day: {
    background: '#e8edf2',
    land: '#fbfcfd',
    boundary: '#1565c0',
    subdistrictLine: '#7d98b3',
    communityLine: '#c5d3e0',
    label: '#1f2d3d',
    labelMinor: '#50637a',
    halo: '#ffffff',
    urgency: { urgent: '#d4380d', high: '#d48806', normal: '#096dd9' },
    overdue: '#9c27b0',
    selected: '#000000',
    cluster: '#2f5f8f',
    clusterText: '#ffffff',
    unit: { available: '#389e0d', enroute: '#08979c', busy: '#d4b106', offline: '#8c8c8c' },
    camera: { online: '#08979c', offline: '#8c8c8c', fault: '#d46b08' },
    ramp: ['#f0f5fa', '#ff9c6e', '#cf1322'],
    heat: ['rgba(255,255,255,0)', '#69c0ff', '#ffc53d', '#f5222d'],
    operation: '#d4380d',
    measure: '#ad6800',
  },
};

/**
 * The labels' font is the app's own (issue 15): the style declares the bundled Noto Sans SC
 * slices as `font-faces` under this name (ARCHITECTURE §5 still holds: no glyphs URL), and maplibre
 * loads a slice when it first draws one of its characters. A font file carries its own weight,
 * so the "Bold" stack draws at the variable font's default weight when the file covers the
 * character; the name stays so a style without `font-faces` (a Node test) still sniffs bold.
 */
export const FONT_REGULAR = [UI_FAMILY];
export const FONT_BOLD = [`${UI_FAMILY} Bold`, UI_FAMILY];
/** For `localIdeographFontFamily`: any text layer left on the default stack uses the bundled font too. */
export const CJK_CSS_FAMILIES = UI_FONT_CSS;
