// The UI tests drive the built renderer: build it once per test run (Vite, a few seconds).
// LINKAGE_TEST_NO_BUILD=1 skips it (a run of hub-only tests, or a renderer built elsewhere and
// named by LINKAGE_TEST_STATIC_DIR), so parallel runs do not rebuild dist/renderer under each other.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

export default function setup(): void {
  if (process.env.LINKAGE_TEST_NO_BUILD === '1') return;
  const root = path.resolve(import.meta.dirname, '../..');
  const r = spawnSync(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'error'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('vite build failed: the UI tests need the renderer');
}
