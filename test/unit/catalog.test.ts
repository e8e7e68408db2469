import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { CatalogSchema, DEPARTMENT_CODES, URGENCY_LEVELS, parseCatalog } from '../../shared/domain/catalog';
import { DomainError } from '../../shared/domain/errors';

const json: unknown = JSON.parse(readFileSync(new URL('../../resources/catalog/categories.json', import.meta.url), 'utf8'));
const catalog = parseCatalog(json);
const rows = catalog.categories;

function errorCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof DomainError ? e.code : `not a DomainError: ${String(e)}`;
  }
  return undefined;
}

/** A copy of the catalog JSON with one small class changed, to test the schema's refusals. */
function withRow(code: string, change: (row: Record<string, unknown>) => void): unknown {
  const copy = structuredClone(json) as { bigClasses: { smallClasses: Record<string, unknown>[] }[] };
  const row = copy.bigClasses.flatMap((b) => b.smallClasses).find((s) => s.code === code);
  if (!row) throw new Error(`no row ${code}`);
  change(row);
  return copy;
}

describe('categories.json', () => {
  it('parses with the schema', () => {
    expect(CatalogSchema.safeParse(json).success).toBe(true);
  });

  it('holds the 97 event small classes of GB/T 47678.5-2026 (big classes 06–10)', () => {
    const events = rows.filter((r) => ['06', '07', '08', '09', '10'].includes(r.bigClass.code));
    expect(events).toHaveLength(97);
    expect(events.every((r) => r.source === 'GB/T 47678.5-2026')).toBe(true);
    // Gaps in the numbering are in the source
    expect(events.map((r) => r.code)).not.toContain('06031');
    expect(catalog.category('09022').name).toBe('占道促销宣传');
  });

  it('has local classes for emergencies, rental overcrowding, urban villages, public order and 12345 demands', () => {
    expect(catalog.bigClasses.map((b) => b.code)).toEqual(['06', '07', '08', '09', '10', '90', '91', '92', '93', '94']);
    expect(catalog.category('90004').name).toBe('火灾');
    expect(catalog.category('91001').name).toBe('群租');
  });

  it('has unique codes', () => {
    const codes = [...catalog.bigClasses.map((b) => b.code), ...rows.map((r) => r.code)];
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('names only known departments as owners', () => {
    for (const r of rows) expect(DEPARTMENT_CODES).toContain(r.owner);
  });

  it('gives every small class a normal urgency and a source for its figures', () => {
    for (const r of rows) {
      expect(r.urgencies.normal, r.code).toBeDefined();
      expect(r.limitsFrom, r.code).toMatch(/^(local default|quoted: )/);
    }
  });

  it('dispatches within 10 min when urgent and 30 min otherwise, in natural time', () => {
    for (const r of rows) {
      for (const level of URGENCY_LEVELS) {
        const limits = r.urgencies[level];
        if (!limits) continue;
        expect(limits.dispatch, `${r.code} ${level}`).toEqual({ hours: level === 'urgent' ? 10 / 60 : 0.5, basis: 'natural' });
      }
    }
  });

  it('times urgent levels, emergencies and police classes in natural hours', () => {
    for (const r of rows) {
      if (r.urgencies.urgent) expect(r.urgencies.urgent.handling.basis, r.code).toBe('natural');
      if (r.bigClass.code === '90' || r.bigClass.code === '93') {
        for (const limits of Object.values(r.urgencies)) expect(limits.handling.basis, r.code).toBe('natural');
      }
    }
  });

  it('gives 12345 demands 1/3/5/15 working days (8-hour days)', () => {
    const days = (code: string) => catalog.urgency(code, 'normal').handling.hours / 8;
    expect(['94001', '94002', '94005', '94003', '94004', '94006'].map(days)).toEqual([1, 1, 3, 5, 5, 15]);
    expect(catalog.urgency('94003', 'normal').handling.basis).toBe('working');
  });
});

describe('lookups', () => {
  it('finds a small class with its big class', () => {
    const garbage = catalog.category('06010');
    expect(garbage.name).toBe('暴露垃圾');
    expect(garbage.bigClass).toEqual({ code: '06', name: '市容环境类', nameEn: 'City appearance and environment' });
    expect(catalog.urgency('06010', 'normal').handling).toEqual({ hours: 4, basis: 'working' });
  });

  it('refuses an unknown category', () => {
    expect(errorCode(() => catalog.category('99999'))).toBe('unknown_category');
    expect(errorCode(() => catalog.category('06'))).toBe('unknown_category');
    expect(errorCode(() => catalog.urgency('99999', 'normal'))).toBe('unknown_category');
  });

  it('refuses an urgency that is not a level, or that the class does not offer', () => {
    expect(errorCode(() => catalog.urgency('06010', 'critical'))).toBe('unknown_urgency');
    expect(errorCode(() => catalog.urgency('06010', 'urgent'))).toBe('unknown_urgency');
    expect(errorCode(() => catalog.urgency('06010', 'toString'))).toBe('unknown_urgency');
  });
});

describe('parseCatalog refusals', () => {
  it('refuses a duplicate code', () => {
    expect(errorCode(() => parseCatalog(withRow('06002', (r) => (r.code = '06001'))))).toBe('invalid_input');
  });

  it('refuses a small class filed under another big class', () => {
    expect(errorCode(() => parseCatalog(withRow('06002', (r) => (r.code = '07999'))))).toBe('invalid_input');
  });

  it('refuses a row without a normal urgency', () => {
    const json = withRow('06010', (r) => delete (r.urgencies as Record<string, unknown>).normal);
    expect(errorCode(() => parseCatalog(json))).toBe('invalid_input');
  });

  it('refuses a limit in both hours and minutes, or in neither', () => {
    const both = withRow('06010', (r) => ((r.urgencies as { normal: { handling: object } }).normal.handling = { hours: 1, minutes: 60, basis: 'working' }));
    expect(errorCode(() => parseCatalog(both))).toBe('invalid_input');
    const neither = withRow('06010', (r) => ((r.urgencies as { normal: { handling: object } }).normal.handling = { basis: 'working' }));
    expect(errorCode(() => parseCatalog(neither))).toBe('invalid_input');
  });

  it('refuses an owner outside the department list with unknown_department', () => {
    expect(errorCode(() => parseCatalog(withRow('06010', (r) => (r.owner = 'sanitation'))))).toBe('unknown_department');
  });

  it('refuses a misspelt field instead of dropping it', () => {
    expect(errorCode(() => parseCatalog(withRow('06010', (r) => (r.closeCondtion = 'x'))))).toBe('invalid_input');
  });
});
