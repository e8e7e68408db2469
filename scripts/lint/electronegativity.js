// Electronegativity (Doyensec) over the Electron shell, its preload and the page it loads, as part
// of `npm run lint` (issue 10). Fails on any finding above INFORMATIONAL and on any file it could
// not parse (an unparsed file is an unchecked one).
//   node scripts/lint/electronegativity.js [path…]   (default: main/electron renderer/index.html)
//
// A finding that is a false positive is suppressed where it occurs, with Electronegativity's own
// comment (`// eng-disable CHECK_ID`) on the flagged line and the reason beside it. The tool is
// from 2023 and cannot see through our helper functions (window options come from
// main/electron/security/policy.ts); test/unit/electron-security.test.ts checks all twenty
// items of Electron's checklist against the real options and handlers.
//
// Offline and deterministic: the tool fetches translations and Electron's release list over
// the network; here its HTTP client is replaced by one that fails at once, the release check
// (AvailableSecurityFixesGlobalCheck) is left out (test 16 "a current Electron" covers it), and
// the Electron version is the installed one.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const ROOT = path.resolve(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);
const runnerPath = require.resolve('@doyensec/electronegativity');
const gotPath = createRequire(runnerPath).resolve('got');
const offline = () => Promise.reject(new Error('no network in lint'));
offline.head = offline;
require.cache[gotPath] = { id: gotPath, filename: gotPath, loaded: true, exports: Object.assign(offline, { default: offline }) };

const runner = require(runnerPath);
const run = typeof runner === 'function' ? runner : runner.default;
const { severity } = require(path.join(path.dirname(runnerPath), 'finder/attributes.js'));

const electronVersion = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules/electron/package.json'), 'utf8')).version;
const EXCLUDED = ['AvailableSecurityFixesGlobalCheck'];
/** The HTML checks, for the page alone (the global checks judge the shell, where the CSP header, navigation and permission handlers are). */
const HTML_CHECKS = require(path.join(path.dirname(runnerPath), 'finder/checks/AtomicChecks')).CHECKS.map((c) => c.name).filter((n) => /HTMLCheck$/.test(n));
const inputs = process.argv.length > 2
  ? process.argv.slice(2).map((p) => ({ input: path.resolve(p), checks: [] }))
  : [{ input: path.join(ROOT, 'main/electron'), checks: [] }, { input: path.join(ROOT, 'renderer/index.html'), checks: HTML_CHECKS }];

process.env.LANG = 'en-US';
let failed = false;
let total = 0;
let informational = 0;
let checks = 0;
for (const { input, checks: only } of inputs) {
  const log = console.log;
  console.log = () => undefined; // its banner and "could not retrieve translations"
  let result;
  try {
    result = await run({ input, customScan: only, excludeFromScan: only.length ? [] : EXCLUDED, electronVersionOverride: electronVersion, parserPlugins: [], isRelative: false }, false);
  } finally {
    console.log = log;
  }
  checks += result.globalChecks + result.atomicChecks;
  for (const e of result.errors) {
    const where = path.relative(ROOT, e.file);
    if (e.tolerable) console.warn(`electronegativity: ${where}: parser warning: ${e.message}`);
    else {
      failed = true;
      console.error(`electronegativity: ${where}: could not parse, so not checked: ${e.message}`);
    }
  }
  for (const i of result.issues) {
    total++;
    if (i.severity.value <= severity.INFORMATIONAL.value) {
      informational++;
      continue;
    }
    failed = true;
    console.error(`${path.relative(ROOT, i.file)}:${i.location.line}:${i.location.column}  ${i.id}  ${i.severity.name}/${i.confidence.name}${i.manualReview ? ' (review)' : ''}  ${i.description}  ${i.shortenedURL}`);
  }
}
const what = inputs.map((p) => path.relative(ROOT, p.input) || '.').join(', ');
if (failed) {
  console.error(`electronegativity: findings above informational in ${what} (fix them, or suppress one on its line with \`// eng-disable CHECK_ID\` and say why)`);
  process.exit(1);
}
console.log(`electronegativity: ${checks} check runs over ${what}, Electron ${electronVersion}: no finding above informational (${informational} informational of ${total})`);
