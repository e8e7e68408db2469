/**
 * A copy of the code the hub and the cores run, taken at the start of a long run. The hub and
 * the cores are started again and again during a run; started from the working tree, they
 * would pick up whatever someone is editing at that moment (a migration changed in place, half
 * a refactor) and the run would measure that instead of the code it began with.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { ROOT } from './world';

export interface CodeSnapshot {
  root: string;
  /** The hub's command line entry. */
  hubCli: string;
  /** The core process's entry (CoreClient.spawn's `entry`). */
  coreEntry: string;
  /** execArgv that runs TypeScript (tsx's loader). */
  execArgv: string[];
  dispose(): void;
}

const COPY = ['hub', 'shared', 'main/core', 'resources', 'package.json', 'tsconfig.base.json', 'tsconfig.json'];

export function snapshotCode(): CodeSnapshot {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'linkage-code-'));
  for (const rel of COPY) {
    const from = path.join(ROOT, rel);
    if (!fs.existsSync(from)) continue;
    fs.cpSync(from, path.join(root, rel), { recursive: true, filter: (src) => !/[\\/](node_modules|dist|\.git)([\\/]|$)/.test(src.slice(ROOT.length)) });
  }
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return {
    root,
    hubCli: path.join(root, 'hub/cli.ts'),
    coreEntry: path.join(root, 'main/core/host/entry.ts'),
    execArgv: ['--import', tsx],
    dispose: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}
