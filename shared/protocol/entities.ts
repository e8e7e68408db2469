/** Wire shapes of the hub's entities (ARCHITECTURE §3), validated on both sides of the socket. */
import { z } from 'zod';
import { CASE_STATUSES } from '../domain/lifecycle';
import { ROLES } from '../domain/roles';
import { HAZARDS, LOG_KINDS, OPERATION_LIMITS, OPERATION_STATUSES, ResponseLevelSchema, TASK_STATUSES } from '../domain/operations';

export const PROTOCOL_VERSION = 1;

export const LngLatSchema = z.tuple([
  z.number().finite().min(-180).max(180),
  z.number().finite().min(-90).max(90),
]);
export type LngLat = z.infer<typeof LngLatSchema>;

export const URGENCIES = ['urgent', 'high', 'normal'] as const;
export const UrgencySchema = z.enum(URGENCIES);
export type Urgency = z.infer<typeof UrgencySchema>;

export const SOURCES = ['hotline', 'patrol', 'video', 'police', 'enforcement', 'cap', 'officer', 'simulator'] as const;
export const SourceSchema = z.enum(SOURCES);
export type Source = z.infer<typeof SourceSchema>;

export const CaseStatusSchema = z.enum(CASE_STATUSES);
export const RoleSchema = z.enum(ROLES);

const id = z.string().min(1).max(64);
const text = (max: number) => z.string().max(max);
export const EpochMs = z.number().int().nonnegative();

export const AttachmentSchema = z.object({
  id,
  name: text(200).min(1),
  mime: text(100),
  size: z.number().int().nonnegative().max(50 * 1024 * 1024),
  url: text(2000).optional(),
});
export type Attachment = z.infer<typeof AttachmentSchema>;

export const CaseSchema = z.object({
  id,
  version: z.number().int().positive(),
  status: CaseStatusSchema,
  previousStatus: CaseStatusSchema.nullable(),
  source: SourceSchema,
  externalRef: text(100).nullable(),
  categoryCode: text(16).min(1),
  urgency: UrgencySchema,
  point: LngLatSchema,
  address: text(300),
  subdistrictCode: z.string().regex(/^\d{9}$/),
  communityCode: z.string().regex(/^\d{12}$/),
  reporter: text(100).nullable(),
  description: text(4000),
  attachments: z.array(AttachmentSchema).max(50),
  owners: z.array(id).max(10),
  reportedAt: EpochMs,
  registeredAt: EpochMs.nullable(),
  dispatchedAt: EpochMs.nullable(),
  acceptedAt: EpochMs.nullable(),
  resolvedAt: EpochMs.nullable(),
  closedAt: EpochMs.nullable(),
  dispatchDue: EpochMs.nullable(),
  handlingDue: EpochMs.nullable(),
  /** Marks the hub's timer set; the UI still derives timeliness from the deadlines. */
  dueSoonAt: EpochMs.nullable(),
  overdueAt: EpochMs.nullable(),
  mergedInto: id.nullable(),
  updatedAt: EpochMs,
});
export type Case = z.infer<typeof CaseSchema>;

export const UNIT_KINDS = ['patrol', 'vehicle', 'officer'] as const;
export const UNIT_STATUSES = ['available', 'enroute', 'busy', 'offline'] as const;
export const UnitSchema = z.object({
  id,
  version: z.number().int().positive(),
  name: text(100),
  kind: z.enum(UNIT_KINDS),
  departmentCode: id,
  subdistrictCode: z.string().regex(/^\d{9}$/),
  status: z.enum(UNIT_STATUSES),
  home: LngLatSchema,
  caseId: id.nullable(),
  updatedAt: EpochMs,
});
export type Unit = z.infer<typeof UnitSchema>;
export type UnitStatus = Unit['status'];

export const CAMERA_STATUSES = ['online', 'offline', 'fault'] as const;
export const CameraSchema = z.object({
  id,
  version: z.number().int().positive(),
  name: text(100),
  kind: text(20),
  point: LngLatSchema,
  subdistrictCode: z.string().regex(/^\d{9}$/),
  communityCode: z.string().regex(/^\d{12}$/),
  status: z.enum(CAMERA_STATUSES),
  stream: text(2000).nullable(),
  updatedAt: EpochMs,
});
export type Camera = z.infer<typeof CameraSchema>;

/**
 * Latest-value unit position (ARCHITECTURE §4 streams): never in the event log. `heading` in degrees
 * clockwise from north, `speed` in metres per second.
 */
export const PositionSchema = z.object({
  id,
  point: LngLatSchema,
  heading: z.number().finite().min(0).max(360),
  speed: z.number().finite().min(0).max(100),
  at: EpochMs,
});
export type Position = z.infer<typeof PositionSchema>;

/** A GeoJSON Polygon (RFC 7946): closed linear rings of [lng, lat], the outer ring first. */
export const PolygonSchema = z.object({
  type: z.literal('Polygon'),
  coordinates: z.array(z.array(LngLatSchema).min(4).max(5000)).min(1).max(50),
}).refine((p) => p.coordinates.every((r) => r[0]![0] === r[r.length - 1]![0] && r[0]![1] === r[r.length - 1]![1]), { message: 'each ring must end where it starts' });
export type Polygon = z.infer<typeof PolygonSchema>;

export const OperationTaskSchema = z.object({
  /** The plan's task id (stable across escalations), or `adhoc-N` for a task added by hand. */
  id,
  department: id,
  title: text(200),
  titleEn: text(200),
  dueAt: EpochMs,
  required: z.boolean(),
  status: z.enum(TASK_STATUSES),
  /** The response level whose plan adds this task; null for a task added by hand. */
  fromLevel: ResponseLevelSchema.nullable(),
  assignedUnits: z.array(id).max(OPERATION_LIMITS.unitsPerTask),
  reports: z.array(z.object({ at: EpochMs, by: id, text: text(OPERATION_LIMITS.text) })).max(OPERATION_LIMITS.reportsPerTask + OPERATION_LIMITS.log),
});
export type OperationTask = z.infer<typeof OperationTaskSchema>;

/** One line of the command log (指挥日志): every decision, when, by whom, at which level. */
export const OperationLogEntrySchema = z.object({
  at: EpochMs,
  by: id,
  kind: z.enum(LOG_KINDS),
  text: text(OPERATION_LIMITS.text),
  level: ResponseLevelSchema,
  taskId: id.nullable(),
});
export type OperationLogEntry = z.infer<typeof OperationLogEntrySchema>;

/** An emergency operation: a plan activated at a response level (1 = Ⅰ highest … 4 = Ⅳ). */
export const OperationSchema = z.object({
  id,
  version: z.number().int().positive(),
  planId: id,
  hazard: z.enum(HAZARDS),
  level: ResponseLevelSchema,
  status: z.enum(OPERATION_STATUSES),
  caseIds: z.array(id).max(OPERATION_LIMITS.caseIds),
  area: PolygonSchema.nullable(),
  subdistrictCodes: z.array(z.string().regex(/^\d{9}$/)),
  tasks: z.array(OperationTaskSchema).max(OPERATION_LIMITS.tasks),
  log: z.array(OperationLogEntrySchema).max(OPERATION_LIMITS.log),
  activatedAt: EpochMs,
  activatedBy: id,
  stoodDownAt: EpochMs.nullable(),
  summary: text(OPERATION_LIMITS.text).nullable(),
  updatedAt: EpochMs,
});
export type Operation = z.infer<typeof OperationSchema>;

export const UserSchema = z.object({
  id,
  username: text(64),
  displayName: text(100),
  role: RoleSchema,
  subdistricts: z.array(z.string().regex(/^\d{9}$/)),
  departmentCode: id.nullable(),
});
export type User = z.infer<typeof UserSchema>;

/**
 * One entry of the people directory (`GET /api/people`): who a user id in a timeline or a
 * command log is. Only these fields: no username, no password data, no scope.
 */
export const PersonSchema = z.object({
  id,
  displayName: text(100),
  role: RoleSchema,
  departmentCode: id.nullable(),
});
export type Person = z.infer<typeof PersonSchema>;
export const PEOPLE_MAX = 10_000;
export const PeopleResponseSchema = z.object({ people: z.array(PersonSchema).max(PEOPLE_MAX) });
export type PeopleResponse = z.infer<typeof PeopleResponseSchema>;

/**
 * The units' recent tracks the hub keeps (`GET /api/tracks?from=<ms>&to=<ms>`, issue 15): what
 * the history generated for the last day, one fix per unit per minute, so a new workstation's
 * replay has the day before it was installed. Columnar per unit (a day of a fleet is ~10⁵
 * fixes); at most TRACKS_MAX_SAMPLES in one answer, thinned to a longer `stepMs` beyond that.
 */
export const TRACKS_MAX_SPAN_MS = 7 * 86_400_000;
export const TRACKS_MAX_SAMPLES = 200_000;
const epochParam = z.string().regex(/^\d{1,15}$/, 'expected epoch milliseconds').transform(Number);
export const TracksQuerySchema = z.strictObject({ from: epochParam, to: epochParam }).superRefine((q, ctx) => {
  if (q.to <= q.from) ctx.addIssue({ code: 'custom', path: ['to'], message: '`to` must be after `from`' });
  else if (q.to - q.from > TRACKS_MAX_SPAN_MS) ctx.addIssue({ code: 'custom', path: ['to'], message: 'the period may be at most 7 days' });
});
export type TracksQuery = z.output<typeof TracksQuerySchema>;

export const KeptTrackSchema = z.object({
  unitId: id,
  at: z.array(EpochMs).max(TRACKS_MAX_SAMPLES),
  lng: z.array(z.number().finite().min(-180).max(180)).max(TRACKS_MAX_SAMPLES),
  lat: z.array(z.number().finite().min(-90).max(90)).max(TRACKS_MAX_SAMPLES),
  heading: z.array(z.number().finite().min(0).max(360)).max(TRACKS_MAX_SAMPLES),
}).refine((t) => t.lng.length === t.at.length && t.lat.length === t.at.length && t.heading.length === t.at.length, { message: 'at, lng, lat and heading must be as long as each other' });
export type KeptTrack = z.infer<typeof KeptTrackSchema>;

export const TracksResponseSchema = z.object({
  from: EpochMs,
  to: EpochMs,
  /** The spacing of the fixes: the recording's minute, or longer when the answer was thinned. */
  stepMs: z.number().int().positive(),
  /** More fixes matched than one answer carries even thinned (a fleet of tens of thousands): cut. */
  truncated: z.boolean(),
  tracks: z.array(KeptTrackSchema).max(TRACKS_MAX_SAMPLES),
}).refine((r) => r.tracks.reduce((n, t) => n + t.at.length, 0) <= TRACKS_MAX_SAMPLES, { message: `at most ${TRACKS_MAX_SAMPLES} fixes in one answer` });
export type TracksResponse = z.infer<typeof TracksResponseSchema>;
