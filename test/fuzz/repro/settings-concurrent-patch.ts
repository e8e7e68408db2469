/**
 * Reproduction (fuzz finding): two windows changing settings at the same moment. SettingsStore.patch
 * (main/core/bridge/settings.ts) writes every patch through the same temporary file
 * (`${file}.${process.pid}.tmp`) and reads `this.current` before awaiting its writes, so
 * concurrent patches race: one fails with ENOENT on rename (answered to the window as an
 * internal error) and/or one patch is lost.
 *   npx tsx test/fuzz/repro/settings-concurrent-patch.ts
 * Prints {failures, final}; failures > 0 or a final state missing a patch = the bug.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SettingsStore } from '../../../main/core/bridge/settings';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'repro-settings-'));
const store = await SettingsStore.open(path.join(root, 'settings', 'duty.json'));
const results = await Promise.allSettled([store.patch({ theme: 'light' }), store.patch({ language: 'en' }), store.patch({ soundMuted: true })]);
let onDisk: Record<string, unknown> = {};
try {
  onDisk = JSON.parse(fs.readFileSync(path.join(root, 'settings', 'duty.json'), 'utf8')) as Record<string, unknown>;
} catch (e) {
  onDisk = { error: String(e).slice(0, 120) };
}
console.log(JSON.stringify({
  failures: results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason).slice(0, 160)),
  final: { theme: onDisk.theme, language: onDisk.language, soundMuted: onDisk.soundMuted },
  expected: { theme: 'light', language: 'en', soundMuted: true },
}));
fs.rmSync(root, { recursive: true, force: true });
