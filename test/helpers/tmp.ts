/**
 * Temp folders for tests. `tmpDir()` makes one in the OS temp dir and registers it; every folder
 * a test file registered is removed when that file ends, passed or failed (the afterAll of
 * test/setup/tmp-cleanup.ts, which runs after the file's own afterAll hooks, so the hubs, cores
 * and browsers that wrote there are already stopped). test/setup/temp-dir.ts fails the run if
 * anything is left in the temp dir anyway (issue 15).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const made = new Set<string>();

export function tmpDir(prefix = 'linkage-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.add(dir);
  return dir;
}

/** Removes every folder tmpDir() made in this test file (retrying a moment if a file is still being closed). */
export function removeTmpDirs(): void {
  for (const dir of made) {
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    made.delete(dir);
  }
}

const atEnd: Array<() => Promise<void>> = [];

/**
 * Work for when the file ends, after its own afterAll hooks and before its temp folders go (a
 * server a helper started for the whole file, whose folder is one of them).
 */
export function atFileEnd(fn: () => Promise<void>): void {
  atEnd.push(fn);
}

export async function runAtFileEnd(): Promise<void> {
  for (const fn of atEnd.splice(0).reverse()) await fn();
}
