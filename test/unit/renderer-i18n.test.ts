// The console's two languages carry exactly the same keys, and every domain value has words.
import { describe, expect, it } from 'vitest';
import { CASE_STATUSES } from '../../shared/domain/lifecycle';
import { ERROR_CODES } from '../../shared/domain/errors';
import { SOURCES, URGENCIES } from '../../shared/protocol/entities';
import en from '../../renderer/i18n/en';
import zhCN from '../../renderer/i18n/zh-CN';
import { STEPS } from '../../renderer/features/workflow/steps';
import { HELP_ROWS } from '../../renderer/features/shell/keymap';

function keys(tree: object, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [`${prefix}${k}`] : keys(v as object, `${prefix}${k}.`)));
}

function lookup(tree: object, key: string): unknown {
  // Keys may themselves contain dots (timeline's event types): try the longest match first.
  let node: unknown = tree;
  let rest = key;
  while (rest) {
    const obj = node as Record<string, unknown>;
    const hit = Object.keys(obj).filter((k) => rest === k || rest.startsWith(`${k}.`)).sort((a, b) => b.length - a.length)[0];
    if (!hit) return undefined;
    node = obj[hit];
    rest = rest.slice(hit.length + 1);
  }
  return node;
}

describe('renderer i18n', () => {
  it('zh-CN and en have identical key sets', () => {
    expect(keys(en).sort()).toEqual(keys(zhCN).sort());
  });

  it('no message is empty, and interpolations match between languages', () => {
    const vars = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
    for (const k of keys(zhCN)) {
      const zh = lookup(zhCN, k) as string;
      const e = lookup(en, k) as string;
      expect(zh.trim(), k).not.toBe('');
      expect(e.trim(), k).not.toBe('');
      expect(vars(e), k).toEqual(vars(zh));
    }
  });

  it('zh-CN is Chinese and en is not', () => {
    expect(zhCN.app.title).toMatch(/[\u4e00-\u9fff]/);
    expect(en.app.title).not.toMatch(/[\u4e00-\u9fff]/);
  });

  it.each([
    ['status', CASE_STATUSES],
    ['urgency', URGENCIES],
    ['source', SOURCES],
    ['step', STEPS],
    ['errors', ERROR_CODES],
  ] as const)('names every %s', (group, values) => {
    for (const v of values) expect(lookup(zhCN, `${group}.${v}`), `${group}.${v}`).toBeTypeOf('string');
  });

  it('has the words of every help row', () => {
    for (const r of HELP_ROWS) expect(lookup(zhCN, r.what), r.what).toBeTypeOf('string');
  });
});
