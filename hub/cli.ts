/** `npm run hub`: the standalone hub. */
import { HUB_HELP, loadHubConfig } from './config';
import { startHub } from './server';
import { progressPrinter } from './simulator/progress';

async function main(): Promise<void> {
  let loaded;
  try {
    loaded = loadHubConfig(process.argv.slice(2));
  } catch (e) {
    console.error((e as Error).message);
    console.error('run with --help for the options');
    process.exit(2);
  }
  if (loaded.help) {
    console.log(HUB_HELP);
    return;
  }
  const c = loaded.config;
  const progress = progressPrinter();
  const hub = await startHub({
    dataDir: c.dataDir, host: c.host, port: c.port, defaultAccounts: c.defaultAccounts, credentialsFile: c.credentialsFile,
    sessionTtlMs: c.sessionTtlHours * 3600_000, maxFailedLogins: c.maxFailedLogins, lockoutMs: c.lockoutMinutes * 60_000, keepDays: c.keepDays,
    simulator: c.simulator ? { speed: c.simulatorSpeed, seed: c.simulatorSeed, scenario: c.simulatorScenario } : null,
    history: c.historyDays > 0 ? { days: c.historyDays, seed: c.simulatorSeed, onProgress: progress.onProgress } : null,
    store: c.store, node: c.node,
  }).catch((e: unknown) => {
    console.error(`cannot start the hub: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
  progress.done();
  const stop = () => void hub.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
