/**
 * Tests clean up after themselves (issue 15), and this keeps it so.
 *
 * The run gets a temp dir of its own: before any test worker starts, TMPDIR (TMP, TEMP) points at
 * a fresh `linkage-test-run-<random>` inside the OS temp dir, and the workers and everything they
 * start inherit it — hubs, core processes, the browser-mode app, Playwright's Chromium profiles,
 * tsx. At the end, whatever is still in it was left by this run and by nothing else, so the check
 * can fail the run without ever being flaky. (Comparing the shared temp dir before and after by
 * the project's name prefixes cannot tell this run's leftovers from a parallel run's folders, made
 * meanwhile with the same prefixes and maybe still in use; a listing of a folder of our own can.)
 *
 * Caches shared across runs by design are linked in from the real temp dir, so they are reused,
 * not multiplied: tsx's compile cache (`tsx-<uid>`) and the browser @sparticuz/chromium extracts
 * once (`chromium`, beside its SwiftShader libraries and fonts), extracted there before the run
 * when the UI tests will use it.
 *
 * A clean run removes its temp dir. A run that left anything fails, names every entry, and keeps
 * the dir to be looked at (a failed faults/fuzz run keeps its data there on purpose).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ENV = ['TMPDIR', 'TMP', 'TEMP'] as const;
const CHROMIUM_SCRATCH = /^\.org\.chromium\.Chromium\.\w+$/;

export default async function setup(): Promise<() => void> {
  const outer = os.tmpdir();
  const run = fs.mkdtempSync(path.join(outer, 'linkage-test-run-'));
  const shared = new Set<string>();
  const link = (name: string, target: string, type: 'junction' | 'file'): void => {
    try {
      fs.symlinkSync(target, path.join(run, name), type);
    } catch {
      // No link (a file system without them): the cache is then made afresh in the run's dir.
    }
    shared.add(name);
  };

  // tsx's compile cache, as tsx names it (node_modules/tsx/dist/temporary-directory-*.mjs).
  const tsx = `tsx-${process.geteuid ? process.geteuid() : os.userInfo().username}`;
  fs.mkdirSync(path.join(outer, tsx), { recursive: true });
  link(tsx, path.join(outer, tsx), 'junction');

  // @sparticuz/chromium extracts its browser into the temp dir once and then finds it there.
  const chromium = await packagedChromium();
  if (chromium) link(path.basename(chromium), chromium, 'file');

  const saved = ENV.map((k) => [k, process.env[k]] as const);
  for (const k of ENV) process.env[k] = run;

  return () => {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    // Chromium's own scratch: with --disable-dev-shm-usage its shared memory lives in files of the
    // temp dir that it unlinks at once; a browser closed while a renderer was mid-way leaves one,
    // empty. Not a test's leftover: removed here, as Chromium would have.
    for (const name of fs.readdirSync(run)) {
      if (CHROMIUM_SCRATCH.test(name) && fs.lstatSync(path.join(run, name)).size === 0) fs.rmSync(path.join(run, name), { force: true });
    }
    const left = fs.readdirSync(run).filter((name) => !shared.has(name)).sort();
    if (left.length === 0) {
      fs.rmSync(run, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
      return;
    }
    const message = [
      `The tests left ${left.length} ${left.length === 1 ? 'entry' : 'entries'} in the temp dir (issue 15). A test removes what it made,`,
      'pass or fail (tmpDir() from test/helpers/tmp.ts does it when the file ends), and stops its processes first:',
      ...left.map((name) => `  ${name}${peek(path.join(run, name))}`),
      `Kept in ${run} to be looked at; remove it afterwards.`,
    ].join('\n');
    const bar = '='.repeat(100);
    console.error(`\n${bar}\n${message}\n${bar}\n`);
    // Vitest only logs what a global teardown throws and still exits 0: fail the run ourselves.
    process.exitCode = 1;
  };
}

/** The path of @sparticuz/chromium's browser in the real temp dir when the UI tests will use it, extracted if needed. */
async function packagedChromium(): Promise<string | null> {
  try {
    const { findChromium } = await import('../e2e/helpers/chromium');
    const found = await findChromium();
    return found.origin === '@sparticuz/chromium' ? found.path : null;
  } catch {
    return null; // no browser to be had: the UI tests will say so themselves
  }
}

/** A hint of what a left entry holds, to tell which test made it. */
function peek(p: string): string {
  try {
    const st = fs.lstatSync(p);
    if (!st.isDirectory()) return ` (${st.size} bytes)`;
    const inside = fs.readdirSync(p);
    if (inside.length === 0) return ' (empty folder)';
    return ` (${inside.slice(0, 6).join(', ')}${inside.length > 6 ? ', …' : ''})`;
  } catch {
    return '';
  }
}
