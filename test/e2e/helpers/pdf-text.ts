/**
 * The text of a PDF that Chromium printed, for assertions (no PDF library in the project).
 * Chromium (Skia) writes text as glyph codes of embedded fonts (here Type3 fonts of 1-byte codes,
 * up to 256 glyphs each, cut from the bundled Noto Sans SC) in Flate-compressed content streams, so the
 * text is not in the file as bytes (Chinese nor ASCII). This reads it back the way a viewer's
 * copy-paste does: inflate every stream, take each font's ToUnicode CMap, and map the glyph
 * strings of the `Tj`/`TJ` operators after each `Tf` through their font's CMap.
 * Enough for Chromium's output; not a general PDF parser.
 */
import zlib from 'node:zlib';

interface PdfObject { num: number; dict: string; stream: Buffer | null }

function objects(pdf: Buffer): Map<number, PdfObject> {
  const text = pdf.toString('latin1');
  const out = new Map<number, PdfObject>();
  const re = /(\d+) 0 obj\b/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const start = m.index + m[0].length;
    const end = text.indexOf('endobj', start);
    if (end < 0) break;
    const body = text.slice(start, end);
    const s = body.indexOf('stream');
    let stream: Buffer | null = null;
    let dict = body;
    if (s >= 0 && body.slice(0, s).includes('<<')) {
      dict = body.slice(0, s);
      let from = start + s + 'stream'.length;
      if (text[from] === '\r') from++;
      if (text[from] === '\n') from++;
      const len = /\/Length (\d+)(?! 0 R)/.exec(dict);
      const to = len ? from + Number(len[1]) : start + body.lastIndexOf('endstream');
      const raw = pdf.subarray(from, to);
      try {
        stream = dict.includes('/FlateDecode') ? zlib.inflateSync(raw) : raw;
      } catch {
        stream = raw;
      }
    }
    out.set(Number(m[1]), { num: Number(m[1]), dict, stream });
    re.lastIndex = end;
  }
  return out;
}

const hexToCodes = (hex: string, width: number) => {
  const h = hex.replace(/\s+/g, '');
  const codes: number[] = [];
  for (let i = 0; i + width <= h.length; i += width) codes.push(parseInt(h.slice(i, i + width), 16));
  return codes;
};
const hexToString = (hex: string) => String.fromCodePoint(...hexToCodes(hex, 4));

interface CMap { width: number; map: Map<number, string> }

/** bfchar and bfrange of a ToUnicode CMap: glyph code → text; `width`: hex digits per code (2 or 4). */
function parseCMap(cmap: string): CMap {
  const map = new Map<number, string>();
  const range = /begincodespacerange\s*<([0-9a-fA-F]+)>/.exec(cmap);
  const width = range ? range[1]!.length : 4;
  for (const block of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const m of block[1]!.matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>/g)) map.set(parseInt(m[1]!, 16), hexToString(m[2]!));
  }
  for (const block of cmap.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const m of block[1]!.matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(<[0-9a-fA-F]+>|\[[^\]]*\])/g)) {
      const lo = parseInt(m[1]!, 16);
      const hi = parseInt(m[2]!, 16);
      const dst = m[3]!;
      if (dst.startsWith('[')) {
        [...dst.matchAll(/<([0-9a-fA-F]+)>/g)].forEach((d, i) => map.set(lo + i, hexToString(d[1]!)));
      } else {
        const base = hexToCodes(dst.slice(1, -1), 4);
        for (let c = lo; c <= hi; c++) map.set(c, String.fromCodePoint(...base.slice(0, -1), base[base.length - 1]! + (c - lo)));
      }
    }
  }
  return { width, map };
}

/** The PDF's text in reading order of its content streams (lines joined by newlines). */
export function pdfText(pdf: Buffer): string {
  const objs = objects(pdf);
  // Font resource names → the ToUnicode map of that font object.
  const fontMaps = new Map<string, CMap>();
  for (const o of objs.values()) {
    const fonts = /\/Font\s*<<([^>]*)>>/.exec(o.dict);
    if (!fonts) continue;
    for (const f of fonts[1]!.matchAll(/\/([\w.+-]+)\s+(\d+) 0 R/g)) {
      const font = objs.get(Number(f[2]));
      const tu = font && /\/ToUnicode (\d+) 0 R/.exec(font.dict);
      const cmap = tu && objs.get(Number(tu[1]))?.stream;
      if (cmap) fontMaps.set(f[1]!, parseCMap(cmap.toString('latin1')));
    }
  }
  const lines: string[] = [];
  for (const o of objs.values()) {
    if (!o.stream || o.dict.includes('/Subtype') || /\/Type\s*\/XObject/.test(o.dict)) continue;
    const content = o.stream.toString('latin1');
    if (!/\bT[jJ]\b/.test(content)) continue;
    let font: CMap | undefined;
    let line = '';
    // A line is text on one baseline: Skia starts a text object (BT…ET) for every run of one font,
    // and the bundled font is cut in slices, so one Chinese line spans several fonts and objects.
    let y: number | null = null;
    let lineY: number | null = null;
    const NUM = '(-?[\\d.]+)';
    const ops = new RegExp(`\\/([\\w.+-]+)\\s+[\\d.]+\\s+Tf|(\\[[^\\]]*\\]|<[0-9a-fA-F\\s]*>)\\s*T[jJ]|(?:${NUM}\\s+){5}${NUM}\\s+Tm|${NUM}\\s+${NUM}\\s+T[dD]|\\bT\\*`, 'g');
    for (const m of content.matchAll(ops)) {
      if (m[1]) {
        font = fontMaps.get(m[1]);
      } else if (m[2]) {
        if (line && lineY !== null && y !== null && Math.abs(y - lineY) > 0.5) {
          lines.push(line);
          line = '';
        }
        lineY = y;
        for (const h of m[2].matchAll(/<([0-9a-fA-F\s]*)>/g)) {
          for (const code of hexToCodes(h[1]!, font?.width ?? 4)) line += font?.map.get(code) ?? '';
        }
      } else if (m[4] !== undefined) {
        y = Number(m[4]);
      } else if (m[6] !== undefined) {
        y = (y ?? 0) + Number(m[6]);
      } else if (line) {
        // T*: next line
        lines.push(line);
        line = '';
      }
    }
    if (line) lines.push(line);
  }
  // Noto CJK shares glyphs between a character and its Kangxi radical (行 and ⾏ U+2F8F), and
  // the ToUnicode map then names the radical: fold those back (NFKC, on that block only, since
  // NFKC would also turn Ⅲ into III). CJK Radicals Supplement forms (⻛ for 风) have no
  // decomposition and stay as they are.
  return lines.join('\n').replace(/[\u2f00-\u2fdf]/g, (c) => c.normalize('NFKC'));
}
