/**
 * Unit positions are a latest-value stream (ARCHITECTURE §4): kept in memory, never in the log,
 * and sent at most once per interval with only the units that moved since the last send.
 */
import { PositionSchema, type Position, type Unit } from '../shared/protocol';
import type { HubCore } from './core';

type Scope = (id: string) => { subdistrict: string; owners: string[] } | null;

export class PositionStream {
  private readonly latest = new Map<string, Position>();
  private changed = new Set<string>();
  private readonly timer: NodeJS.Timeout;
  private scopes = new Map<string, { subdistrict: string; owners: string[] }>();

  constructor(private readonly core: HubCore, private readonly send: (list: Position[], scope: Scope) => void, intervalMs: number) {
    this.timer = setInterval(() => this.flush(), intervalMs);
    this.timer.unref();
    this.refreshScopes();
  }

  private refreshScopes(): void {
    const rows = this.core.db.prepare('SELECT state FROM units').all() as { state: string }[];
    this.scopes = new Map(rows.map((r) => {
      const u = JSON.parse(r.state) as Unit;
      return [u.id, { subdistrict: u.subdistrictCode, owners: [u.departmentCode] }];
    }));
  }

  /** Accepts a position; invalid ones or unknown units are refused with a reason. */
  update(input: unknown): { ok: true } | { ok: false; message: string } {
    const p = PositionSchema.safeParse(input);
    if (!p.success) return { ok: false, message: p.error.message };
    if (!this.scopes.has(p.data.id)) this.refreshScopes();
    if (!this.scopes.has(p.data.id)) return { ok: false, message: `unknown unit ${p.data.id}` };
    const prev = this.latest.get(p.data.id);
    if (prev && prev.at > p.data.at) return { ok: true }; // older than what we have: latest value wins
    this.latest.set(p.data.id, p.data);
    this.changed.add(p.data.id);
    return { ok: true };
  }

  all(): Position[] {
    return [...this.latest.values()];
  }

  flush(): void {
    if (this.changed.size === 0) return;
    const list = [...this.changed].map((id) => this.latest.get(id)!);
    this.changed = new Set();
    this.send(list, (id) => this.scopes.get(id) ?? null);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
