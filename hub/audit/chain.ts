/**
 * The audit chain (ARCHITECTURE §3): every applied command, who, when, before/after; each entry's
 * hash covers the previous entry's hash, so editing or deleting a row breaks every later link.
 */
import { createHash } from 'node:crypto';
import type { Db } from '../store/db';
import { jsonOf } from '../store/json';

export interface AuditEntry {
  at: number;
  userId: string;
  commandId: string;
  type: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
}

const GENESIS = '0'.repeat(64);

function digest(prevHash: string, n: number, e: { at: number; userId: string; commandId: string; type: string; entityId: string | null; before: string | null; after: string | null }): string {
  return createHash('sha256')
    .update(JSON.stringify([prevHash, n, e.at, e.userId, e.commandId, e.type, e.entityId, e.before, e.after]))
    .digest('hex');
}

export class AuditChain {
  private last: { n: number; hash: string };
  private committedLast: { n: number; hash: string };
  private readonly insert;

  constructor(private readonly db: Db) {
    const row = db.prepare('SELECT n, hash FROM audit ORDER BY n DESC LIMIT 1').get() as { n: number; hash: string } | undefined;
    this.last = row ?? { n: 0, hash: GENESIS };
    this.committedLast = this.last;
    this.insert = db.prepare('INSERT INTO audit (n, at, user_id, command_id, type, entity_id, before, after, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  }

  /** Appends inside the command's transaction; the returned function undoes the link if its savepoint rolls back. */
  appendInTx(e: AuditEntry): () => void {
    const saved = this.last;
    const n = saved.n + 1;
    const row = { ...e, before: e.before === undefined ? null : jsonOf(e.before), after: e.after === undefined ? null : jsonOf(e.after) };
    const hash = digest(saved.hash, n, row);
    this.insert.run(n, row.at, row.userId, row.commandId, row.type, row.entityId, row.before, row.after, saved.hash, hash);
    this.last = { n, hash };
    return () => {
      this.last = saved;
    };
  }

  /** A cluster trial continues the shared store's chain from its last link. */
  startFrom(link: { n: number; hash: string }): void {
    this.last = this.committedLast = link;
  }

  committed(): void {
    this.committedLast = this.last;
  }

  rolledBack(): void {
    this.last = this.committedLast;
  }
}

export interface VerifyResult {
  ok: boolean;
  entries: number;
  firstBroken: number | null;
  reason: string | null;
}

/** Walks the whole chain; names the first entry whose link or content does not check. */
/** An audit row as both stores keep it. */
export interface AuditRecord {
  n: number; at: number; user_id: string; command_id: string; type: string; entity_id: string | null; before: string | null; after: string | null; prev_hash: string; hash: string;
}

/** Walks a chain row by row in `n` order, so a store can feed it in pages (PostgreSQL). */
export class ChainVerifier {
  private prev = GENESIS;
  private expectedN = 1;
  private entries = 0;
  private broken: VerifyResult | null = null;

  /** false once the chain is broken (the rest need not be read). */
  add(r: AuditRecord): boolean {
    if (this.broken) return false;
    this.entries++;
    const fail = (reason: string): boolean => {
      this.broken = { ok: false, entries: this.entries, firstBroken: r.n, reason };
      return false;
    };
    if (r.n !== this.expectedN) return fail(`entry ${this.expectedN} is missing`);
    if (r.prev_hash !== this.prev) return fail('link to the previous entry does not match');
    const h = digest(this.prev, r.n, { at: r.at, userId: r.user_id, commandId: r.command_id, type: r.type, entityId: r.entity_id, before: r.before, after: r.after });
    if (h !== r.hash) return fail('content does not match its hash (edited)');
    this.prev = r.hash;
    this.expectedN++;
    return true;
  }

  result(): VerifyResult {
    return this.broken ?? { ok: true, entries: this.entries, firstBroken: null, reason: null };
  }
}

export function verifyChain(db: Db): VerifyResult {
  const v = new ChainVerifier();
  for (const r of db.prepare('SELECT * FROM audit ORDER BY n').iterate() as Iterable<AuditRecord>) if (!v.add(r)) break;
  return v.result();
}
