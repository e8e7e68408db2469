// ESLint rule enforcing ARCHITECTURE §2's import rules. It resolves every relative import against
// the importing file, so `../../hub/x` is caught however deep the importer sits.
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Which of our folders each layer may import; `resources` is data and open to all. */
export const ALLOWED = {
  shared: ['shared'],
  hub: ['hub', 'shared'],
  'main/core': ['main/core', 'shared'],
  'main/electron': ['main/electron', 'main/core', 'shared'],
  'main/web': ['main/web', 'main/core', 'shared'],
  renderer: ['renderer', 'shared'],
  scripts: ['scripts', 'shared', 'hub', 'main/core', 'main/web'],
  // bench/ingest.ts drives the renderer's real store (plain Redux, no DOM) at the end of the pipeline.
  bench: ['bench', 'shared', 'hub', 'main/core', 'main/web', 'scripts', 'renderer'],
  test: null, // tests may import anything; nothing may import them
};

const LAYERS = Object.keys(ALLOWED).sort((a, b) => b.length - a.length);

/** Packages that pure (shared) and browser (renderer) code must not touch. */
const NODE_ONLY = /^(node:|fs$|fs\/|path$|os$|child_process$|crypto$|net$|http$|https$|worker_threads$|better-sqlite3$|socket\.io$|socket\.io-client$|electron$|electron\/)/;

export function layerOf(absFile) {
  const rel = path.relative(ROOT, absFile).split(path.sep).join('/');
  if (rel.startsWith('..')) return null;
  if (rel.startsWith('resources/')) return 'resources';
  return LAYERS.find((l) => rel === l || rel.startsWith(l + '/')) ?? null;
}

/** The reason an import is forbidden, or null when it is allowed. */
export function violation(fromFile, source) {
  const from = layerOf(fromFile);
  if (!from || from === 'resources') return null;
  if (source.startsWith('.')) {
    const to = layerOf(path.resolve(path.dirname(fromFile), source));
    if (to === null || to === 'resources') return null;
    if (to === 'test' && from !== 'test') return `ARCHITECTURE §2: nothing imports test/ (${from}/ → test/).`;
    const allowed = ALLOWED[from];
    if (allowed && !allowed.includes(to)) return `ARCHITECTURE §2: ${from}/ must not import ${to}/.`;
    return null;
  }
  if ((from === 'shared' || from === 'renderer') && NODE_ONLY.test(source)) {
    return `ARCHITECTURE §2: ${from}/ is ${from === 'shared' ? 'pure (no I/O)' : 'browser code behind the bridge'}; it must not import '${source}'.`;
  }
  if (from === 'main/core' && /^electron(\/|$)/.test(source)) {
    return "ARCHITECTURE §2: main/core is plain Node; it never imports 'electron'.";
  }
  return null;
}

const rule = {
  meta: { type: 'problem', docs: { description: 'ARCHITECTURE §2 layer import rules' }, schema: [] },
  create(context) {
    const file = context.filename ?? context.getFilename();
    const check = (node, src) => {
      if (src && typeof src.value === 'string') {
        const why = violation(file, src.value);
        if (why) context.report({ node, message: why });
      }
    };
    return {
      ImportDeclaration: (n) => check(n, n.source),
      ExportNamedDeclaration: (n) => check(n, n.source),
      ExportAllDeclaration: (n) => check(n, n.source),
      ImportExpression: (n) => check(n, n.source),
      CallExpression: (n) => {
        if (n.callee.type === 'Identifier' && n.callee.name === 'require' && n.arguments[0]?.type === 'Literal') check(n, n.arguments[0]);
      },
    };
  },
};

export default { rules: { layers: rule } };
