/**
 * WebGL check before the map is created. A windowed Chromium on a GPU-less PC (many wall PCs
 * and VMs) blocklists WebGL, and the map would just stay blank (ARCHITECTURE §7): we say so instead.
 * maplibre-gl 6 creates only WebGL 2 contexts (map.ts `_setupPainter`: `getContext('webgl2')`),
 * so WebGL 1 alone is reported as a failure too, with its own hint.
 */
export type WebGLSupport = 'webgl2' | 'webgl1-only' | 'none';

export interface WebGLProbe {
  support: WebGLSupport;
  renderer: string | null;
  /** SwiftShader, llvmpipe…: every frame costs CPU, so the map animates more sparingly. */
  software: boolean;
}

type ContextProbe = { createElement(tag: 'canvas'): { getContext(kind: string): unknown } };
type GL = {
  getExtension?(name: string): unknown;
  getParameter?(p: number): unknown;
  RENDERER?: number;
};

const SOFTWARE_RENDERERS = /swiftshader|llvmpipe|softpipe|software|basic render/i;

/** Through globalThis so the pure unit tests (no DOM lib) type-check this file too. */
const pageDocument = (): ContextProbe | undefined => (globalThis as { document?: ContextProbe }).document;

export function probeWebGL(doc: ContextProbe | undefined = pageDocument()): WebGLProbe {
  if (!doc) return { support: 'none', renderer: null, software: false };
  const gl2 = probe(doc, 'webgl2');
  if (gl2) {
    const renderer = rendererOf(gl2);
    release(gl2);
    return { support: 'webgl2', renderer, software: !!renderer && SOFTWARE_RENDERERS.test(renderer) };
  }
  // A canvas keeps the first context type asked of it: a fresh one for the WebGL 1 probe.
  const gl1 = probe(doc, 'webgl') ?? probe(doc, 'experimental-webgl');
  const renderer = gl1 ? rendererOf(gl1) : null;
  release(gl1);
  return { support: gl1 ? 'webgl1-only' : 'none', renderer, software: !!renderer && SOFTWARE_RENDERERS.test(renderer) };
}

export function detectWebGL(doc?: ContextProbe): WebGLSupport {
  return probeWebGL(doc ?? pageDocument()).support;
}

function probe(doc: ContextProbe, kind: string): GL | null {
  try {
    return (doc.createElement('canvas').getContext(kind) as GL | null) ?? null;
  } catch {
    return null; // some drivers throw instead of returning null
  }
}

function rendererOf(gl: GL): string | null {
  try {
    const info = gl.getExtension?.('WEBGL_debug_renderer_info') as { UNMASKED_RENDERER_WEBGL: number } | null | undefined;
    const value = info ? gl.getParameter?.(info.UNMASKED_RENDERER_WEBGL) : gl.RENDERER !== undefined ? gl.getParameter?.(gl.RENDERER) : null;
    return typeof value === 'string' ? value : null;
  } catch {
    return null;
  }
}

/** Frees the probe's context at once: browsers cap live contexts (~16) and drop the oldest. */
function release(gl: GL | null): void {
  const ext = gl?.getExtension?.('WEBGL_lose_context') as { loseContext?(): void } | null | undefined;
  ext?.loseContext?.();
}
