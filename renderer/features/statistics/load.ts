/**
 * Everything the statistics window and its report show for one period, asked of the bridge
 * one query at a time with progress (n of m): the assessment per department and per subdistrict,
 * the district's figures of the period before, the demands per grouping (with their own
 * previous period) and the repeated demands (periods up to 93 days).
 */
import type { LinkageBridge } from '../../../shared/bridge/contract';
import type { AssessmentAnswer, DemandsAnswer, RepeatsAnswer, StatisticsAnswer, StatisticsQuery } from '../../../shared/bridge/statistics';
import type { Period } from './period';

export const DEMAND_VIEWS = ['category', 'subdistrict', 'community', 'source', 'hour'] as const;
export type DemandView = (typeof DEMAND_VIEWS)[number];

export interface StatsData {
  period: Period;
  byDepartment: AssessmentAnswer;
  bySubdistrict: AssessmentAnswer;
  previous: AssessmentAnswer;
  demands: Record<DemandView, DemandsAnswer>;
  repeats: RepeatsAnswer | null;
  loadedAt: number;
}

const REPEAT_MAX_MS = 93 * 86_400_000;

export async function loadStats(bridge: LinkageBridge, period: Period, progress: (done: number, of: number) => void): Promise<StatsData> {
  if (!bridge.statistics) throw Object.assign(new Error('this shell has no statistics call'), { code: 'internal' });
  const withRepeats = period.to - period.from <= REPEAT_MAX_MS;
  const of = 3 + DEMAND_VIEWS.length + (withRepeats ? 1 : 0);
  let done = 0;
  progress(done, of);
  const step = async <Q extends StatisticsQuery>(q: Q): Promise<StatisticsAnswer<Q['kind']>> => {
    const r = await bridge.statistics!(q);
    progress(++done, of);
    return r;
  };
  const { from, to } = period;
  const byDepartment = await step({ kind: 'assessment', from, to, groupBy: 'department' } as const);
  const bySubdistrict = await step({ kind: 'assessment', from, to, groupBy: 'subdistrict' } as const);
  const previous = await step({ kind: 'assessment', from: period.previousFrom, to: period.previousTo, groupBy: 'subdistrict' } as const);
  const demands = {} as Record<DemandView, DemandsAnswer>;
  for (const g of DEMAND_VIEWS) demands[g] = await step({ kind: 'demands', from, to, groupBy: g, top: 10 } as const);
  const repeats = withRepeats ? await step({ kind: 'repeats', from, to } as const) : null;
  return { period, byDepartment, bySubdistrict, previous, demands, repeats, loadedAt: Date.now() };
}
