/**
 * Getting the bundled font's slices to a canvas (ECharts). Reaches the page's FontFaceSet through
 * globalThis, so the same code runs (and is tested) in Node, where there is none.
 */
import { GLYPHS, UI_FONT_CSS } from './families';

/** The part of the page's FontFaceSet used here. */
interface FontLoader { load(font: string, text: string): Promise<unknown> }

/**
 * Loads the slices that `text` needs, so a canvas can draw it with the bundled font. Resolves
 * (never rejects) when they are in, or at once where there is no FontFaceSet (unit tests in Node).
 */
export async function loadGlyphs(text: string, weight = 400): Promise<void> {
  const fonts = (globalThis as { document?: { fonts?: FontLoader } }).document?.fonts;
  if (!fonts?.load || text.length === 0) return;
  try {
    await fonts.load(`${weight} 16px ${UI_FONT_CSS}`, text);
  } catch {
    // A slice that fails to load leaves the fallback: the text is drawn all the same.
  }
}

/** Every string inside a chart option (names, labels, axis data), deduplicated as characters. */
export function textOf(value: unknown, out = new Set<string>(), depth = 0): Set<string> {
  if (depth > 12) return out;
  if (typeof value === 'string') for (const ch of value) out.add(ch);
  else if (Array.isArray(value)) for (const v of value) textOf(v, out, depth + 1);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) textOf(v, out, depth + 1);
  return out;
}

/**
 * A chart option drawn in the bundled font, resolved once its characters' slices are loaded
 * (ECharts draws on a canvas, which would keep the fallback's boxes). The caller drops it when a
 * newer option came meanwhile.
 */
export async function withBundledFont<T extends Record<string, unknown>>(option: T): Promise<T> {
  const { [GLYPHS]: glyphs, ...rest } = option;
  const textStyle = { fontFamily: UI_FONT_CSS, ...((rest.textStyle as object | undefined) ?? {}) };
  const out = { ...rest, textStyle } as unknown as T;
  const chars = [...textOf(rest, textOf(glyphs))].join('');
  await Promise.all([loadGlyphs(chars), loadGlyphs(chars, 700)]);
  return out;
}
