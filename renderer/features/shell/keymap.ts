/**
 * The console's keys, as data: which intent a key press means in the current context. Pure,
 * so the whole map is tested without a browser; useGlobalKeys carries the intents out.
 */
export type KeyIntent =
  | { kind: 'palette' }
  | { kind: 'escape' }
  | { kind: 'help' }
  | { kind: 'search' }
  | { kind: 'move'; delta: number }
  | { kind: 'edge'; where: 'first' | 'last' }
  | { kind: 'open' }
  | { kind: 'overdue' }
  | { kind: 'newest' }
  | { kind: 'step'; key: string }
  | { kind: 'none' };

export interface KeyPress {
  key: string;
  ctrl: boolean;
  meta: boolean;
  alt: boolean;
  /** Focus is in a text field or a picker: letters are typing, not commands. */
  inField: boolean;
  /** A dialog, the palette or the help is open: it handles its own keys. */
  overlay: boolean;
  /** Focus is on a button, link or box: Enter and Space press it. */
  onControl?: boolean;
  /** Focus is in the case view (a reading area): arrows and page keys scroll it; j/k still move. */
  reading?: boolean;
}

const SCROLL_KEYS = new Set(['ArrowDown', 'ArrowUp', 'PageDown', 'PageUp', 'Home', 'End']);

export const PAGE_ROWS = 10;
export const STEP_KEYS = new Set(['r', 'x', 'd', 'a', 't', 'p', 's', 'v', 'u', 'c', 'l', 'm']);

const NONE: KeyIntent = { kind: 'none' };

export function keyIntent(k: KeyPress): KeyIntent {
  if ((k.ctrl || k.meta) && !k.alt && k.key.toLowerCase() === 'k') return { kind: 'palette' };
  if (k.key === 'Escape') return { kind: 'escape' };
  if (k.overlay || k.inField || k.ctrl || k.meta || k.alt) return NONE;
  if (k.reading && SCROLL_KEYS.has(k.key)) return NONE;
  switch (k.key) {
    case '?': return { kind: 'help' };
    case '/': return { kind: 'search' };
    case 'j': case 'J': case 'ArrowDown': return { kind: 'move', delta: 1 };
    case 'k': case 'K': case 'ArrowUp': return { kind: 'move', delta: -1 };
    case 'PageDown': return { kind: 'move', delta: PAGE_ROWS };
    case 'PageUp': return { kind: 'move', delta: -PAGE_ROWS };
    case 'Home': return { kind: 'edge', where: 'first' };
    case 'End': return { kind: 'edge', where: 'last' };
    case 'Enter': return k.onControl ? NONE : { kind: 'open' };
    case 'o': case 'O': return { kind: 'overdue' };
    case 'n': case 'N': return { kind: 'newest' };
    default: {
      const key = k.key.toLowerCase();
      return k.key.length === 1 && STEP_KEYS.has(key) ? { kind: 'step', key } : NONE;
    }
  }
}

/** The help overlay's rows: keys and the i18n key of what they do. */
export const HELP_ROWS: Array<{ keys: string[]; what: string }> = [
  { keys: ['J', 'K', '↓', '↑'], what: 'help.move' },
  { keys: ['Home', 'End'], what: 'help.firstLast' },
  { keys: ['PgDn', 'PgUp'], what: 'help.page' },
  { keys: ['Enter'], what: 'help.open' },
  { keys: ['/'], what: 'help.search' },
  { keys: ['O'], what: 'help.overdue' },
  { keys: ['N'], what: 'help.newest' },
  { keys: ['Ctrl+K'], what: 'help.palette' },
  { keys: ['?'], what: 'help.help' },
  { keys: ['Esc'], what: 'help.close2' },
  { keys: ['Ctrl+Enter'], what: 'help.submit' },
];
