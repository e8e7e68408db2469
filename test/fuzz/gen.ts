/**
 * Hostile inputs from a seeded PRNG: random JSON-ish values of every type, strings that break
 * things (huge, control characters, lone surrogates, prototype-pollution keys, numbers as
 * strings), deep nesting, and mutations of valid messages (a field dropped, retyped, replaced,
 * an extra one added) — so that some mutations stay valid, which the checks track apart.
 */
import type { Rng } from '../faults/random';

export const NASTY_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__', 'then', ''] as const;

export const NASTY_STRINGS = [
  '', ' ', 'NaN', 'Infinity', '-Infinity', '1e309', '-0', 'null', 'undefined', 'true', '0x10', '１２３',
  '__proto__', 'constructor', '{"__proto__":{"polluted":1}}', "'; DROP TABLE cases; --", '" OR 1=1 --', '%s%s%s%n',
  '../../../../etc/passwd', '\u0000', 'a\u0000b', '\r\n\r\n', '\u202e', '\ufeff', '\ud800', '\udfff', 'x\ud83d', '😀', '虹桥枢纽',
  '<script>alert(1)</script>', '${7*7}', '{{7*7}}', '\\', '"', "'", '`', '\u2028\u2029',
] as const;

export const NASTY_NUMBERS = [0, -0, 1, -1, 0.5, 1.5, 2 ** 31, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 1e308, -1e308, 5e-324, Number.MAX_SAFE_INTEGER, 121.4, 31.1, 65536] as const;

export function randomString(r: Rng, maxLen = 40): string {
  const w = r.weighted({ nasty: 4, ascii: 4, unicode: 2, huge: 0.2, repeat: 1, uuid: 1 });
  switch (w) {
    case 'nasty': return r.pick(NASTY_STRINGS);
    case 'ascii': return Array.from({ length: r.int(0, maxLen) }, () => String.fromCharCode(r.int(32, 126))).join('');
    case 'unicode': return Array.from({ length: r.int(0, maxLen) }, () => String.fromCharCode(r.int(0, 0xffff))).join('');
    case 'huge': return r.pick(['x', '虹', '\u0000', '"']).repeat(r.pick([5_000, 70_000, 300_000]));
    case 'repeat': return r.pick(NASTY_STRINGS).repeat(r.int(2, 200));
    default: return `${hex(r, 8)}-${hex(r, 4)}-4${hex(r, 3)}-${r.pick(['8', '9', 'a', 'b'])}${hex(r, 3)}-${hex(r, 12)}`;
  }
}

/** encodeURIComponent that never throws (lone surrogates become U+FFFD). */
export function uriSafe(s: string): string {
  return encodeURIComponent(s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'));
}

export function hex(r: Rng, n: number): string {
  return Array.from({ length: n }, () => '0123456789abcdef'[r.int(0, 15)]).join('');
}

export function uuid(r: Rng): string {
  return `${hex(r, 8)}-${hex(r, 4)}-4${hex(r, 3)}-${r.pick(['8', '9', 'a', 'b'])}${hex(r, 3)}-${hex(r, 12)}`;
}

/** A random value; `depth` bounds the recursion. */
export function randomValue(r: Rng, depth = 3): unknown {
  const w = r.weighted({ null: 1, bool: 1, number: 3, string: 4, array: depth > 0 ? 2 : 0, object: depth > 0 ? 3 : 0, deep: depth > 0 ? 0.2 : 0, undef: 0.5 });
  switch (w) {
    case 'null': return null;
    case 'undef': return undefined;
    case 'bool': return r.chance(0.5);
    case 'number': return r.chance(0.6) ? r.pick(NASTY_NUMBERS) : (r.next() - 0.5) * 10 ** r.int(0, 20);
    case 'string': return randomString(r);
    case 'array': return Array.from({ length: r.int(0, 5) }, () => randomValue(r, depth - 1));
    case 'deep': return deep(r, r.pick([50, 300, 1000]));
    default: return randomObject(r, depth - 1);
  }
}

export function randomObject(r: Rng, depth = 2): Record<string, unknown> {
  // Own properties named __proto__ (as JSON.parse would make them), not a prototype change.
  const o: Record<string, unknown> = {};
  for (let i = r.int(0, 5); i > 0; i--) {
    const key = r.chance(0.3) ? r.pick(NASTY_KEYS) : randomString(r, 12);
    set(o, key, randomValue(r, depth));
  }
  return o;
}

/** Nested arrays or objects `n` levels deep. */
export function deep(r: Rng, n: number): unknown {
  let v: unknown = r.chance(0.5) ? 1 : 'x';
  const objects = r.chance(0.5);
  for (let i = 0; i < n; i++) v = objects ? { a: v } : [v];
  return v;
}

/** JSON text of a deeply nested value, built as text (no recursion in JSON.stringify). */
export function deepJsonText(n: number, objects: boolean): string {
  return objects ? '{"a":'.repeat(n) + '1' + '}'.repeat(n) : '['.repeat(n) + '1' + ']'.repeat(n);
}

/** One change to a valid message: most mutations make it invalid, some keep it valid. */
export function mutate(r: Rng, value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object') {
    const w = r.weighted({ keep: 2, random: 3, string: 1, number: 1, nasty: 2 });
    if (w === 'keep') return value;
    if (w === 'string') return typeof value === 'string' ? value + randomString(r, 5) : String(value);
    if (w === 'number') return typeof value === 'number' ? value + r.pick([-1, 1, 0.5, 1e6]) : Number(value);
    if (w === 'nasty') return r.chance(0.5) ? r.pick(NASTY_STRINGS) : r.pick(NASTY_NUMBERS);
    return randomValue(r, 1);
  }
  if (Array.isArray(value)) {
    const a = [...value];
    const w = r.weighted({ elem: 4, drop: 1, add: 1, dup: 1, replace: 0.5 });
    if (w === 'replace') return randomValue(r, 2);
    if (a.length && w === 'elem') {
      const i = r.int(0, a.length - 1);
      a[i] = mutate(r, a[i], depth + 1);
    } else if (a.length && w === 'drop') a.splice(r.int(0, a.length - 1), 1);
    else if (w === 'dup' && a.length) a.push(a[r.int(0, a.length - 1)]);
    else a.push(randomValue(r, 2));
    return a;
  }
  const o: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  const keys = Object.keys(o);
  const w = r.weighted({ field: 5, drop: 2, add: 2, nastyKey: 1, replace: 0.5 });
  if (w === 'replace') return randomValue(r, 2);
  if (w === 'field' && keys.length) {
    const k = r.pick(keys);
    set(o, k, mutate(r, o[k], depth + 1));
  } else if (w === 'drop' && keys.length) delete o[r.pick(keys)];
  else if (w === 'nastyKey') set(o, r.pick(NASTY_KEYS), randomValue(r, 2));
  else set(o, randomString(r, 10), randomValue(r, 2));
  return o;
}

/** An own, enumerable property even for `__proto__` (as JSON.parse makes it; never a prototype change). */
export function set(o: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Several mutations in a row (1 to n). */
export function mutateN(r: Rng, value: unknown, n = 3): unknown {
  let v = value;
  for (let i = r.int(1, n); i > 0; i--) v = mutate(r, v);
  return v;
}

/** Bytes that are not UTF-8: lone continuation bytes, overlong forms, surrogates encoded, truncation. */
export function invalidUtf8(r: Rng, around = ''): Buffer {
  const bad = r.pick([[0x80], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xff], [0xe4, 0xb8], [0xfe, 0xff]]);
  const text = Buffer.from(around, 'utf8');
  const at = r.int(0, text.length);
  return Buffer.concat([text.subarray(0, at), Buffer.from(bad), text.subarray(at)]);
}
