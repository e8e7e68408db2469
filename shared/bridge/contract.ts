/**
 * The bridge (`window.linkage`): the only door between a window and the app core, the same in
 * Electron (preload + IPC) and in browser mode (WebSocket). A window is untrusted input to the
 * core, so every call's arguments are checked against these schemas where the core receives
 * them (`validateCall`), whatever the shell.
 */
import { z } from 'zod';
import { CameraSchema, CaseSchema, type Case, OperationSchema, PersonSchema, PositionSchema, UnitSchema, UserSchema } from '../protocol/entities';
import { CommandResultSchema } from '../protocol/commands';
import { COMMAND_TYPES, type CommandType } from '../protocol/commands';
import { StatisticsQuerySchema, type StatisticsAnswer, type StatisticsQuery } from './statistics';

const CommandTypeSchema = z.enum(COMMAND_TYPES as [CommandType, ...CommandType[]]);

/** One line of a case's timeline: an event of the hub's log about that case. */
export const TimelineEntrySchema = z.object({
  seq: z.number().int().positive(),
  caseId: z.string(),
  type: z.string(),
  at: z.number().int(),
  by: z.string().nullable(),
  commandId: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
});
export type TimelineEntry = z.infer<typeof TimelineEntrySchema>;

/** An officer's action waiting in the outbox for the hub's answer. */
export const PendingCommandSchema = z.object({
  commandId: z.string().uuid(),
  type: CommandTypeSchema,
  payload: z.unknown(),
  expectedVersion: z.number().int().positive().nullable(),
  createdAt: z.number().int(),
  attempts: z.number().int().nonnegative(),
  /** 'sent': on the wire at least once, answer not yet received. */
  state: z.enum(['pending', 'sent']),
  lastError: z.string().nullable(),
});
export type PendingCommand = z.infer<typeof PendingCommandSchema>;

/** The hub's answer to a command, kept so a window opened later still sees it. */
export const AnswerSchema = z.object({
  commandId: z.string(),
  type: CommandTypeSchema,
  result: CommandResultSchema,
  createdAt: z.number().int(),
  answeredAt: z.number().int(),
});
export type Answer = z.infer<typeof AnswerSchema>;

export const LINK_STATES = ['offline', 'connecting', 'catching_up', 'online'] as const;

export const ConnectionStateSchema = z.object({
  state: z.enum(LINK_STATES),
  /** When `state` last changed: "offline since t". */
  since: z.number().int(),
  /** When the replica was last known to be in step with the hub (null: never). */
  lastOnlineAt: z.number().int().nullable(),
  lastSeq: z.number().int().nonnegative(),
  headSeq: z.number().int().nonnegative().nullable(),
  /** Progress of a catch-up: n of m events' worth of seq. */
  caughtUp: z.object({ n: z.number().int().nonnegative(), m: z.number().int().nonnegative() }).nullable(),
  pending: z.number().int().nonnegative(),
  user: UserSchema.nullable(),
  /** Why the link is not online, with a code the UI translates ('unreachable', 'unauthenticated', …). */
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  /** The hub address in use (one of a cluster's), and the node's name once it said it. */
  hub: z.string().nullable(),
  node: z.string().nullable(),
});
export type ConnectionState = z.infer<typeof ConnectionStateSchema>;

export const FilterPresetSchema = z.object({
  name: z.string().min(1).max(60),
  filter: z.record(z.string(), z.unknown()),
});

/**
 * Video-wall layouts per wall name (renderer/features/wall): each a grid of panels, rotated on a
 * schedule. Only the structure is checked here; the wall checks panel kinds and placement.
 */
const WallIdSchema = z.string().regex(/^[a-z0-9-]{1,32}$/);
const WallPanelSchema = z.object({
  kind: z.string().min(1).max(32),
  col: z.number().int().min(1).max(12), row: z.number().int().min(1).max(12),
  colSpan: z.number().int().min(1).max(12).default(1), rowSpan: z.number().int().min(1).max(12).default(1),
  options: z.record(z.string().max(32), z.union([z.string().max(500), z.number().finite(), z.boolean(), z.array(z.string().max(200)).max(20)])).default({}),
});
const WallLayoutSchema = z.object({
  id: WallIdSchema,
  title: z.string().max(60).default(''),
  columns: z.number().int().min(1).max(12), rows: z.number().int().min(1).max(12),
  /** Seconds on screen before the next; absent: the wall's rotateSeconds. */
  seconds: z.number().int().min(5).max(3600).optional(),
  panels: z.array(WallPanelSchema).min(1).max(36),
});
export const WallConfigSchema = z.object({
  rotateSeconds: z.number().int().min(5).max(3600).default(60),
  /** How long an urgent case or an operation holds the wall before the rotation resumes. */
  alertSeconds: z.number().int().min(5).max(3600).default(90),
  layouts: z.array(WallLayoutSchema).min(1).max(12),
  /** What an urgent case or an operation takes the wall to; absent: the wall's built-in alert layout. */
  alertLayout: WallLayoutSchema.optional(),
});
export const WallsSchema = z.record(WallIdSchema, WallConfigSchema).refine((w) => Object.keys(w).length <= 16, { message: 'at most 16 walls' });

export const SettingsSchema = z.object({
  language: z.enum(['zh-CN', 'en']).default('zh-CN'),
  theme: z.enum(['dark', 'light']).default('dark'),
  soundMuted: z.boolean().default(false),
  presets: z.array(FilterPresetSchema).max(50).default([]),
  /** Pane sizes and the like, per user: free-form but bounded. */
  layout: z.record(z.string(), z.number()).default({}),
  /** Video-wall layouts by wall name; a wall without an entry uses its built-in default. */
  walls: WallsSchema.default({}).optional(),
  /**
   * Counts saves; set by the store, never by a window. A window ignores settings older than
   * those it has (an echo of its own earlier save must not undo a later change).
   */
  rev: z.number().int().nonnegative().optional(),
});
export type Settings = z.infer<typeof SettingsSchema>;

export const SnapshotSchema = z.object({
  user: UserSchema.nullable(),
  cases: z.array(CaseSchema),
  units: z.array(UnitSchema),
  cameras: z.array(CameraSchema),
  /** Emergency operations in the user's scope (absent: none; optional so older hosts' answers still parse). */
  operations: z.array(OperationSchema).default([]).optional(),
  positions: z.array(PositionSchema),
  pending: z.array(PendingCommandSchema),
  /** Recent answers, newest first, so a window opened later still sees them. */
  answers: z.array(AnswerSchema),
  connection: ConnectionStateSchema,
  settings: SettingsSchema,
  /** The hub's people directory as last fetched (kept in the replica, so also offline); absent: unknown (or an older host). */
  people: z.array(PersonSchema).optional(),
});
export type Snapshot = z.infer<typeof SnapshotSchema>;

/** The core's part of the snapshot (its replica, outbox and link): the session adds the user, the answers and the settings. */
export const CoreSnapshotSchema = SnapshotSchema.omit({ user: true, answers: true, settings: true });
export type CoreSnapshot = z.infer<typeof CoreSnapshotSchema>;

/**
 * The snapshot's cases in their compact wire form (issue 5): the field names once, each case an
 * array of its values in that order — ~45% of the objects' JSON for 20,000 cases, with no key
 * to re-read per case. The core makes it from its stored rows; browser mode sends it as
 * `caseRows` in the snapshot reply (with `cases` empty), and `decodeCaseRows` makes the same
 * Case objects of it again (Electron's shell decodes it in its main process).
 */
export interface CaseRows {
  fields: string[];
  rows: unknown[][];
}

/** The order of a case's values in a row: CaseSchema's keys. */
export const CASE_FIELDS: readonly (keyof Case)[] = Object.keys(CaseSchema.shape) as (keyof Case)[];

/** One case as a row of CASE_FIELDS. */
export function caseRow(c: Case): unknown[] {
  return CASE_FIELDS.map((f) => c[f]);
}

export function encodeCaseRows(cases: readonly Case[]): CaseRows {
  return { fields: [...CASE_FIELDS], rows: cases.map(caseRow) };
}

// The fields the literal in `caseFromRow` is written for: when a row's fields are these, in
// this order, a case is one object literal (one shape for all, the fastest to build and read).
const LITERAL_FIELDS = [
  'id', 'version', 'status', 'previousStatus', 'source', 'externalRef', 'categoryCode', 'urgency', 'point', 'address',
  'subdistrictCode', 'communityCode', 'reporter', 'description', 'attachments', 'owners', 'reportedAt', 'registeredAt',
  'dispatchedAt', 'acceptedAt', 'resolvedAt', 'closedAt', 'dispatchDue', 'handlingDue', 'dueSoonAt', 'overdueAt', 'mergedInto', 'updatedAt',
];

function caseFromRow(r: readonly unknown[]): Case {
  return {
    id: r[0], version: r[1], status: r[2], previousStatus: r[3], source: r[4], externalRef: r[5], categoryCode: r[6], urgency: r[7],
    point: r[8], address: r[9], subdistrictCode: r[10], communityCode: r[11], reporter: r[12], description: r[13], attachments: r[14],
    owners: r[15], reportedAt: r[16], registeredAt: r[17], dispatchedAt: r[18], acceptedAt: r[19], resolvedAt: r[20], closedAt: r[21],
    dispatchDue: r[22], handlingDue: r[23], dueSoonAt: r[24], overdueAt: r[25], mergedInto: r[26], updatedAt: r[27],
  } as Case;
}

/**
 * The Case objects of a CaseRows value, with the structural check the snapshot's cases get
 * (they were validated in full entering the core's replica): a list of field names including
 * id, version and status; rows of as many values; each case with a string id, a number version
 * and a string status. Anything else is refused with an Error saying where.
 */
export function decodeCaseRows(value: unknown): Case[] {
  const v = value as Partial<CaseRows> | null;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('case rows: not an object with fields and rows');
  const { fields, rows } = v;
  if (!Array.isArray(fields) || !fields.every((f) => typeof f === 'string')) throw new Error('case rows: fields is not a list of names');
  if (!Array.isArray(rows)) throw new Error('case rows: rows is not a list');
  const [id, version, status] = ['id', 'version', 'status'].map((f) => fields.indexOf(f));
  if (id! < 0 || version! < 0 || status! < 0) throw new Error('case rows: fields lack id, version or status');
  const literal = fields.length === LITERAL_FIELDS.length && fields.every((f, i) => f === LITERAL_FIELDS[i]);
  const n = fields.length;
  const out = new Array<Case>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as unknown;
    if (!Array.isArray(r) || r.length !== n) throw new Error(`case rows: row ${i} is not a list of ${n} values`);
    if (typeof r[id!] !== 'string' || typeof r[version!] !== 'number' || typeof r[status!] !== 'string') {
      throw new Error(`case rows: row ${i} has no id, version or status`);
    }
    if (literal) out[i] = caseFromRow(r);
    else {
      const c: Record<string, unknown> = {};
      for (let k = 0; k < n; k++) c[fields[k]!] = r[k];
      out[i] = c as Case;
    }
  }
  return out;
}

/** Browser mode's snapshot reply (`caseRows`, `cases` empty: see CaseRows) as the Snapshot it stands for. */
export function snapshotFromWire(value: unknown): Snapshot {
  const v = value as (Snapshot & { caseRows?: unknown }) | null;
  if (!v || typeof v !== 'object' || v.caseRows === undefined) return v as Snapshot;
  const { caseRows, ...rest } = v;
  return { ...rest, cases: decodeCaseRows(caseRows) };
}

/**
 * What changed since the last batch, coalesced (at most one per animation frame). Entities are
 * the latest state per id; `reset` means the replica was replaced from a snapshot: re-read it all.
 */
export const ChangeBatchSchema = z.object({
  reset: z.boolean(),
  cases: z.array(CaseSchema),
  units: z.array(UnitSchema),
  cameras: z.array(CameraSchema),
  /** Operations that changed (latest state per id); absent: none. */
  operations: z.array(OperationSchema).default([]).optional(),
  /** Ids that left the user's scope (a case dispatched away from a liaison's department). */
  removed: z.object({
    cases: z.array(z.string()), units: z.array(z.string()), cameras: z.array(z.string()),
    operations: z.array(z.string()).default([]).optional(),
  }),
  positions: z.array(PositionSchema),
  answers: z.array(AnswerSchema),
  /** The latest connection state when it changed, else null. */
  connection: ConnectionStateSchema.nullable(),
  /** The whole outbox when it changed, else null. */
  pending: z.array(PendingCommandSchema).nullable(),
  /** The settings when they changed (from this or another window), else absent. */
  settings: SettingsSchema.nullable().optional(),
  /** The whole people directory when it changed, else absent (or null). */
  people: z.array(PersonSchema).nullable().optional(),
});
export type ChangeBatch = z.infer<typeof ChangeBatchSchema>;

export const CaseDetailSchema = z.object({ case: CaseSchema, timeline: z.array(TimelineEntrySchema) });
export type CaseDetail = z.infer<typeof CaseDetailSchema>;

/** Static data of the district the windows draw: regions, departments, catalog. */
export const DistrictSchema = z.object({
  boundary: z.unknown(),
  subdistricts: z.unknown(),
  communities: z.unknown(),
  departments: z.unknown(),
  catalog: z.unknown(),
  /** Response plans (resources/plans/plans.json), for the operation board; absent from an older shell. */
  plans: z.unknown().optional(),
});
export type District = z.infer<typeof DistrictSchema>;

/** Replay (issue 6): the longest period one `history` call covers, as long as samples are kept. */
export const HISTORY_MAX_SPAN_MS = 7 * 24 * 3600_000;

export const HistoryRangeSchema = z
  .object({ from: z.number().int().nonnegative(), to: z.number().int().nonnegative() })
  .refine((r) => r.to > r.from && r.to - r.from <= HISTORY_MAX_SPAN_MS, { message: 'to must be after from, at most 7 days later' });
export type HistoryRange = z.infer<typeof HistoryRangeSchema>;

/** One unit's sampled positions, oldest first, as parallel columns (compact on the wire). */
export const UnitTrackSchema = z.object({
  unitId: z.string(),
  at: z.array(z.number().int()),
  lng: z.array(z.number()),
  lat: z.array(z.number()),
  heading: z.array(z.number()),
});
export type UnitTrack = z.infer<typeof UnitTrackSchema>;

/**
 * What the replica holds of a period: the cases present in it (their current state gives the
 * place, urgency and stage times), their events up to `to` (the replay derives each status from
 * the event types), and the units' sampled positions (one before `from` where known).
 */
export const HistorySchema = z.object({
  from: z.number().int(),
  to: z.number().int(),
  cases: z.array(CaseSchema),
  events: z.array(z.object({ caseId: z.string(), at: z.number().int(), type: z.string() })),
  tracks: z.array(UnitTrackSchema),
  /** Samples are at least this far apart (10 s as stored; more when a long period was thinned). */
  sampleStepMs: z.number().int().positive(),
  /** Some cases were left out (more than the replay draws). */
  truncated: z.boolean(),
});
export type History = z.infer<typeof HistorySchema>;

export const AccountSchema = z.object({ username: z.string(), role: z.string(), displayName: z.string() });

/** Every call a window may make, with its argument schema. Nothing else is forwarded. */
export const BRIDGE_CALLS = {
  snapshot: z.tuple([]),
  district: z.tuple([]),
  command: z.tuple([z.enum(COMMAND_TYPES as [CommandType, ...CommandType[]]), z.unknown(), z.number().int().positive().nullable()]),
  search: z.tuple([z.string().max(200)]),
  caseDetail: z.tuple([z.string().min(1).max(64)]),
  setSettings: z.tuple([SettingsSchema.partial()]),
  /** On the embedded district: the default accounts one may switch to (role switcher). */
  accounts: z.tuple([]),
  switchUser: z.tuple([z.string().min(1).max(64)]),
  login: z.tuple([z.string().min(1).max(64), z.string().min(1).max(200)]),
  /** Replay: case events and unit position samples of a period, from the replica. */
  history: z.tuple([HistoryRangeSchema]),
  /** Statistics (issue 9): forwarded by the core to the hub's `/api/stats/<kind>` with the session's token. */
  statistics: z.tuple([StatisticsQuerySchema]),
} as const;
export type BridgeCall = keyof typeof BRIDGE_CALLS;
export const BRIDGE_CALL_NAMES = Object.keys(BRIDGE_CALLS) as BridgeCall[];

/**
 * Calls the Electron shell answers itself (they need a window, not the core): `savePdf` prints
 * the calling page with webContents.printToPDF and saves it where the user chooses. A file name
 * only — no folder, nothing the OS would read as a path or a device.
 */
export const SHELL_CALLS = {
  savePdf: z.tuple([z.string().trim().min(1).max(120).regex(/^[^\\/:*?"<>|\u0000-\u001f]+$/, 'a file name without a folder or reserved characters')]),
} as const;
export type ShellCall = keyof typeof SHELL_CALLS;
export const SHELL_CALL_NAMES = Object.keys(SHELL_CALLS) as ShellCall[];
export interface SavedPdf { saved: boolean; path: string | null }

/** The typed API windows see as `window.linkage`. */
export interface LinkageBridge {
  snapshot(): Promise<Snapshot>;
  district(): Promise<District>;
  /** Resolves once the action is in the outbox (durable); the hub's answer arrives as a change batch. */
  command(type: CommandType, payload: unknown, expectedVersion: number | null): Promise<{ commandId: string }>;
  search(text: string): Promise<string[]>;
  caseDetail(caseId: string): Promise<CaseDetail | null>;
  setSettings(patch: Partial<Settings>): Promise<Settings>;
  accounts(): Promise<Array<z.infer<typeof AccountSchema>>>;
  switchUser(username: string): Promise<{ ok: true } | { ok: false; message: string }>;
  login(username: string, password: string): Promise<{ ok: true } | { ok: false; message: string }>;
  /** Replay data of a period (absent from an older shell: no replay then). */
  history?(range: HistoryRange): Promise<History>;
  /** The hub's statistics; refused with code `offline` while the hub cannot be reached (absent from an older shell). */
  statistics?<Q extends StatisticsQuery>(query: Q): Promise<StatisticsAnswer<Q['kind']>>;
  /** Electron only (SHELL_CALLS): the page as a PDF file, saved where the user chooses; absent in a browser (print there). */
  savePdf?(fileName: string): Promise<SavedPdf>;
  /** Change batches; returns the unsubscribe function. */
  onChanges(listener: (batch: ChangeBatch) => void): () => void;
}

export type BridgeCallResult = { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } };

/** Checks a call's name and arguments; the single gate every shell passes calls through. */
export function validateCall(name: unknown, args: unknown): { ok: true; name: BridgeCall; args: unknown[] } | { ok: false; message: string } {
  if (typeof name !== 'string' || !(BRIDGE_CALL_NAMES as string[]).includes(name)) return { ok: false, message: `unknown bridge call ${String(name).slice(0, 40)}` };
  const parsed = BRIDGE_CALLS[name as BridgeCall].safeParse(args);
  if (!parsed.success) return { ok: false, message: `${name}: ${z.prettifyError(parsed.error)}` };
  return { ok: true, name: name as BridgeCall, args: parsed.data as unknown[] };
}

/** Browser mode's WebSocket frames. */
export const WireRequestSchema = z.object({ id: z.number().int().nonnegative(), call: z.string().max(40), args: z.array(z.unknown()).max(5) });
export type WireRequest = z.infer<typeof WireRequestSchema>;
export type WireMessage =
  | { kind: 'reply'; id: number; result: BridgeCallResult }
  | { kind: 'changes'; batch: ChangeBatch };
