/**
 * The bridge (`window.linkage`): the only door between a window and the app core, the same in
 * Electron (preload + IPC) and in browser mode (WebSocket). A window is untrusted input to the
 * core, so every call's arguments are checked against these schemas where the core receives
 * them (`validateCall`), whatever the shell.
 */
import { z } from 'zod';
import { CameraSchema, CaseSchema, PositionSchema, UnitSchema, UserSchema } from '../protocol/entities';
import { CommandResultSchema } from '../protocol/commands';
import { COMMAND_TYPES, type CommandType } from '../protocol/commands';

export const ConnectionStateSchema = z.object({
  state: z.enum(['offline', 'connecting', 'catching_up', 'online']),
  /** When the current state began (ms): "offline since t". */
  since: z.number(),
  lastSeq: z.number().int().nonnegative(),
  headSeq: z.number().int().nonnegative(),
  /** Catch-up progress: events applied of those missed at connect. */
  caughtUp: z.object({ done: z.number().int().nonnegative(), total: z.number().int().nonnegative() }).nullable(),
  pending: z.number().int().nonnegative(),
  error: z.string().nullable(),
});
export type ConnectionState = z.infer<typeof ConnectionStateSchema>;

export const PendingCommandSchema = z.object({
  commandId: z.string(),
  type: z.string(),
  payload: z.unknown(),
  expectedVersion: z.number().int().nullable(),
  createdAt: z.number(),
  attempts: z.number().int().nonnegative(),
});
export type PendingCommand = z.infer<typeof PendingCommandSchema>;

export const AnswerSchema = z.object({ commandId: z.string(), type: z.string(), at: z.number(), result: CommandResultSchema });
export type Answer = z.infer<typeof AnswerSchema>;

export const TimelineEntrySchema = z.object({
  seq: z.number().int(),
  at: z.number(),
  type: z.string(),
  by: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
});
export type TimelineEntry = z.infer<typeof TimelineEntrySchema>;

export const FilterPresetSchema = z.object({
  name: z.string().min(1).max(60),
  filter: z.record(z.string(), z.unknown()),
});

export const SettingsSchema = z.object({
  language: z.enum(['zh-CN', 'en']).default('zh-CN'),
  theme: z.enum(['dark', 'light']).default('dark'),
  soundMuted: z.boolean().default(false),
  presets: z.array(FilterPresetSchema).max(50).default([]),
  /** Pane sizes and the like, per user: free-form but bounded. */
  layout: z.record(z.string(), z.number()).default({}),
});
export type Settings = z.infer<typeof SettingsSchema>;

export const SnapshotSchema = z.object({
  user: UserSchema.nullable(),
  cases: z.array(CaseSchema),
  units: z.array(UnitSchema),
  cameras: z.array(CameraSchema),
  positions: z.array(PositionSchema),
  connection: ConnectionStateSchema,
  pending: z.array(PendingCommandSchema),
  answers: z.array(AnswerSchema),
  settings: SettingsSchema,
});
export type Snapshot = z.infer<typeof SnapshotSchema>;

/** What changed since the last batch; the core sends at most one per animation frame. */
export const ChangeBatchSchema = z.object({
  cases: z.array(CaseSchema),
  /** Cases that left this user's scope (e.g. returned by the liaison's department). */
  removedCaseIds: z.array(z.string()),
  units: z.array(UnitSchema),
  cameras: z.array(CameraSchema),
  positions: z.array(PositionSchema),
  answers: z.array(AnswerSchema),
  /** The whole pending list when it changed, else null. */
  pending: z.array(PendingCommandSchema).nullable(),
  connection: ConnectionStateSchema.nullable(),
  settings: SettingsSchema.nullable(),
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
});
export type District = z.infer<typeof DistrictSchema>;

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
} as const;
export type BridgeCall = keyof typeof BRIDGE_CALLS;
export const BRIDGE_CALL_NAMES = Object.keys(BRIDGE_CALLS) as BridgeCall[];

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
