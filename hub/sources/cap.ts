/**
 * CAP 1.2 alerts (OASIS Common Alerting Protocol; GB/T 35965.1 is its Chinese counterpart) from
 * the meteorological and emergency warning networks. An alert either becomes one case, is an
 * advisory (returned to the sender, no case), notes an update on the case it updates, or is
 * skipped with a reason. The rules are the tables below: data, not code.
 */
import { z } from 'zod';
import type { LngLat, Urgency } from '../../shared/protocol';
import { childrenNamed, childText, parseXml, XmlError, type XmlElement } from './xml';
import { parseTime } from './fields';
import type { Draft } from './ingest';

export const CAP_NS = 'urn:oasis:names:tc:emergency:cap:1.2';

// ── Rule table ──────────────────────────────────────────────────────────────────────────────
/**
 * How a CAP alert is treated, in order:
 * 1. `status`: only Actual alerts are acted on; Exercise, System, Test and Draft are skipped.
 * 2. `msgType`: Ack and Error are skipped. An Update or Cancel whose `references` name an alert
 *    that is already a case is noted on that case (a comment) instead of making a new one; a
 *    Cancel of anything else is skipped; an Update of an alert that is not a case is judged
 *    like a new alert (a warning upgraded from Moderate to Severe becomes a case then).
 * 3. Area: an <info> whose area geometry does not reach the district is skipped.
 * 4. `severity` (CAP_SEVERITY) and `event` (CAP_EVENT_RULES, matched against event and
 *    headline): Extreme/Severe weather of a listed kind → a case of the row's category with
 *    urgency CAP_CASE_URGENCY, located at the area's centroid, or at DISTRICT_SEAT when the
 *    centroid lies outside the district (or the area has no geometry). Moderate/Minor/Unknown,
 *    or an event no row names → an advisory, returned in the response.
 * Of several <info> blocks (languages), the first Chinese one that makes a case wins, then any
 * that makes a case, then the first advisory. One alert makes at most one case.
 */
export const CAP_STATUS: Readonly<Record<CapStatus, string | null>> = {
  Actual: null,
  Exercise: 'status Exercise: an exercise, not an actual alert',
  System: 'status System: a system message, not an alert',
  Test: 'status Test: a test message, not an actual alert',
  Draft: 'status Draft: a draft, not an issued alert',
};

export const CAP_SEVERITY: Readonly<Record<CapSeverity, 'case' | 'advisory'>> = {
  Extreme: 'case', Severe: 'case', Moderate: 'advisory', Minor: 'advisory', Unknown: 'advisory',
};

/**
 * Weather events that become cases. Category 90013 is 防汛防台险情 (flood and typhoon hazard)
 * of the local emergency extension class in resources/catalog/categories.json.
 */
export const CAP_EVENT_RULES: ReadonlyArray<{ name: string; match: RegExp; categoryCode: string }> = [
  { name: 'typhoon', match: /台风|热带(风暴|气旋|低压)|typhoon|tropical\s*(storm|cyclone|depression)|hurricane/i, categoryCode: '90013' },
  { name: 'rainstorm', match: /暴雨|大暴雨|rainstorm|heavy\s*rain|torrential/i, categoryCode: '90013' },
  { name: 'flood', match: /洪水|洪涝|内涝|积涝|风暴潮|高潮位|flood|storm\s*surge|waterlogging/i, categoryCode: '90013' },
];

export const CAP_CASE_URGENCY: Urgency = 'urgent';

/** 闵行区人民政府 (沪闵路6258号, 莘庄): where a district-wide warning is placed on the map. */
export const DISTRICT_SEAT: LngLat = [121.3817, 31.1129];

// ── Shape ───────────────────────────────────────────────────────────────────────────────────
const STATUSES = ['Actual', 'Exercise', 'System', 'Test', 'Draft'] as const;
const MSG_TYPES = ['Alert', 'Update', 'Cancel', 'Ack', 'Error'] as const;
const SEVERITIES = ['Extreme', 'Severe', 'Moderate', 'Minor', 'Unknown'] as const;
const URGENCIES = ['Immediate', 'Expected', 'Future', 'Past', 'Unknown'] as const;
const CERTAINTIES = ['Observed', 'Likely', 'Possible', 'Unlikely', 'Unknown'] as const;
type CapStatus = (typeof STATUSES)[number];
type CapSeverity = (typeof SEVERITIES)[number];

const pair = (s: string): LngLat | null => {
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$/.exec(s);
  if (!m) return null;
  const la = Number(m[1]), lo = Number(m[2]);
  return Math.abs(la) <= 90 && Math.abs(lo) <= 180 ? [lo, la] : null;
};

/** CAP polygon: `lat,lon lat,lon …`, at least 4 pairs, first equal to last. */
const Polygon = z.string().transform((s, ctx) => {
  const pts = s.trim().split(/\s+/).map(pair);
  if (pts.some((p) => p === null) || pts.length < 4) {
    ctx.addIssue({ code: 'custom', message: 'a polygon is at least 4 "lat,lon" pairs (WGS 84)' });
    return z.NEVER;
  }
  const ring = pts as LngLat[];
  const [f, l] = [ring[0]!, ring[ring.length - 1]!];
  if (f[0] !== l[0] || f[1] !== l[1]) {
    ctx.addIssue({ code: 'custom', message: 'a polygon must end where it starts' });
    return z.NEVER;
  }
  return ring;
});

/** CAP circle: `lat,lon radius` with the radius in kilometres. */
const Circle = z.string().transform((s, ctx) => {
  const m = /^\s*(\S+)\s+(\d+(?:\.\d+)?)\s*$/.exec(s);
  const center = m ? pair(m[1]!) : null;
  if (!m || !center) {
    ctx.addIssue({ code: 'custom', message: 'a circle is "lat,lon radius-km"' });
    return z.NEVER;
  }
  return { center, radiusKm: Number(m[2]) };
});

const Area = z.object({
  areaDesc: z.string().min(1).max(1000),
  polygons: z.array(Polygon).max(100),
  circles: z.array(Circle).max(100),
});

const Info = z.object({
  language: z.string().max(20).default('en-US'),
  categories: z.array(z.string()).min(1, 'an info needs at least one category'),
  event: z.string().min(1).max(300),
  urgency: z.enum(URGENCIES),
  severity: z.enum(SEVERITIES),
  certainty: z.preprocess((v) => (v === 'Very Likely' ? 'Likely' : v), z.enum(CERTAINTIES)),
  senderName: z.string().max(200).optional(),
  headline: z.string().max(500).optional(),
  description: z.string().max(8000).optional(),
  instruction: z.string().max(4000).optional(),
  areas: z.array(Area).max(50),
});
export type CapInfo = z.infer<typeof Info>;

const Alert = z.object({
  identifier: z.string().min(1).max(96).regex(/^[^\s,<&]+$/, 'no spaces, commas, < or &'),
  sender: z.string().min(1).max(200).regex(/^[^\s,<&]+$/, 'no spaces, commas, < or &'),
  sent: z.string().transform((s, ctx) => {
    const ms = /(?:Z|[+-]\d{2}:\d{2})$/.test(s) ? parseTime(s) : null;
    if (ms === null) {
      ctx.addIssue({ code: 'custom', message: 'sent must be a time with zone, e.g. 2026-07-28T10:00:00+08:00' });
      return z.NEVER;
    }
    return ms;
  }),
  status: z.enum(STATUSES),
  msgType: z.enum(MSG_TYPES),
  /** `sender,identifier,sent` triples; only the identifiers matter here. */
  references: z.array(z.string()),
  infos: z.array(Info).max(20),
});
export type CapAlert = z.infer<typeof Alert>;

/** The body is not a CAP 1.2 alert at all (400), as opposed to an alert with bad fields (a rejected record). */
export class NotCapError extends Error {}

/** Reads a CAP document. Throws NotCapError for malformed XML or another root element. */
export function readCap(xml: string): { ok: true; alert: CapAlert } | { ok: false; identifier?: string; message: string } {
  let root: XmlElement;
  try {
    root = parseXml(xml);
  } catch (e) {
    if (e instanceof XmlError) throw new NotCapError(`malformed XML: ${e.message}`);
    throw e;
  }
  if (root.name !== 'alert' || root.ns !== CAP_NS) {
    throw new NotCapError(`the root element is {${root.ns}}${root.name}, not a CAP 1.2 alert (${CAP_NS})`);
  }
  const t = (el: XmlElement, n: string) => childText(el, CAP_NS, n);
  const all = (el: XmlElement, n: string) => childrenNamed(el, CAP_NS, n).map((c) => c.text.trim()).filter(Boolean);
  const raw = {
    identifier: t(root, 'identifier'),
    sender: t(root, 'sender'),
    sent: t(root, 'sent'),
    status: t(root, 'status'),
    msgType: t(root, 'msgType'),
    references: (t(root, 'references') ?? '').split(/\s+/).filter(Boolean),
    infos: childrenNamed(root, CAP_NS, 'info').map((info) => ({
      language: t(info, 'language'),
      categories: all(info, 'category'),
      event: t(info, 'event'),
      urgency: t(info, 'urgency'),
      severity: t(info, 'severity'),
      certainty: t(info, 'certainty'),
      senderName: t(info, 'senderName'),
      headline: t(info, 'headline'),
      description: t(info, 'description'),
      instruction: t(info, 'instruction'),
      areas: childrenNamed(info, CAP_NS, 'area').map((a) => ({ areaDesc: t(a, 'areaDesc'), polygons: all(a, 'polygon'), circles: all(a, 'circle') })),
    })),
  };
  const parsed = Alert.safeParse(raw);
  if (!parsed.success) {
    const message = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(alert)'}: ${i.message}`).join('; ');
    return { ok: false, ...(raw.identifier ? { identifier: raw.identifier.slice(0, 96) } : {}), message };
  }
  return { ok: true, alert: parsed.data };
}

/** Identifiers named in `references` (`sender,identifier,sent` each). */
export function referencedIds(alert: CapAlert): string[] {
  return alert.references.map((r) => r.split(',')[1] ?? '').filter(Boolean);
}

// ── Geometry ────────────────────────────────────────────────────────────────────────────────
function inRing(ring: readonly LngLat[], [x, y]: LngLat): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!, [xj, yj] = ring[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

const KM_PER_DEG = 111.32;

function inCircle(c: { center: LngLat; radiusKm: number }, p: LngLat): boolean {
  const dx = (p[0] - c.center[0]) * KM_PER_DEG * Math.cos((c.center[1] * Math.PI) / 180);
  const dy = (p[1] - c.center[1]) * KM_PER_DEG;
  return dx * dx + dy * dy <= c.radiusKm * c.radiusKm;
}

/** Area-weighted centroid of the polygons (shoelace), with circles weighted by their area. */
export function areaCentroid(areas: CapInfo['areas']): LngLat | null {
  let sx = 0, sy = 0, sw = 0;
  for (const a of areas) {
    for (const ring of a.polygons) {
      let A = 0, cx = 0, cy = 0;
      for (let i = 0; i < ring.length - 1; i++) {
        const [x0, y0] = ring[i]!, [x1, y1] = ring[i + 1]!;
        const cross = x0 * y1 - x1 * y0;
        A += cross;
        cx += (x0 + x1) * cross;
        cy += (y0 + y1) * cross;
      }
      if (Math.abs(A) < 1e-12) {
        // Degenerate ring: the mean of its vertices, with a token weight.
        const n = ring.length - 1;
        sx += (ring.slice(0, n).reduce((s, p) => s + p[0], 0) / n) * 1e-9;
        sy += (ring.slice(0, n).reduce((s, p) => s + p[1], 0) / n) * 1e-9;
        sw += 1e-9;
        continue;
      }
      const w = Math.abs(A / 2);
      sx += (cx / (3 * A)) * w;
      sy += (cy / (3 * A)) * w;
      sw += w;
    }
    for (const c of a.circles) {
      const w = Math.max(Math.PI * (c.radiusKm / KM_PER_DEG) ** 2, 1e-9);
      sx += c.center[0] * w;
      sy += c.center[1] * w;
      sw += w;
    }
  }
  return sw > 0 ? [sx / sw, sy / sw] : null;
}

/** Points spread over the areas: vertices, centres and a grid inside each shape. */
function samples(areas: CapInfo['areas']): LngLat[] {
  const out: LngLat[] = [];
  const N = 16;
  for (const a of areas) {
    for (const ring of a.polygons) {
      out.push(...ring);
      let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
      for (const [x, y] of ring) { x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x); y1 = Math.max(y1, y); }
      for (let i = 0; i <= N; i++) for (let j = 0; j <= N; j++) {
        const p: LngLat = [x0 + ((x1 - x0) * i) / N, y0 + ((y1 - y0) * j) / N];
        if (inRing(ring, p)) out.push(p);
      }
    }
    for (const c of a.circles) {
      out.push(c.center);
      const dLat = c.radiusKm / KM_PER_DEG, dLng = dLat / Math.max(0.01, Math.cos((c.center[1] * Math.PI) / 180));
      for (let i = -N / 2; i <= N / 2; i++) for (let j = -N / 2; j <= N / 2; j++) {
        const p: LngLat = [c.center[0] + (dLng * i * 2) / N, c.center[1] + (dLat * j * 2) / N];
        if (inCircle(c, p)) out.push(p);
      }
    }
  }
  return out;
}

const hasGeometry = (areas: CapInfo['areas']) => areas.some((a) => a.polygons.length > 0 || a.circles.length > 0);

/** Whether the info's area reaches the district: the seat lies inside it, or a sample point lies in the district. */
function reachesDistrict(areas: CapInfo['areas'], inDistrict: (p: LngLat) => boolean): boolean {
  if (!hasGeometry(areas)) return true; // no geometry: the feed is the district's own subscription
  if (areas.some((a) => a.polygons.some((r) => inRing(r, DISTRICT_SEAT)) || a.circles.some((c) => inCircle(c, DISTRICT_SEAT)))) return true;
  return samples(areas).some(inDistrict);
}

// ── Decision ────────────────────────────────────────────────────────────────────────────────
const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const isChinese = (info: CapInfo) => /^zh/i.test(info.language);

function ruleFor(info: CapInfo) {
  const hay = `${info.event} ${info.headline ?? ''}`;
  return CAP_EVENT_RULES.find((r) => r.match.test(hay)) ?? null;
}

/**
 * What the alert becomes. `caseOf` finds the case an earlier alert became (by identifier);
 * `inDistrict` tells whether a point lies in the district.
 */
export function decideCap(alert: CapAlert, caseOf: (identifier: string) => string | null, inDistrict: (p: LngLat) => boolean): Draft {
  const ref = alert.identifier;
  const statusReason = CAP_STATUS[alert.status];
  if (statusReason) return { kind: 'skip', ref, reason: statusReason };
  if (alert.msgType === 'Ack' || alert.msgType === 'Error') return { kind: 'skip', ref, reason: `msgType ${alert.msgType}: not an alert` };

  const first = alert.infos.find(isChinese) ?? alert.infos[0];
  if (alert.msgType === 'Update' || alert.msgType === 'Cancel') {
    const earlier = referencedIds(alert).map((id) => caseOf(id)).find((c) => c !== null);
    if (earlier) {
      const what = alert.msgType === 'Cancel' ? '预警解除/取消' : '预警更新';
      const detail = first ? `${first.headline ?? first.event}（${first.severity}/${first.urgency}/${first.certainty}）` : '';
      return {
        kind: 'note', ref, caseId: earlier, text: clip(`${what}（CAP ${alert.identifier}）：${detail}`, 2000),
        reason: `${alert.msgType} of an alert that is already case ${earlier}: noted on the case`,
      };
    }
    if (alert.msgType === 'Cancel') return { kind: 'skip', ref, reason: 'Cancel of an alert that did not become a case' };
  }
  if (alert.infos.length === 0) return { kind: 'skip', ref, reason: 'the alert has no <info> block' };

  const relevant = alert.infos.filter((info) => reachesDistrict(info.areas, inDistrict));
  if (relevant.length === 0) return { kind: 'skip', ref, reason: 'the alert area does not reach the district' };

  const candidates = relevant.filter((info) => CAP_SEVERITY[info.severity] === 'case' && ruleFor(info));
  const chosen = candidates.find(isChinese) ?? candidates[0];
  if (!chosen) {
    const info = relevant.find(isChinese) ?? relevant[0]!;
    const reason = CAP_SEVERITY[info.severity] === 'advisory'
      ? `severity ${info.severity}: advisory, no case`
      : `no case rule for event "${info.event}": advisory, no case`;
    return {
      kind: 'advisory',
      advisory: {
        externalRef: ref, event: info.event, severity: info.severity, urgency: info.urgency,
        headline: info.headline ?? null, areaDesc: info.areas.map((a) => a.areaDesc).join('；') || null, reason,
      },
    };
  }

  const rule = ruleFor(chosen)!;
  const centroid = areaCentroid(chosen.areas);
  const atCentroid = centroid !== null && inDistrict(centroid);
  const point: LngLat = atCentroid ? [round6(centroid[0]), round6(centroid[1])] : DISTRICT_SEAT;
  const areaDesc = chosen.areas.map((a) => a.areaDesc).join('；');
  const lines = [
    `【预警 ${chosen.event}】${chosen.headline ?? ''}`.trim(),
    chosen.description ?? '',
    chosen.instruction ? `防御指引：${chosen.instruction}` : '',
    areaDesc ? `预警区域：${areaDesc}` : '',
    `发布：${chosen.senderName ?? alert.sender}，${new Date(alert.sent).toISOString()}；${chosen.severity}/${chosen.urgency}/${chosen.certainty}；CAP ${alert.identifier}`,
    atCentroid ? '定位：预警区域中心' : '定位：区政府（预警区域中心不在本区内或未给出）',
  ].filter(Boolean);
  return {
    kind: 'report', ref,
    report: {
      categoryCode: rule.categoryCode, urgency: CAP_CASE_URGENCY, point,
      address: clip(areaDesc || '闵行区', 300), reporter: clip(chosen.senderName ?? alert.sender, 100),
      description: clip(lines.join('\n'), 4000), attachments: [], reportedAt: alert.sent,
    },
  };
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

