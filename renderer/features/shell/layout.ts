/** Pane widths (queue | case | map), kept in settings.layout, always within sane bounds. */
export const LAYOUT_DEFAULTS = { queueWidth: 560, mapWidth: 640 } as const;
export const PANE_MIN = 320;
export const CASE_MIN = 420;

export type PaneKey = keyof typeof LAYOUT_DEFAULTS;

/** The width to use: the saved one, clamped so the case pane keeps its minimum. */
export function paneWidth(layout: Readonly<Record<string, number>>, key: PaneKey, windowWidth: number, otherWidth: number): number {
  const saved = layout[key];
  const want = typeof saved === 'number' && Number.isFinite(saved) ? saved : LAYOUT_DEFAULTS[key];
  const max = Math.max(PANE_MIN, windowWidth - otherWidth - CASE_MIN);
  return Math.round(Math.min(max, Math.max(PANE_MIN, want)));
}
