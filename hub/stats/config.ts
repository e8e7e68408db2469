/**
 * Settings of the statistics: the composite score's weights. Read once at start from the file
 * named by LINKAGE_ASSESSMENT_CONFIG, else `assessment.json` in the hub's data directory, else
 * the defaults (DEFAULT_WEIGHTS, explained in shared/domain/assessment.ts and README.md). A bad
 * file stops the hub with the reason, like the hub's own settings.
 *
 *   { "weights": { "onTimeClosure": 60, "closure": 20, "noReturn": 10, "noRework": 10 } }
 *
 * Weights not named are 0. The score is scaled to 100 whatever the weights add up to.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_WEIGHTS, ScoreWeightsSchema, type ScoreWeights } from '../../shared/domain/assessment';

export const StatsConfigSchema = z.strictObject({ weights: ScoreWeightsSchema.optional() });

export function loadStatsConfig(dataDir: string | null, env: NodeJS.ProcessEnv = process.env): { weights: ScoreWeights; file: string | null } {
  const file = env.LINKAGE_ASSESSMENT_CONFIG ?? (dataDir ? path.join(dataDir, 'assessment.json') : null);
  if (!file || (!env.LINKAGE_ASSESSMENT_CONFIG && !fs.existsSync(file))) return { weights: DEFAULT_WEIGHTS, file: null };
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`assessment settings ${file}: ${(e as Error).message}`);
  }
  const parsed = StatsConfigSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`assessment settings ${file}: ${z.prettifyError(parsed.error)}`);
  return { weights: parsed.data.weights ?? DEFAULT_WEIGHTS, file };
}
