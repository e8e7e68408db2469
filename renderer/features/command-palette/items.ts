/**
 * What the palette lists: every step available on the open case now, navigation, settings,
 * role switching and presets; filtered by what the officer types (either language's words).
 */
import type { Step } from '../workflow/steps';
import { STEP_SPECS } from '../workflow/steps';

export type PaletteAction =
  | { kind: 'step'; step: Step }
  | { kind: 'nav'; to: 'queue' | 'case' | 'search' | 'next' | 'previous' | 'first' | 'help' | 'overdue' | 'clearFilters' }
  | { kind: 'setting'; which: 'language' | 'theme' | 'sound' }
  | { kind: 'user'; username: string }
  | { kind: 'preset'; name: string }
  | { kind: 'open'; caseId: string }
  /** The statistics window, in its own window. */
  | { kind: 'statistics' }
  /** Another page of the app in its own window (the operation board). */
  | { kind: 'page'; page: 'operation' };

export interface PaletteItem {
  id: string;
  group: 'actions' | 'nav' | 'settings' | 'users' | 'presets';
  label: string;
  shortcut?: string;
  action: PaletteAction;
}

export interface PaletteContext {
  offered: readonly Step[];
  accounts: ReadonlyArray<{ username: string; displayName: string }>;
  currentUsername: string | null;
  presets: ReadonlyArray<{ name: string }>;
  /** Does a case with this id exist (for "open case …" typed as an id)? */
  hasCase: (id: string) => boolean;
  t: (key: string, values?: Record<string, unknown>) => string;
}

const NAV: Array<[PaletteAction & { kind: 'nav' }, string, string?]> = [
  [{ kind: 'nav', to: 'queue' }, 'palette.focusQueue', 'Esc'],
  [{ kind: 'nav', to: 'case' }, 'palette.focusCase', 'Enter'],
  [{ kind: 'nav', to: 'search' }, 'palette.focusSearch', '/'],
  [{ kind: 'nav', to: 'next' }, 'palette.next', 'J'],
  [{ kind: 'nav', to: 'previous' }, 'palette.previous', 'K'],
  [{ kind: 'nav', to: 'first' }, 'palette.first', 'Home'],
  [{ kind: 'nav', to: 'overdue' }, 'palette.toggleOverdue', 'O'],
  [{ kind: 'nav', to: 'clearFilters' }, 'palette.clearFilters'],
  [{ kind: 'nav', to: 'help' }, 'palette.help', '?'],
];

export function paletteItems(ctx: PaletteContext, query: string): PaletteItem[] {
  const { t } = ctx;
  const all: PaletteItem[] = [
    ...ctx.offered.map((step): PaletteItem => ({ id: `step:${step}`, group: 'actions', label: t(`step.${step}`), shortcut: STEP_SPECS[step].key.toUpperCase(), action: { kind: 'step', step } })),
    ...NAV.map(([action, key, shortcut]): PaletteItem => ({ id: `nav:${action.to}`, group: 'nav', label: t(key), shortcut, action })),
    { id: 'page:operation', group: 'nav', label: t('operation.console.palette'), action: { kind: 'page', page: 'operation' } },
    { id: 'page:statistics', group: 'nav', label: t('palette.openStatistics'), action: { kind: 'statistics' } },
    { id: 'setting:language', group: 'settings', label: t('palette.language'), action: { kind: 'setting', which: 'language' } },
    { id: 'setting:theme', group: 'settings', label: t('palette.theme'), action: { kind: 'setting', which: 'theme' } },
    { id: 'setting:sound', group: 'settings', label: t('palette.sound'), action: { kind: 'setting', which: 'sound' } },
    ...ctx.accounts.filter((a) => a.username !== ctx.currentUsername).map((a): PaletteItem => ({
      id: `user:${a.username}`, group: 'users', label: t('palette.switchTo', { name: `${a.displayName} (${a.username})` }), action: { kind: 'user', username: a.username },
    })),
    ...ctx.presets.map((p): PaletteItem => ({ id: `preset:${p.name}`, group: 'presets', label: t('palette.applyPreset', { name: p.name }), action: { kind: 'preset', name: p.name } })),
  ];
  const q = query.trim().toLowerCase();
  if (!q) return all;
  const found = all.filter((i) => i.label.toLowerCase().includes(q) || i.id.toLowerCase().includes(q) || i.shortcut?.toLowerCase() === q);
  // A case id typed in full opens that case.
  const typed = query.trim();
  if (ctx.hasCase(typed)) found.unshift({ id: `open:${typed}`, group: 'nav', label: t('palette.openCase', { id: typed }), action: { kind: 'open', caseId: typed } });
  return found;
}
