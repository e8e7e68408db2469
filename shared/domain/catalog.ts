/**
 * The event category catalog (事件分类, ARCHITECTURE §3): big class → small class, each small class
 * with its owning department, urgency levels and stage time limits. The rows are data
 * (resources/catalog/categories.json); this module only validates and looks them up.
 */
import { z } from 'zod';
import { DomainError } from './errors';

/** Owning bodies a small class may name; a deployment's department list must cover these. */
export const DEPARTMENT_CODES = [
  'police', 'enforcement', 'market', 'housing', 'greening', 'water', 'transport', 'environment',
  'emergency', 'fire', 'power', 'gas', 'construction', 'health', 'civil', 'hotline',
] as const;
export type DepartmentCode = (typeof DEPARTMENT_CODES)[number];

/** 紧急, 较急, 一般 — most urgent first. */
export const URGENCY_LEVELS = ['urgent', 'high', 'normal'] as const;
export type Urgency = (typeof URGENCY_LEVELS)[number];

export const CATALOG_SOURCES = ['GB/T 47678.5-2026', 'GB/T 30428.2-2013', 'local'] as const;

/** Natural time runs round the clock; working time only inside the calendar's working hours. */
export const TimeBasisSchema = z.enum(['natural', 'working']);
export type TimeBasis = z.infer<typeof TimeBasisSchema>;

// Editors may write short limits in minutes ("10 min" reads better than 0.1667 h); the loader
// hands everyone hours.
const TimeLimitSchema = z
  .union([
    z.strictObject({ hours: z.number().positive(), basis: TimeBasisSchema }),
    z.strictObject({ minutes: z.number().positive(), basis: TimeBasisSchema }),
  ])
  .transform((l) => ({ hours: 'hours' in l ? l.hours : l.minutes / 60, basis: l.basis }));
export type TimeLimit = z.output<typeof TimeLimitSchema>;

const StageLimitsSchema = z.strictObject({ dispatch: TimeLimitSchema, handling: TimeLimitSchema });
export type StageLimits = z.output<typeof StageLimitsSchema>;

const SmallClassSchema = z.strictObject({
  code: z.string().regex(/^\d{5}$/, 'a small class code has 5 digits'),
  name: z.string().min(1),
  nameEn: z.string().min(1),
  owner: z.enum(DEPARTMENT_CODES),
  source: z.enum(CATALOG_SOURCES),
  registerCondition: z.string().min(1).optional(),
  closeCondition: z.string().min(1).optional(),
  // `normal` is required so any case of the class can be timed when no urgency was chosen.
  urgencies: z.strictObject({
    urgent: StageLimitsSchema.optional(),
    high: StageLimitsSchema.optional(),
    normal: StageLimitsSchema,
  }),
  /** Where the handling figures come from: "local default" or "quoted: …". */
  limitsFrom: z.string().min(1),
});
export type SmallClass = z.output<typeof SmallClassSchema>;

const BigClassSchema = z.strictObject({
  code: z.string().regex(/^\d{2}$/, 'a big class code has 2 digits'),
  name: z.string().min(1),
  nameEn: z.string().min(1),
  smallClasses: z.array(SmallClassSchema).min(1),
});
export type BigClass = z.output<typeof BigClassSchema>;

export const CatalogSchema = z
  .strictObject({ version: z.string().min(1), source: z.string().min(1), bigClasses: z.array(BigClassSchema).min(1) })
  .superRefine((catalog, ctx) => {
    const seen = new Set<string>();
    for (const big of catalog.bigClasses) {
      for (const code of [big.code, ...big.smallClasses.map((s) => s.code)]) {
        if (seen.has(code)) ctx.addIssue({ code: 'custom', message: `duplicate code ${code}` });
        seen.add(code);
      }
      for (const small of big.smallClasses) {
        if (!small.code.startsWith(big.code)) {
          ctx.addIssue({ code: 'custom', message: `small class ${small.code} is not under big class ${big.code}` });
        }
      }
    }
  });
export type CatalogData = z.output<typeof CatalogSchema>;

/** A small class with the big class it belongs to, as the queue and the forms show it. */
export interface Category extends SmallClass {
  bigClass: { code: string; name: string; nameEn: string };
}

export interface Catalog {
  readonly version: string;
  readonly bigClasses: readonly BigClass[];
  readonly categories: readonly Category[];
  /** @throws DomainError 'unknown_category' */
  category(code: string): Category;
  /** @throws DomainError 'unknown_category' | 'unknown_urgency' (not a level, or not offered by the class) */
  urgency(code: string, level: string): StageLimits;
}

export function isUrgency(level: string): level is Urgency {
  return (URGENCY_LEVELS as readonly string[]).includes(level);
}

/** Validates catalog JSON (already parsed) and indexes it by small-class code. */
export function parseCatalog(json: unknown): Catalog {
  const parsed = CatalogSchema.safeParse(json);
  if (!parsed.success) {
    // An unknown owner is the one mistake a deployment makes when renaming departments: say so.
    const badOwner = parsed.error.issues.some((i) => i.path.at(-1) === 'owner');
    throw new DomainError(badOwner ? 'unknown_department' : 'invalid_input', `category catalog: ${z.prettifyError(parsed.error)}`);
  }
  const data = parsed.data;
  const byCode = new Map<string, Category>();
  for (const { smallClasses, ...big } of data.bigClasses) {
    for (const small of smallClasses) byCode.set(small.code, { ...small, bigClass: big });
  }
  const category = (code: string): Category => {
    const found = byCode.get(code);
    if (!found) throw new DomainError('unknown_category', `no small class ${code} in the catalog`);
    return found;
  };
  return {
    version: data.version,
    bigClasses: data.bigClasses,
    categories: [...byCode.values()],
    category,
    urgency(code, level) {
      const { urgencies } = category(code);
      const limits = isUrgency(level) ? urgencies[level] : undefined;
      if (!limits) throw new DomainError('unknown_urgency', `category ${code} has no urgency level "${level}"`);
      return limits;
    },
  };
}
