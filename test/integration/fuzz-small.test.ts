/**
 * A small fuzz run (test/fuzz/harness.ts; `npx tsx test/fuzz/run.ts` runs 100,000 messages):
 * hostile messages against a real hub process (HTTP, sources, socket events, raw frames) and
 * against the bridge of a session whose core is a real process (Session.call and browser mode's
 * WebSocket). No process may crash, nothing invalid may change the state, and every message is
 * answered or dropped — none left hanging.
 */
import { describe, expect, it } from 'vitest';
import { runFuzz } from '../fuzz/harness';

describe('fuzzing the hub and the bridge (small run)', () => {
  it('survives 2,000 hostile messages without a crash or a state change by an invalid one', async () => {
    const seed = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 1e9));
    const s = await runFuzz({ messages: 2000, seed, maxMs: 150_000 });
    const context = JSON.stringify({ ...s, findings: s.findings.slice(0, 12) });
    expect(s.messages, context).toBeGreaterThan(500);
    expect(s.answered + s.dropped + s.hangs, context).toBe(s.messages);
    expect(s.crashes, context).toBe(0);
    expect(s.unhandledRejections, context).toBe(0);
    expect(s.stateChangesByInvalid, context).toBe(0);
    expect(s.hangs, context).toBe(0);
    expect(s.authBypass, context).toBe(0);
    expect(s.bridgeLeaks, context).toBe(0);
  }, 300_000);
});
