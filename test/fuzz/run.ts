/**
 * `npx tsx test/fuzz/run.ts` (FUZZ=100000 by default): the fuzz run of test/fuzz/harness.ts.
 * Prints {messages, answered, dropped, crashes, stateChangesByInvalid, …} as one JSON line on
 * stdout; exits 1 when a process crashed, an invalid message changed the state, a message went
 * unanswered, or a rejection went unhandled. Findings go to stderr.
 *   FUZZ               messages (default 100000)
 *   FUZZ_SEED          seed (default: random, printed)
 *   FUZZ_MAX_MINUTES   stop after this long (default 90)
 *   FUZZ_KEEP=1        keep the data directory
 *   FUZZ_SNAPSHOT=0    run the hub and the cores from the working tree, not from a copy taken at the start
 */
import { fuzzPassed, runFuzz } from './harness';

const messages = Number(process.env.FUZZ ?? 100_000);
const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 1e9);
const maxMinutes = Number(process.env.FUZZ_MAX_MINUTES ?? 90);
if (!Number.isInteger(messages) || messages < 0 || messages > 10_000_000) {
  console.error('FUZZ must be an integer between 0 and 10000000');
  process.exit(2);
}
const t0 = Date.now();
console.error(`[fuzz] seed ${seed}, ${messages} messages, at most ${maxMinutes} min`);
const summary = await runFuzz({
  messages, seed, maxMs: maxMinutes * 60_000, keepDir: process.env.FUZZ_KEEP === '1', snapshot: process.env.FUZZ_SNAPSHOT !== '0',
  log: (m) => console.error(`[fuzz ${Math.round((Date.now() - t0) / 1000)}s] ${m}`),
});
const { findings, ...figures } = summary;
for (const f of findings) console.error(`[fuzz] finding: ${f}`);
console.log(JSON.stringify(figures));
process.exit(fuzzPassed(summary) ? 0 : 1);
