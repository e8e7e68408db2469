// Runs in every test file (vitest setupFiles): when the file ends, pass or fail, the temp folders
// its tests made with tmpDir() are removed. Registered before the file's own hooks, so with
// vitest's stacked after-hooks it runs after them, once the file has stopped what it started.
import { afterAll } from 'vitest';
import { removeTmpDirs } from '../helpers/tmp';

afterAll(removeTmpDirs);
