/** The bundled font's slices for the map's style (see bundle.ts; charts: chart-text.ts). */
import { UI_FAMILY, type StyleFontFace } from './families';

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
