/**
 * Full-text search over the replica's cases (ARCHITECTURE §7). Terms of three characters or more go
 * through the trigram index; shorter terms (very common in Chinese: 虹桥, 七宝) cannot, so they
 * filter with LIKE — alone, only over the most recent cases, so a one-character query stays a
 * bounded scan instead of reading the whole table. Results come newest first (the index's
 * rowid order, which LIMIT can stop early on; ranking by relevance would score every match,
 * 160 ms for a common phrase over 100k cases), after an exact case number if there is one.
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from '../sqlite';

export interface SearchOptions {
  limit: number;
  /** How many of the most recently updated cases a query of only short terms looks through. */
  shortTermCandidates: number;
}

const MAX_TERMS = 8;

/** Terms of the query, whitespace separated, de-duplicated. */
export function searchTerms(q: string): string[] {
  const terms = q.normalize('NFKC').trim().split(/\s+/u).filter(Boolean);
  return [...new Set(terms)].slice(0, MAX_TERMS);
}

const charCount = (s: string): number => [...s].length;
const likePattern = (term: string): string => `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
/** A phrase in FTS5's query language: the term verbatim, quotes doubled. */
const ftsPhrase = (term: string): string => `"${term.replace(/"/g, '""')}"`;

const LIKE_ANY = `(c.description LIKE ? ESCAPE '\\' OR c.address LIKE ? ESCAPE '\\' OR c.category LIKE ? ESCAPE '\\' OR c.id LIKE ? ESCAPE '\\')`;

/** JSON of the matching cases, best first. Statements are cached by shape. */
export class CaseSearch {
  private readonly cache = new Map<string, Statement<unknown[], { json: string }>>();

  constructor(private readonly db: Db) {}

  private stmt(sql: string): Statement<unknown[], { json: string }> {
    let s = this.cache.get(sql);
    if (!s) {
      s = this.db.prepare<unknown[], { json: string }>(sql);
      this.cache.set(sql, s);
    }
    return s;
  }

  run(q: string, opts: SearchOptions): string[] {
    const terms = searchTerms(q);
    if (terms.length === 0) return [];
    const long = terms.filter((t) => charCount(t) >= 3);
    const short = terms.filter((t) => charCount(t) < 3);
    const shortWhere = short.map(() => LIKE_ANY).join(' AND ');
    const shortArgs = short.flatMap((t) => {
      const p = likePattern(t);
      return [p, p, p, p];
    });

    // A case number typed in full: through the primary key, and nothing else to look for.
    if (terms.length === 1) {
      const exact = this.stmt('SELECT json FROM cases WHERE id = ? OR id = ?').all(terms[0], terms[0]!.toUpperCase()).map((r) => r.json);
      if (exact.length) return exact;
    }

    if (long.length > 0) {
      const match = long.map(ftsPhrase).join(' AND ');
      const sql =
        `SELECT c.json AS json FROM cases_fts f JOIN cases c ON c.rid = f.rowid ` +
        `WHERE cases_fts MATCH ?${short.length ? ` AND ${shortWhere}` : ''} ` +
        `ORDER BY f.rowid DESC LIMIT ?`;
      return this.stmt(sql).all(match, ...shortArgs, opts.limit).map((r) => r.json);
    }

    const sql =
      `SELECT c.json AS json FROM (SELECT * FROM cases ORDER BY updated_at DESC LIMIT ?) c ` +
      `WHERE ${shortWhere} ORDER BY c.updated_at DESC LIMIT ?`;
    return this.stmt(sql).all(opts.shortTermCandidates, ...shortArgs, opts.limit).map((r) => r.json);
  }
}
