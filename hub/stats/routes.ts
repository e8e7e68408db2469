/**
 * Statistics over HTTP, `Authorization: Bearer <token>` (a login session):
 *
 *   GET /api/stats/assessment?from&to&groupBy=department|subdistrict
 *   GET /api/stats/demands?from&to&groupBy=category|bigClass|subdistrict|community|source|hour[&top]
 *   GET /api/stats/drilldown?figure&groupBy&key&from&to[&limit&offset]
 *   GET /api/stats/repeats?from&to[&radius&min&sameCategory&limit]
 *
 * `from`/`to` bound the period [from, to): a date YYYY-MM-DD (Beijing midnight), an ISO date-time
 * with its offset, or epoch ms. Roles: supervisor, coordinator, officer and admin read everything
 * in their scope; the wall reads the assessment's KPI subset and the demand counts (no case ids);
 * a liaison reads none of it. A user scoped to subdistricts sees only cases there. Every
 * parameter is checked; anything else is 400 `{code: 'invalid_input', message}`.
 */
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import { z } from 'zod';
import type { HubCore } from '../core';
import { bearer, parseQuery, send, type Route } from '../transport/http';
import { DomainError } from '../../shared/domain/errors';
import { LOCAL_OFFSET_MS, type Figures } from '../../shared/domain/assessment';
import { SOURCES, type User } from '../../shared/protocol';
import { StatsStore } from './store';
import { loadNames } from './names';
import { loadStatsConfig } from './config';
import {
  ASSESSMENT_GROUPINGS, DEMAND_GROUPINGS, DRILL_FIGURES, StatsQueries, type AssessmentGroup, type AssessmentResult, type Scope,
} from './query';

const FULL_ROLES = new Set<User['role']>(['supervisor', 'coordinator', 'officer', 'admin']);
const MAX_SPAN_MS = 3660 * 86_400_000;
const MAX_REPEAT_SPAN_MS = 93 * 86_400_000;

export interface Stats { store: StatsStore; queries: StatsQueries }
const attached = new WeakMap<HubCore, Stats>();

/** The statistics of a hub: facts caught up with the log and kept current from now on. */
export function attachStats(core: HubCore): Stats {
  let s = attached.get(core);
  if (s) return s;
  const { weights } = loadStatsConfig(core.db.name && core.db.name !== ':memory:' ? path.dirname(core.db.name) : null);
  const store = new StatsStore(core);
  store.start();
  s = { store, queries: new StatsQueries(core.db, loadNames(), weights, core.clock) };
  attached.set(core, s);
  return s;
}

// ───────── parameters ─────────

/** A date (Beijing midnight), an ISO date-time with offset, or epoch ms. */
export function parseInstant(s: string): number | null {
  if (/^\d{1,15}$/.test(s)) return Number(s);
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (d) {
    const ms = Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]));
    return new Date(ms).toISOString().slice(0, 10) === s ? ms - LOCAL_OFFSET_MS : null;
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$/.test(s)) {
    const ms = Date.parse(s);
    return Number.isFinite(ms) ? ms : null;
  }
  return null;
}

const Instant = z.string().max(40).transform((s, ctx) => {
  const ms = parseInstant(s);
  if (ms === null) {
    ctx.addIssue({ code: 'custom', message: 'expected a date YYYY-MM-DD, an ISO date-time with offset, or epoch ms' });
    return z.NEVER;
  }
  return ms;
});
const int = (min: number, max: number, dflt: number) => z.string().regex(/^\d{1,9}$/, 'expected a whole number').transform(Number).pipe(z.number().int().min(min).max(max)).default(dflt);

const period = (max: number) => (p: { from?: number; to?: number }, ctx: z.RefinementCtx) => {
  if (p.from === undefined || p.to === undefined) return;
  if (p.to <= p.from) ctx.addIssue({ code: 'custom', path: ['to'], message: '`to` must be after `from`' });
  else if (p.to - p.from > max) ctx.addIssue({ code: 'custom', path: ['to'], message: `the period may be at most ${Math.round(max / 86_400_000)} days` });
};

const AssessmentQuery = z.strictObject({ from: Instant, to: Instant, groupBy: z.enum(ASSESSMENT_GROUPINGS).default('department') }).superRefine(period(MAX_SPAN_MS));
const DemandQuery = z.strictObject({ from: Instant, to: Instant, groupBy: z.enum(DEMAND_GROUPINGS).default('category'), top: int(1, 100, 10) }).superRefine(period(MAX_SPAN_MS));
const RepeatQuery = z.strictObject({
  from: Instant, to: Instant, radius: int(10, 1000, 100), min: int(2, 1000, 2), limit: int(1, 500, 100),
  sameCategory: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
}).superRefine(period(MAX_REPEAT_SPAN_MS));

/** What a key looks like in each grouping. */
const KEY_FORMAT: Record<string, RegExp> = {
  department: /^[a-z][a-z0-9-]{0,63}$/, subdistrict: /^\d{9}$/, community: /^\d{12}$/, category: /^\d{5}$/, bigClass: /^\d{2}$/,
  source: new RegExp(`^(?:${SOURCES.join('|')})$`), hour: /^(?:[0-9]|1[0-9]|2[0-3])$/,
};
const DrillQuery = z.strictObject({
  figure: z.enum(DRILL_FIGURES),
  groupBy: z.enum([...ASSESSMENT_GROUPINGS, ...DEMAND_GROUPINGS.filter((g) => g !== 'subdistrict')]).default('subdistrict'),
  key: z.string().max(64).optional(),
  from: Instant.optional(), to: Instant.optional(),
  limit: int(1, 5000, 500), offset: int(0, 10_000_000, 0),
}).superRefine((q, ctx) => {
  if (q.key !== undefined && !KEY_FORMAT[q.groupBy]!.test(q.key)) ctx.addIssue({ code: 'custom', path: ['key'], message: `not a ${q.groupBy} key` });
  if (q.figure !== 'overdueNow' && (q.from === undefined || q.to === undefined)) ctx.addIssue({ code: 'custom', path: ['from'], message: '`from` and `to` are required' });
  period(MAX_SPAN_MS)(q, ctx);
});

// ───────── access ─────────

async function who(core: HubCore, req: IncomingMessage, allowWall: boolean): Promise<{ user: User; scope: Scope }> {
  const user = await core.users.authenticate(bearer(req));
  if (!user) throw new DomainError('unauthenticated', 'a valid session token is required (Authorization: Bearer <token>)');
  if (!FULL_ROLES.has(user.role) && !(allowWall && user.role === 'wall')) throw new DomainError('forbidden', `role ${user.role} may not read these statistics`);
  return { user, scope: user.subdistricts.length ? user.subdistricts : null };
}

/** The wall's figures: the KPIs it shows, nothing to identify a case by. */
function kpi(f: Figures) {
  const { received, closed, due, overdueNow } = f.counts;
  const { closure, onTimeClosure, return: returnRate, rework } = f.rates;
  return { counts: { received, closed, due, overdueNow }, rates: { closure, onTimeClosure, return: returnRate, rework }, score: f.score };
}

function forWall(r: AssessmentResult) {
  return { ...r, groups: r.groups.map((g: AssessmentGroup) => ({ key: g.key, name: g.name, figures: kpi(g.figures) })), total: kpi(r.total) };
}

export function statsRoutes(core: HubCore): Map<string, Route> {
  const { store, queries } = attachStats(core);
  const routes = new Map<string, Route>();

  routes.set('GET /api/stats/assessment', async (req, res, url) => {
    const { user, scope } = await who(core, req, true);
    const q = parseQuery(AssessmentQuery, url);
    store.flush();
    const r = queries.assessment({ ...q, scope });
    send(res, 200, user.role === 'wall' ? forWall(r) : r);
  });

  routes.set('GET /api/stats/demands', async (req, res, url) => {
    const { scope } = await who(core, req, true);
    const q = parseQuery(DemandQuery, url);
    store.flush();
    send(res, 200, queries.demands({ ...q, scope }));
  });

  routes.set('GET /api/stats/repeats', async (req, res, url) => {
    const { scope } = await who(core, req, false);
    const q = parseQuery(RepeatQuery, url);
    store.flush();
    send(res, 200, queries.repeats({ ...q, scope }));
  });

  routes.set('GET /api/stats/drilldown', async (req, res, url) => {
    const { scope } = await who(core, req, false);
    const q = parseQuery(DrillQuery, url);
    const key = q.key ?? null;
    if (scope && key !== null && (q.groupBy === 'subdistrict' || q.groupBy === 'community') && !scope.includes(key.slice(0, 9))) {
      throw new DomainError('out_of_scope', `${q.groupBy} ${key} is outside your scope`);
    }
    store.flush();
    send(res, 200, queries.drilldown({ figure: q.figure, groupBy: q.groupBy, key, from: q.from ?? 0, to: q.to ?? 0, scope, limit: q.limit, offset: q.offset }));
  });

  return routes;
}
