/**
 * Reports as the networks phrase them: a category the network typically sees, a point inside
 * a community (near the camera or the patrolling unit when there is one), and a Chinese address
 * and description from templates ("<community>附近<road>发现<category>").
 */
import type { Category } from '../../shared/domain/catalog';
import type { Camera, LngLat, ReportPayload, Source, Urgency } from '../../shared/protocol';
import { CATEGORY_WEIGHTS, PATROL_BACKGROUND_WEIGHT, REPORTERS, roadsOf, URBAN_WEIGHT } from './profiles';
import { offset } from './movement';
import type { Rng } from './random';
import type { Community, World } from './world';

/** Draws categories per network from the weights in profiles.ts, over what the catalog has. */
export class CategoryPicker {
  private readonly lists = new Map<string, Array<{ c: Category; w: number }>>();

  constructor(private readonly world: World) {
    for (const [source, weights] of Object.entries(CATEGORY_WEIGHTS)) {
      const list = Object.entries(weights).flatMap(([code, w]) => {
        const c = world.categories.get(code);
        return c ? [{ c, w }] : [];
      });
      if (source === 'patrol') {
        // Patrols see everything on the street now and then.
        for (const c of world.categories.values()) {
          if (/^0[6-9]/.test(c.code) && !weights[c.code]) list.push({ c, w: PATROL_BACKGROUND_WEIGHT });
        }
      }
      this.lists.set(source, list);
    }
  }

  pick(rng: Rng, source: Source): Category {
    const list = this.lists.get(source);
    if (list && list.length > 0) return rng.weighted(list, (x) => x.w).c;
    return rng.pick([...this.world.categories.values()]);
  }
}

/** Urgency from the levels the class offers: mostly normal, police referrals more often urgent. */
export function pickUrgency(rng: Rng, c: Category, source: Source, bias: { urgent: number; high: number } = { urgent: 0.04, high: 0.15 }): Urgency {
  const urgent = source === 'police' ? Math.max(bias.urgent, 0.2) : bias.urgent;
  const r = rng.float();
  if (r < urgent && c.urgencies.urgent) return 'urgent';
  if (r < urgent + bias.high && c.urgencies.high) return 'high';
  return 'normal';
}

/** Beijing-time stamp for work-order numbers: yyyyMMddHHmmss. */
export function stamp(t: number): string {
  return new Date(t + 8 * 3600_000).toISOString().replace(/\D/g, '').slice(0, 14);
}

export interface Draft { payload: ReportPayload; community: Community }

const SUFFIX: Partial<Record<Source, string>> = {
  hotline: '，市民来电反映，请尽快处置。',
  patrol: '，网格监督员巡查发现。',
  police: '，110非警务警情转办。',
  enforcement: '，执法队员巡查发现。',
};

/**
 * A report at `near` (a camera, a patrol's position) when given and inside the district,
 * otherwise at a point inside `community`, or inside one drawn by urban density.
 */
export function draftReport(rng: Rng, world: World, input: {
  source: Source; category: Category; urgency: Urgency; at: number;
  near?: LngLat | null; camera?: Camera | null; community?: Community | null; note?: string | undefined;
}): Draft | null {
  let point: LngLat | null = null;
  if (input.near) {
    const p = offset(input.near, rng.between(-30, 30), rng.between(-30, 30));
    if (world.inside(p)) point = p;
  }
  let community: Community | null = null;
  if (point) {
    community = world.communities.find((c) => c.code === world.regions.locate(point!).communityCode) ?? null;
  }
  if (!point || !community) {
    community = input.community ?? world.pickCommunity(rng, URBAN_WEIGHT);
    point = world.pointIn(rng, community);
  }
  if (!point) return null;
  const roads = roadsOf(community.subdistrict.name);
  const road = rng.pick(roads);
  const address = rng.chance(0.3)
    ? `闵行区${community.subdistrict.name}${road}与${rng.pick(roads.filter((r) => r !== road).concat(road))}交叉口`
    : `闵行区${community.subdistrict.name}${road}${rng.int(1, 2999)}号附近`;
  const what = `${community.name}附近${road}发现${input.category.name}`;
  const ref = `${stamp(input.at)}${String(rng.int(0, 9999)).padStart(4, '0')}`;
  const cam = input.camera;
  const byNetwork: Record<Source, { reporter: string | null; description: string; externalRef: string | null }> = {
    hotline: { reporter: rng.pick(REPORTERS.hotline!), description: `${what}${SUFFIX.hotline}`, externalRef: `hotline:GD${ref}` },
    patrol: { reporter: input.note ?? '网格监督员', description: `${what}${SUFFIX.patrol}`, externalRef: null },
    video: {
      reporter: cam ? `视频监控 ${cam.id}` : '视频监控',
      description: `视频智能分析告警：${what}（置信度 ${rng.int(72, 98)}%）${cam ? `，摄像机 ${cam.name}（${cam.id}）` : ''}`,
      externalRef: cam ? `video:AI-${cam.id}-${ref}` : null,
    },
    police: { reporter: REPORTERS.police![0]!, description: `${what}${SUFFIX.police}`, externalRef: `police:110-${ref}` },
    enforcement: { reporter: REPORTERS.enforcement![0]!, description: `${what}${SUFFIX.enforcement}`, externalRef: null },
    cap: { reporter: null, description: what, externalRef: null },
    officer: { reporter: null, description: what, externalRef: null },
    simulator: { reporter: null, description: what, externalRef: null },
  };
  const n = byNetwork[input.source];
  return {
    community,
    payload: {
      source: input.source, externalRef: n.externalRef, categoryCode: input.category.code, urgency: input.urgency,
      point, address, reporter: n.reporter, description: n.description, attachments: [],
    },
  };
}
