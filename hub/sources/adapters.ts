/**
 * The networks' record shapes and how each becomes a report. Every record is checked with zod;
 * what the hub must judge (category known to the catalog, point inside the district) is left
 * to the hub's rules so there is one answer for every path.
 */
import { z } from 'zod';
import type { HubCore } from '../core';
import { LngLatSchema, type Urgency } from '../../shared/protocol';
import { category, describeIssues, httpUrl, lat, lng, optLat, optLng, optText, optTime, optUrgency, ref, text, time, urgency } from './fields';
import type { Draft } from './ingest';

const reject = (message: string, r?: unknown): Draft => ({
  kind: 'reject', code: 'invalid_input', message,
  ref: typeof r === 'string' || typeof r === 'number' ? String(r).slice(0, 64) : undefined,
});

/** Parses with a schema; a failure is a rejected record naming the fields. */
function withSchema<S extends z.ZodType>(schema: S, raw: unknown, refField: string, build: (v: z.output<S>) => Draft): Draft {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return reject('a record must be an object');
  const parsed = schema.safeParse(raw);
  if (!parsed.success) return reject(describeIssues(parsed.error), (raw as Record<string, unknown>)[refField]);
  return build(parsed.data);
}

// ── 12345 hotline work orders ────────────────────────────────────────────────────────────────

export const HOTLINE_FIELDS = ['orderNo', 'category', 'urgency', 'lng', 'lat', 'address', 'caller', 'content', 'receivedAt'] as const;

export const HotlineOrder = z.object({
  orderNo: ref,
  category,
  urgency: optUrgency,
  lng,
  lat,
  address: text(300),
  caller: optText(100),
  content: text(4000),
  receivedAt: time,
});

export function hotlineDraft(raw: unknown): Draft {
  return withSchema(HotlineOrder, raw, 'orderNo', (o) => ({
    kind: 'report', ref: o.orderNo,
    report: {
      categoryCode: o.category, urgency: o.urgency ?? 'normal', point: [o.lng, o.lat], address: o.address,
      reporter: o.caller ?? null, description: o.content, attachments: [], reportedAt: o.receivedAt,
    },
  }));
}

// ── Field patrol (网格巡查) ──────────────────────────────────────────────────────────────────

const Photo = z.object({
  name: text(200),
  mime: z.string().trim().regex(/^(image|video)\/[\w.+-]+$/, 'an image/* or video/* type'),
  size: z.number().int().nonnegative().max(50 * 1024 * 1024),
  url: httpUrl,
});

export const PatrolReport = z.object({
  reportId: ref.pipe(z.string().max(56)),
  patrolUnit: optText(100),
  category,
  urgency: optUrgency,
  lng,
  lat,
  address: optText(300),
  text: text(4000),
  photos: z.array(Photo).max(20).optional(),
  at: optTime,
});

export function patrolDraft(raw: unknown): Draft {
  return withSchema(PatrolReport, raw, 'reportId', (p) => ({
    kind: 'report', ref: p.reportId,
    report: {
      categoryCode: p.category, urgency: p.urgency ?? 'normal', point: [p.lng, p.lat], address: p.address ?? '',
      reporter: p.patrolUnit ?? null, description: p.text,
      attachments: (p.photos ?? []).map((ph, i) => ({ id: `${p.reportId}-p${i + 1}`, name: ph.name, mime: ph.mime, size: ph.size, url: ph.url })),
      reportedAt: p.at,
    },
  }));
}

// ── 110 police referrals (联动) ─────────────────────────────────────────────────────────────

export const PoliceReferral = z.object({
  referralNo: ref,
  category,
  urgency,
  lng,
  lat,
  address: text(300),
  summary: text(4000),
  at: time,
});

export function policeDraft(raw: unknown): Draft {
  return withSchema(PoliceReferral, raw, 'referralNo', (p) => ({
    kind: 'report', ref: p.referralNo,
    report: {
      categoryCode: p.category, urgency: p.urgency, point: [p.lng, p.lat], address: p.address,
      reporter: '110联动', description: p.summary, attachments: [], reportedAt: p.at,
    },
  }));
}

// ── Video AI alarms ─────────────────────────────────────────────────────────────────────────

/**
 * Video-AI algorithm → catalog small class and urgency. Data, not logic: a deployment adds the
 * algorithms its analytics platform runs. Codes are GB/T 47678.5-2026 event classes or the
 * local emergency extension (90xxx) of resources/catalog/categories.json.
 */
export const VIDEO_ALGORITHMS: Readonly<Record<string, { categoryCode: string; urgency: Urgency; name: string }>> = {
  occupy_road: { categoryCode: '09006', urgency: 'normal', name: '占道经营' },
  outside_store: { categoryCode: '09005', urgency: 'normal', name: '店外经营' },
  street_vendor: { categoryCode: '09001', urgency: 'normal', name: '无照经营游商' },
  garbage: { categoryCode: '06010', urgency: 'normal', name: '暴露垃圾' },
  illegal_parking: { categoryCode: '09009', urgency: 'normal', name: '机动车乱停放' },
  bike_parking: { categoryCode: '09010', urgency: 'normal', name: '非机动车乱停放' },
  fire_lane: { categoryCode: '09012', urgency: 'high', name: '占用消防通道' },
  ponding: { categoryCode: '90001', urgency: 'high', name: '道路积水' },
  fire_smoke: { categoryCode: '90004', urgency: 'urgent', name: '火灾（烟火）' },
};

/** Alarms below this confidence are recorded as skipped, not turned into cases (false alarms cost officers' time). */
export const VIDEO_MIN_CONFIDENCE = 0.6;

export const VideoAlarm = z.object({
  alarmId: ref,
  cameraId: z.string().trim().min(1).max(64),
  algorithm: z.string().trim().min(1).max(64),
  confidence: z.number().min(0).max(1),
  lng: optLng,
  lat: optLat,
  at: time,
  snapshotUrl: httpUrl.optional(),
}).refine((a) => (a.lng === undefined) === (a.lat === undefined), { message: 'give both lng and lat, or neither', path: ['lng'] });

/** What an alarm needs of the camera row (the `cameras` table's state JSON). */
const CameraPoint = z.object({ point: LngLatSchema, name: z.string().max(100).default('') });

export function videoDraft(core: HubCore, raw: unknown): Draft {
  return withSchema(VideoAlarm, raw, 'alarmId', (a) => {
    const algo = VIDEO_ALGORITHMS[a.algorithm];
    if (!algo) return { kind: 'reject', ref: a.alarmId, code: 'unknown_category', message: `algorithm ${a.algorithm} maps to no category (known: ${Object.keys(VIDEO_ALGORITHMS).join(', ')})` };
    if (a.confidence < VIDEO_MIN_CONFIDENCE) {
      return { kind: 'skip', ref: a.alarmId, reason: `confidence ${a.confidence} below the threshold ${VIDEO_MIN_CONFIDENCE}` };
    }
    const row = core.db.prepare('SELECT state FROM cameras WHERE id = ?').get(a.cameraId) as { state: string } | undefined;
    const camera = row ? CameraPoint.safeParse(JSON.parse(row.state)) : null;
    const cam = camera?.success ? camera.data : null;
    const point = a.lng !== undefined && a.lat !== undefined ? [a.lng, a.lat] as [number, number] : cam?.point;
    if (!point) return { kind: 'reject', ref: a.alarmId, code: 'not_found', message: `camera ${a.cameraId} is not registered and the alarm carries no point` };
    const pct = Math.round(a.confidence * 100);
    return {
      kind: 'report', ref: a.alarmId,
      report: {
        categoryCode: algo.categoryCode, urgency: algo.urgency, point, address: cam?.name ?? '',
        reporter: `视频监控 ${a.cameraId}`,
        description: `视频智能分析告警：${algo.name}（算法 ${a.algorithm}，置信度 ${pct}%），摄像机 ${cam ? `${cam.name}（${a.cameraId}）` : a.cameraId}`,
        attachments: a.snapshotUrl ? [{ id: `${a.alarmId}-snap`.slice(0, 64), name: `${a.alarmId}.jpg`, mime: 'image/jpeg', size: 0, url: a.snapshotUrl }] : [],
        reportedAt: a.at,
      },
    };
  });
}
