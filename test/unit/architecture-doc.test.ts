// Issue 21: the design the code cites is in the repo. Every "ARCHITECTURE §n" (and a "§m" listed
// after it) in a source file or README names a section of docs/ARCHITECTURE.md, and no comment
// points at a design outside the repo.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');
const doc = fs.readFileSync(path.join(ROOT, 'docs/ARCHITECTURE.md'), 'utf8');
const sections = new Set([...doc.matchAll(/^#{2,3} (\d+(?:\.\d+)?)[. ]/gm)].map((m) => m[1]!));
const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' })
  .split('\n').filter((f) => /\.(ts|tsx|js|css|md)$/.test(f) && !f.startsWith('docs/') && fs.existsSync(path.join(ROOT, f)));

describe('docs/ARCHITECTURE.md (issue 21)', () => {
  it('has the numbered sections the code cites', () => {
    for (const n of ['1', '2', '2.1', '2.2', '2.3', '3', '3.1', '4', '4.8', '5', '6', '7', '8']) expect(sections, `§${n}`).toContain(n);
  });

  it('every section a file cites exists, and nothing cites a design outside the repo', () => {
    const missing: string[] = [];
    const outside: string[] = [];
    let cited = 0;
    for (const f of files) {
      const text = fs.readFileSync(path.join(ROOT, f), 'utf8');
      for (const m of text.matchAll(/ARCHITECTURE (§[\d.]+(?:,\s*§[\d.]+)*)/g)) {
        for (const s of m[1]!.matchAll(/§(\d+(?:\.\d+)?)/g)) {
          cited++;
          if (!sections.has(s[1]!)) missing.push(`${f}: §${s[1]}`);
        }
      }
      if (f !== 'test/unit/architecture-doc.test.ts' && /DESIGN §|DOMAIN-FACTS/.test(text)) outside.push(f);
    }
    expect(cited).toBeGreaterThan(50);
    expect(missing).toEqual([]);
    expect(outside).toEqual([]);
  });
});
