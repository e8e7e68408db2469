/**
 * The hubs a workstation may use (ARCHITECTURE §2.4): one address, or the nodes of a cluster as
 * a comma-separated list (`--hub http://a:7410,http://b:7410`). They serve the same log, so a
 * session, the replica's lastSeq and the outbox carry over from one to the next.
 */
import { z } from 'zod';
import { LinkError, login, type Session } from './login';

const MAX_HUBS = 16;

export function hubList(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

/** One address or a comma-separated list of them, each http(s). */
export const HubAddressesSchema = z.string().max(4096).refine((v) => {
  const hubs = hubList(v);
  return hubs.length >= 1 && hubs.length <= MAX_HUBS && hubs.every((h) => /^https?:\/\//.test(h) && URL.canParse(h));
}, `one hub address (http://host:port) or a comma-separated list of up to ${MAX_HUBS}`);

/**
 * Logs in on the first hub that answers, from `start` on: an unreachable (or failing) node is
 * skipped; a refusal (wrong password, locked) is the same on every node and ends the round.
 */
export async function loginAny(hubs: readonly string[], start: number, username: string, password: string, timeoutMs: number): Promise<{ session: Session; index: number }> {
  let last: LinkError | null = null;
  for (let i = 0; i < hubs.length; i++) {
    const index = (start + i) % hubs.length;
    try {
      return { session: await login(hubs[index]!, username, password, timeoutMs), index };
    } catch (e) {
      const err = e instanceof LinkError ? e : new LinkError('unreachable', String(e));
      if (!err.retryable) throw err;
      last = err;
    }
  }
  throw last ?? new LinkError('unreachable', 'no hub address');
}
