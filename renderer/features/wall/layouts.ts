/**
 * Wall layouts as data (issue 7): a wall is a rotation of layouts, each a grid of panels. The
 * structure is the settings' schema (shared/bridge/contract.ts `WallsSchema`); this adds what
 * only the wall knows: the panel kinds, their options, and that panels fit the grid without
 * overlapping. Built-in defaults apply to any wall without an entry in settings.
 */
import { z } from 'zod';
import { WallConfigSchema, WallsSchema } from '../../../shared/bridge/contract';

export type WallConfig = z.infer<typeof WallConfigSchema>;
export type WallLayout = WallConfig['layouts'][number];
export type WallPanel = WallLayout['panels'][number];
export type Walls = z.infer<typeof WallsSchema>;

export const PANEL_KINDS = [
  'map', 'ticker', 'kpis', 'overdue-departments', 'overdue-subdistricts', 'sources', 'hourly',
  'operations', 'cameras', 'clock', 'alert',
] as const;
export type PanelKind = (typeof PANEL_KINDS)[number];

export const KPI_ITEMS = ['reported', 'registered', 'dispatched', 'closed', 'onTime', 'open', 'overdue'] as const;
export type KpiItem = (typeof KPI_ITEMS)[number];

/** Options per kind; unknown options are refused so a typo does not silently do nothing. */
const OPTIONS: Record<PanelKind, z.ZodType> = {
  map: z.strictObject({}),
  ticker: z.strictObject({ max: z.number().int().min(3).max(30).optional() }),
  kpis: z.strictObject({ items: z.array(z.enum(KPI_ITEMS)).min(1).max(KPI_ITEMS.length).optional() }),
  'overdue-departments': z.strictObject({ top: z.number().int().min(3).max(20).optional() }),
  'overdue-subdistricts': z.strictObject({}),
  sources: z.strictObject({}),
  hourly: z.strictObject({}),
  operations: z.strictObject({ max: z.number().int().min(1).max(10).optional() }),
  cameras: z.strictObject({
    /** Tiles per side: 2 → 2×2 … 4 → 4×4. */
    size: z.number().int().min(2).max(4).optional(),
    /** Follow the alerting (or last alerting) case with its nearest cameras. Default true. */
    follow: z.boolean().optional(),
    /** Cameras shown when nothing is followed (default: those with a stream, then online ones). */
    ids: z.array(z.string()).optional(),
  }),
  clock: z.strictObject({ roster: z.array(z.string()).optional() }),
  alert: z.strictObject({}),
};

export const MAX_GRID = 12;

function checkLayout(l: WallLayout, ctx: z.RefinementCtx, path: (string | number)[]): void {
  const taken = new Map<string, number>();
  let maps = 0;
  l.panels.forEach((p, i) => {
    const at = [...path, 'panels', i];
    if (!(PANEL_KINDS as readonly string[]).includes(p.kind)) {
      ctx.addIssue({ code: 'custom', path: [...at, 'kind'], message: `unknown panel kind '${p.kind}' (one of ${PANEL_KINDS.join(', ')})` });
      return;
    }
    const opts = OPTIONS[p.kind as PanelKind].safeParse(p.options);
    if (!opts.success) ctx.addIssue({ code: 'custom', path: [...at, 'options'], message: z.prettifyError(opts.error) });
    if (p.kind === 'map' && ++maps > 1) ctx.addIssue({ code: 'custom', path: at, message: 'one map per layout' });
    if (p.col + p.colSpan - 1 > l.columns || p.row + p.rowSpan - 1 > l.rows) {
      ctx.addIssue({ code: 'custom', path: at, message: `panel ${p.kind} does not fit the ${l.columns}×${l.rows} grid` });
      return;
    }
    for (let c = p.col; c < p.col + p.colSpan; c++) {
      for (let r = p.row; r < p.row + p.rowSpan; r++) {
        const other = taken.get(`${c},${r}`);
        if (other !== undefined) {
          ctx.addIssue({ code: 'custom', path: at, message: `panel ${p.kind} overlaps panel ${other + 1} at column ${c}, row ${r}` });
          return;
        }
        taken.set(`${c},${r}`, i);
      }
    }
  });
}

/** A wall's configuration as the wall can show it. */
export const WallSchema = WallConfigSchema.superRefine((w, ctx) => {
  const ids = new Set<string>();
  w.layouts.forEach((l, i) => {
    if (ids.has(l.id)) ctx.addIssue({ code: 'custom', path: ['layouts', i, 'id'], message: `layout id '${l.id}' is used twice` });
    ids.add(l.id);
    checkLayout(l, ctx, ['layouts', i]);
  });
  if (w.alertLayout) checkLayout(w.alertLayout, ctx, ['alertLayout']);
});

export const WallFileSchema = z.object({
  format: z.literal('linkage-walls'),
  version: z.literal(1),
  walls: WallsSchema.superRefine((walls, ctx) => {
    for (const [name, w] of Object.entries(walls)) {
      const r = WallSchema.safeParse(w);
      if (!r.success) for (const i of r.error.issues) ctx.addIssue({ code: 'custom', path: [name, ...i.path.map((p) => (typeof p === 'symbol' ? String(p) : p))], message: i.message });
    }
  }),
});
export type WallFile = z.infer<typeof WallFileSchema>;

const panel = (kind: PanelKind, col: number, row: number, colSpan: number, rowSpan: number, options: WallPanel['options'] = {}): WallPanel =>
  ({ kind, col, row, colSpan, rowSpan, options });

/** What an urgent case or an operation takes the wall to: where, what, and what the cameras see. */
export const ALERT_LAYOUT: WallLayout = {
  id: 'alert', title: '', columns: 12, rows: 6,
  panels: [
    panel('map', 1, 1, 7, 6),
    panel('alert', 8, 1, 5, 3),
    panel('cameras', 8, 4, 5, 3, { size: 2, follow: true }),
  ],
};

export const OVERVIEW_LAYOUT: WallLayout = {
  id: 'overview', title: '', columns: 12, rows: 6,
  panels: [
    panel('kpis', 1, 1, 12, 1),
    panel('map', 1, 2, 5, 5),
    panel('overdue-subdistricts', 6, 2, 4, 3),
    panel('overdue-departments', 10, 2, 3, 3, { top: 8 }),
    panel('sources', 6, 5, 2, 2),
    panel('hourly', 8, 5, 2, 2),
    panel('ticker', 10, 5, 3, 2),
  ],
};

export const CAMERAS_LAYOUT: WallLayout = {
  id: 'cameras', title: '', columns: 12, rows: 6,
  panels: [
    panel('cameras', 1, 1, 8, 6, { size: 3, follow: true }),
    panel('clock', 9, 1, 4, 2),
    panel('operations', 9, 3, 4, 2),
    panel('ticker', 9, 5, 4, 2),
  ],
};

export const DEFAULT_WALL: WallConfig = { rotateSeconds: 60, alertSeconds: 90, layouts: [OVERVIEW_LAYOUT, CAMERAS_LAYOUT] };

/** The built-in walls; any other name gets 'main'. */
export const DEFAULT_WALLS: Record<string, WallConfig> = { main: DEFAULT_WALL };

export type Resolved = { config: WallConfig; source: 'settings' | 'default'; problem: string | null };

/**
 * The configuration a wall shows: its settings entry when valid, else the built-in one. A
 * damaged entry must not blank the wall: it falls back and says why (on the editor page).
 */
export function resolveWall(walls: unknown, name: string): Resolved {
  const entry = walls && typeof walls === 'object' ? (walls as Record<string, unknown>)[name] : undefined;
  const fallback = DEFAULT_WALLS[name] ?? DEFAULT_WALL;
  if (entry === undefined) return { config: fallback, source: 'default', problem: null };
  const parsed = WallSchema.safeParse(entry);
  if (parsed.success) return { config: parsed.data, source: 'settings', problem: null };
  return { config: fallback, source: 'default', problem: z.prettifyError(parsed.error) };
}

/** Export: every configured wall, plus the built-in one for `name` when it has none. */
export function exportWalls(walls: Walls | undefined, name: string): WallFile {
  const out: Walls = { ...(walls ?? {}) };
  if (!out[name]) out[name] = resolveWall(walls, name).config;
  return { format: 'linkage-walls', version: 1, walls: out };
}

/** Import: a file's text → its walls, or every problem, readable. */
export function parseWallFile(text: string): { ok: true; walls: Walls } | { ok: false; message: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, message: `not JSON: ${(e as Error).message}` };
  }
  const parsed = WallFileSchema.safeParse(json);
  if (!parsed.success) return { ok: false, message: z.prettifyError(parsed.error) };
  return { ok: true, walls: parsed.data.walls };
}

/** One wall's config from the editor's text. */
export function parseWallConfig(text: string): { ok: true; config: WallConfig } | { ok: false; message: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, message: `not JSON: ${(e as Error).message}` };
  }
  const parsed = WallSchema.safeParse(json);
  if (!parsed.success) return { ok: false, message: z.prettifyError(parsed.error) };
  return { ok: true, config: parsed.data };
}

/** `?rotate=2` (seconds) and `?alert=5` shorten the schedule for tests and commissioning. */
export function scheduleOverrides(search: string): { rotateSeconds?: number; alertSeconds?: number } {
  const q = new URLSearchParams(search);
  const num = (k: string) => {
    const v = Number(q.get(k));
    return q.has(k) && Number.isFinite(v) && v >= 1 && v <= 3600 ? v : undefined;
  };
  return { rotateSeconds: num('rotate'), alertSeconds: num('alert') };
}

/** The wall's name from a path: `/wall/main` → 'main'; null when not a wall page; a bad name → 'main'. */
export function wallNameOf(pathname: string): string | null {
  if (!pathname.startsWith('/wall/')) return null;
  const m = /^\/wall\/([a-z0-9-]{1,32})\/?$/.exec(pathname);
  return m ? m[1]! : 'main';
}

export function optionsOf<T>(p: WallPanel): T {
  return p.options as T;
}
