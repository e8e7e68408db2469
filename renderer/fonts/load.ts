/** Getting the bundled font's slices to a canvas (ECharts) and to the map's style (see bundle.ts). */
import { UI_FAMILY, UI_FONT_CSS, type StyleFontFace } from './families';

/**
 * Loads the slices that `text` needs, so a canvas can draw it with the bundled font. Resolves
 * (never rejects) when they are in, or at once where there is no FontFaceSet (unit tests in Node).
 */
export async function loadGlyphs(text: string, weight = 400): Promise<void> {
  if (typeof document === 'undefined' || !document.fonts?.load || text.length === 0) return;
  try {
    await document.fonts.load(`${weight} 16px ${UI_FONT_CSS}`, text);
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
 * The bundled UI font's slices as the page's stylesheets declare them, for the map style's
 * `font-faces` (one source: the same files the DOM uses, and the browser's cache serves both).
 */
export function bundledFontFaces(family = UI_FAMILY): StyleFontFace[] {
  if (typeof document === 'undefined') return [];
  const faces: StyleFontFace[] = [];
  for (const sheet of Array.from(document.styleSheets)) {
    let rules: CSSRuleList;
    try {
      rules = sheet.cssRules;
    } catch {
      continue; // another origin's sheet: not ours
    }
    for (const rule of Array.from(rules)) {
      if (!(rule instanceof CSSFontFaceRule)) continue;
      if (rule.style.getPropertyValue('font-family').replace(/["']/g, '').trim() !== family) continue;
      const src = /url\(\s*["']?([^"')]+)["']?\s*\)/.exec(rule.style.getPropertyValue('src'));
      if (!src) continue;
      const range = rule.style.getPropertyValue('unicode-range');
      faces.push({
        url: new URL(src[1]!, sheet.href ?? document.baseURI).href,
        'unicode-range': range ? range.split(',').map((r) => r.trim()).filter(Boolean) : ['U+0-10FFFF'],
      });
    }
  }
  return faces;
}

/**
 * A chart option drawn in the bundled font, resolved once its characters' slices are loaded
 * (ECharts draws on a canvas, which would keep the fallback's boxes). The caller drops it when a
 * newer option came meanwhile.
 */
export async function withBundledFont<T extends Record<string, unknown>>(option: T): Promise<T> {
  const textStyle = { fontFamily: UI_FONT_CSS, ...((option.textStyle as object | undefined) ?? {}) };
  const out = { ...option, textStyle };
  const chars = [...textOf(option)].join('');
  await Promise.all([loadGlyphs(chars), loadGlyphs(chars, 700)]);
  return out;
}
