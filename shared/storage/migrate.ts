/**
 * The one runner of numbered SQLite migrations: the hub's store and view, the core's replica and
 * outbox (ARCHITECTURE §8.4). Each migration runs in its own transaction together with the
 * `PRAGMA user_version` that records it; a file a newer build migrated is refused, since running
 * old code on it could corrupt what it does not know. Pure code: it needs only what it names
 * below of a better-sqlite3 database (which the callers pass), so both layers share it.
 */
export interface MigratableDb {
  readonly name: string;
  pragma(source: string, options?: { simple?: boolean }): unknown;
  transaction(fn: () => void): () => void;
}

export interface Migration<D> {
  /** 1, 2, 3 … in file order; the runner applies those above the file's user_version. */
  version: number;
  name: string;
  up(db: D): void;
}

/** Applies the pending migrations; returns the newest version this build knows. */
export function migrate<D extends MigratableDb>(db: D, migrations: readonly Migration<D>[]): number {
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  sorted.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration ${m.name} has version ${m.version}, expected ${i + 1}`);
  });
  const current = db.pragma('user_version', { simple: true }) as number;
  const newest = sorted.length;
  if (current > newest) throw new Error(`database ${db.name} is at schema ${current}, this build knows up to ${newest}`);
  for (const m of sorted) {
    if (m.version <= current) continue;
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  return newest;
}
