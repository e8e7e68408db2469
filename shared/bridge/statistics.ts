/**
 * The `statistics` bridge call (issue 9): a window asks for the hub's assessment and
 * public-demand statistics; the core forwards the query to the hub's HTTP API
 * (`/api/stats/<kind>`, hub/stats/README.md) with the session's token and checks the answer
 * against these schemas before any window sees it. Instants are epoch ms; a period is [from, to).
 */
import { z } from 'zod';

export const ASSESSMENT_GROUPS = ['department', 'subdistrict'] as const;
export const DEMAND_GROUPS = ['category', 'bigClass', 'subdistrict', 'community', 'source', 'hour'] as const;
export const STAT_COUNTS = [
  'received', 'registered', 'dispatched', 'dispatchedOnTime', 'accepted', 'acceptedOnTime', 'resolved', 'resolvedOnTime', 'closed',
  'returned', 'reopened', 'extended', 'submitted', 'due', 'dueClosed', 'dueClosedOnTime',
] as const;
export const STAT_STAGES = ['register', 'dispatch', 'accept', 'resolve', 'close'] as const;
export const STAT_RATES = ['dispatchOnTime', 'acceptOnTime', 'resolveOnTime', 'return', 'rework', 'extension', 'closure', 'onTimeClosure'] as const;
export const DRILL_FIGURES = [...STAT_COUNTS, 'overdueNow', ...STAT_STAGES.map((s) => `stage.${s}` as const)] as const;
export type DrillFigure = (typeof DRILL_FIGURES)[number];

const Instant = z.number().int().nonnegative().max(8.64e15);
const MAX_SPAN_MS = 3660 * 86_400_000;
const span = (max: number) => (q: { from?: number | undefined; to?: number | undefined }, ctx: z.RefinementCtx) => {
  if (q.from === undefined || q.to === undefined) return;
  if (q.to <= q.from) ctx.addIssue({ code: 'custom', path: ['to'], message: '`to` must be after `from`' });
  else if (q.to - q.from > max) ctx.addIssue({ code: 'custom', path: ['to'], message: `at most ${Math.round(max / 86_400_000)} days` });
};
const KEY = /^[A-Za-z0-9_-]{1,64}$/;

export const StatisticsQuerySchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('assessment'), from: Instant, to: Instant, groupBy: z.enum(ASSESSMENT_GROUPS).optional() }).superRefine(span(MAX_SPAN_MS)),
  z.strictObject({ kind: z.literal('demands'), from: Instant, to: Instant, groupBy: z.enum(DEMAND_GROUPS).optional(), top: z.number().int().min(1).max(100).optional() }).superRefine(span(MAX_SPAN_MS)),
  z.strictObject({
    kind: z.literal('drilldown'), figure: z.enum(DRILL_FIGURES),
    groupBy: z.enum([...ASSESSMENT_GROUPS, ...DEMAND_GROUPS.filter((g) => g !== 'subdistrict')]).optional(),
    key: z.string().regex(KEY).optional(), from: Instant.optional(), to: Instant.optional(),
    limit: z.number().int().min(1).max(5000).optional(), offset: z.number().int().min(0).max(10_000_000).optional(),
  }).superRefine(span(MAX_SPAN_MS)),
  z.strictObject({
    kind: z.literal('repeats'), from: Instant, to: Instant, radius: z.number().int().min(10).max(1000).optional(),
    min: z.number().int().min(2).max(1000).optional(), sameCategory: z.boolean().optional(), limit: z.number().int().min(1).max(500).optional(),
  }).superRefine(span(93 * 86_400_000)),
]);
export type StatisticsQuery = z.infer<typeof StatisticsQuerySchema>;

/** The hub's query string for a query (every parameter the route accepts, nothing else). */
export function statisticsPath(q: StatisticsQuery): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (k !== 'kind' && v !== undefined) params.set(k, String(v));
  return `/api/stats/${q.kind}?${params.toString()}`;
}

// ───────── answers ─────────

const Rate = z.number().finite().nullable();
const StageFigureSchema = z.object({ n: z.number().int().nonnegative(), meanMinutes: z.number().nullable(), p90Minutes: z.number().nullable() });
/** A wall account gets a KPI subset of the counts and rates and no stages: all are partial here. */
export const FiguresSchema = z.object({
  counts: z.partialRecord(z.enum([...STAT_COUNTS, 'overdueNow']), z.number().int().nonnegative()),
  rates: z.partialRecord(z.enum(STAT_RATES), Rate),
  stages: z.partialRecord(z.enum(STAT_STAGES), StageFigureSchema).optional(),
  score: z.number().finite().nullable(),
});
export type Figures = z.infer<typeof FiguresSchema>;

export const AssessmentAnswerSchema = z.object({
  from: z.number().int(), to: z.number().int(), asOf: z.number().int(), groupBy: z.enum(ASSESSMENT_GROUPS),
  weights: z.record(z.string(), z.number()),
  groups: z.array(z.object({ key: z.string(), name: z.string().nullable(), figures: FiguresSchema })),
  total: FiguresSchema,
});
export type AssessmentAnswer = z.infer<typeof AssessmentAnswerSchema>;

const DemandGroupSchema = z.object({
  key: z.string(), name: z.string().nullable(), bigClass: z.object({ code: z.string(), name: z.string() }).nullable().optional(),
  count: z.number().int().nonnegative(), previous: z.number().int().nonnegative(), change: z.number().int(), changeRate: Rate,
});
export const DemandsAnswerSchema = z.object({
  from: z.number().int(), to: z.number().int(), previousFrom: z.number().int(), previousTo: z.number().int(), groupBy: z.enum(DEMAND_GROUPS),
  total: z.number().int().nonnegative(), previousTotal: z.number().int().nonnegative(), change: z.number().int(), changeRate: Rate,
  groups: z.array(DemandGroupSchema),
  hotspots: z.array(z.object({
    community: z.string(), name: z.string().nullable(), subdistrict: z.string(), count: z.number().int(), previous: z.number().int(), rise: z.number().int(), riseRate: Rate,
  })),
});
export type DemandsAnswer = z.infer<typeof DemandsAnswerSchema>;

export const DrillItemSchema = z.object({
  caseId: z.string(), department: z.string().nullable(), subdistrict: z.string(), community: z.string(), category: z.string(), at: z.number().int(),
  minutes: z.number().optional(),
});
export type DrillItem = z.infer<typeof DrillItemSchema>;
export const DrilldownAnswerSchema = z.object({
  figure: z.enum(DRILL_FIGURES), groupBy: z.string(), key: z.string().nullable(), from: z.number().int(), to: z.number().int(),
  total: z.number().int().nonnegative(), offset: z.number().int().nonnegative(), items: z.array(DrillItemSchema),
});
export type DrilldownAnswer = z.infer<typeof DrilldownAnswerSchema>;

export const RepeatsAnswerSchema = z.object({
  from: z.number().int(), to: z.number().int(), radius: z.number(),
  groups: z.array(z.object({
    center: z.tuple([z.number(), z.number()]), count: z.number().int(), categories: z.array(z.string()), communities: z.array(z.string()),
    first: z.number().int(), last: z.number().int(), caseIds: z.array(z.string()),
  })),
});
export type RepeatsAnswer = z.infer<typeof RepeatsAnswerSchema>;

export const STATISTICS_ANSWERS = {
  assessment: AssessmentAnswerSchema, demands: DemandsAnswerSchema, drilldown: DrilldownAnswerSchema, repeats: RepeatsAnswerSchema,
} as const;
export type StatisticsAnswer<K extends StatisticsQuery['kind']> = z.infer<(typeof STATISTICS_ANSWERS)[K]>;
/** Any of the four answers (which one follows from the query's kind). */
export const StatisticsResultSchema = z.union([AssessmentAnswerSchema, DemandsAnswerSchema, DrilldownAnswerSchema, RepeatsAnswerSchema]);
export type StatisticsResult = z.infer<typeof StatisticsResultSchema>;
