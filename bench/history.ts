/**
 * The first start's month of history (issue 15): 30 days of the simulator's normal day
 * generated into a temp dir, as `npm start` does on a new store. Budget: under 60 s here.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureHistory } from '../hub/simulator/history';
import { withBudget, type Figure } from './figures';

export function benchHistory(days = 30): Figure[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-history-'));
  try {
    const r = ensureHistory(dir, { days, seed: 1 })!;
    const bytes = fs.statSync(path.join(dir, 'hub.sqlite')).size;
    return [
      withBudget({ name: 'history.generate.30days', value: r.seconds, unit: 's' }, { max: 60 }),
      // The machine is shared: CPU time says what the generation itself costs.
      { name: 'history.generate.30days.cpu', value: r.cpuSeconds, unit: 's' },
      { name: 'history.days', value: days / r.seconds, unit: 'days/s' },
      { name: 'history.commands', value: r.commands / r.seconds, unit: 'commands/s' },
      { name: 'history.events', value: r.events / r.seconds, unit: 'events/s' },
      { name: 'history.cases', value: r.cases, unit: 'cases' },
      { name: 'history.events.total', value: r.events, unit: 'events' },
      { name: 'history.store', value: bytes / 1e6, unit: 'MB' },
    ];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
