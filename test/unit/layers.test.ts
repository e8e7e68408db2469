// The import rules of ARCHITECTURE §2 fire on bad imports, through ESLint as `npm run lint` runs it.
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { ESLint } from 'eslint';
import { violation } from '../../scripts/lint/layers.js';

const root = path.resolve(import.meta.dirname, '../..');
const at = (rel: string) => path.join(root, rel);

describe('layer import rules', () => {
  it.each([
    ['shared/domain/x.ts', '../../hub/core', /shared\/ must not import hub/],
    ['shared/domain/x.ts', 'node:fs', /pure/],
    ['hub/commands/x.ts', '../../main/core/core', /hub\/ must not import main\/core/],
    ['main/core/sync/x.ts', '../../electron/app', /main\/core\/ must not import main\/electron/],
    ['main/core/x.ts', 'electron', /never imports 'electron'/],
    ['main/web/x.ts', '../../hub/server', /main\/web\/ must not import hub/],
    ['renderer/features/queue/x.ts', '../../../main/core/core', /renderer\/ must not import main\/core/],
    ['renderer/app/x.ts', 'node:path', /bridge/],
    ['hub/x.ts', '../test/integration/helpers', /nothing imports test/],
  ])('%s importing %s is refused', (file, source, why) => {
    expect(violation(at(file), source)).toMatch(why);
  });

  it.each([
    ['hub/commands/x.ts', '../../shared/protocol'],
    ['main/electron/x.ts', '../core/core'],
    ['main/web/x.ts', '../core/core'],
    ['renderer/app/x.ts', '../../shared/domain/lifecycle'],
    ['shared/domain/x.ts', './errors'],
    ['shared/domain/x.ts', 'zod'],
    ['test/unit/x.ts', '../../hub/core'],
  ])('%s importing %s is allowed', (file, source) => {
    expect(violation(at(file), source)).toBeNull();
  });

  it('fails the real lint run on a bad import', async () => {
    const eslint = new ESLint({ cwd: root });
    const [result] = await eslint.lintText("import { startHub } from '../hub/server';\nexport const x = startHub;\n", { filePath: at('shared/bad.ts') });
    expect(result!.errorCount).toBeGreaterThan(0);
    expect(result!.messages.map((m) => m.ruleId)).toContain('linkage/layers');
  });
});
