/**
 * The map's own strings, zh-CN first (ARCHITECTURE §5). Kept here rather than in the app's i18n
 * bundle so the map works in the wall and mini views without it; a caller with i18next can
 * pass its own `t` instead (see `resolveLabel`).
 */
export type MapLang = 'zh-CN' | 'en';

const ZH = {
  'map.noWebgl.title': '此电脑未启用 WebGL，地图无法显示',
  'map.noWebgl.hint': '启动时加 --enable-unsafe-swiftshader 或 --ignore-gpu-blocklist',
  'map.noWebgl.webgl1': '此地图需要 WebGL 2，本机只提供 WebGL 1。',
  'map.contextLost': '图形上下文丢失，正在恢复…',
  'map.legend.title': '图层',
  'map.legend.show': '展开图层图例',
  'map.legend.hide': '收起图层图例',
  'map.group.regions': '行政区划',
  'map.group.communities': '居村委',
  'map.group.cases': '案件',
  'map.group.heat': '案件热力',
  'map.group.choropleth': '街镇案件分布',
  'map.group.units': '队伍与车辆',
  'map.group.cameras': '视频监控',
  'map.group.operation': '处置区域',
  'map.urgency.urgent': '紧急',
  'map.urgency.high': '较急',
  'map.urgency.normal': '一般',
  'map.case.overdue': '超期',
  'map.unit.available': '空闲',
  'map.unit.enroute': '途中',
  'map.unit.busy': '处置中',
  'map.unit.offline': '离线',
  'map.camera.online': '在线',
  'map.camera.offline': '离线',
  'map.camera.fault': '故障',
  'map.measure.km': '{km} 公里',
  'map.measure.hint': '点击两点测量距离',
  'map.attribution.synthesized': '街镇、居村委边界为合成示意，非官方边界',
} as const;

export type MapLabelKey = keyof typeof ZH;

const EN: Record<MapLabelKey, string> = {
  'map.noWebgl.title': 'WebGL is not enabled on this computer; the map cannot be shown',
  'map.noWebgl.hint': 'Start with --enable-unsafe-swiftshader or --ignore-gpu-blocklist',
  'map.noWebgl.webgl1': 'The map needs WebGL 2; this computer offers only WebGL 1.',
  'map.contextLost': 'Graphics context lost, restoring…',
  'map.legend.title': 'Layers',
  'map.legend.show': 'Show the layer legend',
  'map.legend.hide': 'Hide the layer legend',
  'map.group.regions': 'Regions',
  'map.group.communities': 'Communities',
  'map.group.cases': 'Cases',
  'map.group.heat': 'Case heat map',
  'map.group.choropleth': 'Cases by subdistrict',
  'map.group.units': 'Units',
  'map.group.cameras': 'Cameras',
  'map.group.operation': 'Operation area',
  'map.urgency.urgent': 'Urgent',
  'map.urgency.high': 'High',
  'map.urgency.normal': 'Normal',
  'map.case.overdue': 'Overdue',
  'map.unit.available': 'Available',
  'map.unit.enroute': 'En route',
  'map.unit.busy': 'Busy',
  'map.unit.offline': 'Offline',
  'map.camera.online': 'Online',
  'map.camera.offline': 'Offline',
  'map.camera.fault': 'Fault',
  'map.measure.km': '{km} km',
  'map.measure.hint': 'Click two points to measure',
  'map.attribution.synthesized': 'Subdistrict and community shapes are synthesized, not official boundaries',
};

export const MAP_LABELS: Record<MapLang, Record<MapLabelKey, string>> = { 'zh-CN': ZH, en: EN };

/** A translate function as i18next's `t` offers it (key, interpolation values). */
export type MapTranslate = (key: MapLabelKey, values?: Record<string, string | number>) => string;

/** The built-in translator for a language; `{name}` placeholders are filled from `values`. */
export function mapTranslator(lang: MapLang): MapTranslate {
  const table = MAP_LABELS[lang];
  return (key, values) => table[key].replace(/\{(\w+)\}/g, (m, name: string) => (values && name in values ? String(values[name]) : m));
}

/**
 * A caller's `t` wins, but i18next answers an unknown key with the key itself: fall back to
 * our table then, so a missing entry in the app's bundle never shows "map.group.cases".
 */
export function resolveTranslator(lang: MapLang, t?: MapTranslate): MapTranslate {
  const own = mapTranslator(lang);
  if (!t) return own;
  return (key, values) => {
    const text = t(key, values);
    return text && text !== key ? text : own(key, values);
  };
}
