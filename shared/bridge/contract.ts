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
});
export type ConnectionState = z.infer<typeof ConnectionStateSchema>;

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
  pending: z.array(PendingCommandSchema),
  /** Recent answers, newest first, so a window opened later still sees them. */
  answers: z.array(AnswerSchema),
  connection: ConnectionStateSchema,
  settings: SettingsSchema,
});
export type Snapshot = z.infer<typeof SnapshotSchema>;

/**
 * What changed since the last batch, coalesced (at most one per animation frame). Entities are
 * the latest state per id; `reset` means the replica was replaced from a snapshot: re-read it all.
 */
export const ChangeBatchSchema = z.object({
  reset: z.boolean(),
  cases: z.array(CaseSchema),
  units: z.array(UnitSchema),
  cameras: z.array(CameraSchema),
  /** Ids that left the user's scope (a case dispatched away from a liaison's department). */
  removed: z.object({ cases: z.array(z.string()), units: z.array(z.string()), cameras: z.array(z.string()) }),
  positions: z.array(PositionSchema),
  answers: z.array(AnswerSchema),
  /** The latest connection state when it changed, else null. */
  connection: ConnectionStateSchema.nullable(),
  /** The whole outbox when it changed, else null. */
  pending: z.array(PendingCommandSchema).nullable(),
  /** The settings when they changed (from this or another window), else absent. */
  settings: SettingsSchema.nullable().optional(),
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
