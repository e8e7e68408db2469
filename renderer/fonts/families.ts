/** The bundled fonts' CSS family names (see bundle.ts): constants only, importable from Node tests. */
export const UI_FAMILY = 'Noto Sans SC Variable';
export const MONO_FAMILY = 'Noto Sans Mono Variable';
/** As CSS: the bundled family, then nothing but the generic (never an OS font by name). */
export const UI_FONT_CSS = `'${UI_FAMILY}', sans-serif`;

/** A maplibre `font-faces` entry: one file and the codepoints it covers. */
export interface StyleFontFace { url: string; 'unicode-range': string[] }

/**
 * A chart option's key for the text it draws through formatter functions, which no walk of the
 * option can see: withBundledFont (chart-text.ts) loads those characters too and removes the key.
 */
export const GLYPHS = 'linkageGlyphs';
