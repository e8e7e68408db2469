// Runs in every test file (vitest setupFiles): when the file ends, pass or fail, the temp folders
// its tests made with tmpDir() are removed (after what helpers left for the file's end, atFileEnd). Registered before the file's own hooks, so with
// vitest's stacked after-hooks it runs after them, once the file has stopped what it started.
import { afterAll } from 'vitest';
import { removeTmpDirs, runAtFileEnd } from '../helpers/tmp';

afterAll(async () => {
  try {
    await runAtFileEnd();
  } finally {
    removeTmpDirs();
  }
});
