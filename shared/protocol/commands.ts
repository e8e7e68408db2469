/**
 * Commands (ARCHITECTURE §4): `{commandId, type, payload, expectedVersion}`. The commandId is made by
 * the app when the officer acts and kept in its outbox until the hub answers.
 */
import { z } from 'zod';
import { AttachmentSchema, LngLatSchema, PolygonSchema, SourceSchema, UrgencySchema, UNIT_STATUSES, CAMERA_STATUSES, EpochMs } from './entities';
import { ERROR_CODES } from '../domain/errors';
import { OPERATION_LIMITS, ResponseLevelSchema } from '../domain/operations';

const id = z.string().min(1).max(64);
const caseRef = { caseId: id };
const note = z.string().max(2000);

export const ReportPayload = z.object({
  source: SourceSchema,
  externalRef: z.string().max(100).nullable().optional(),
  categoryCode: z.string().min(1).max(16),
  urgency: UrgencySchema,
  point: LngLatSchema,
  address: z.string().max(300).default(''),
  reporter: z.string().max(100).nullable().optional(),
  description: z.string().max(4000).default(''),
  attachments: z.array(AttachmentSchema).max(50).default([]),
  /** When the report reached the first network; defaults to when the hub receives it. */
  reportedAt: EpochMs.optional(),
});
export type ReportPayload = z.infer<typeof ReportPayload>;

const opRef = { operationId: id };
const taskRef = { operationId: id, taskId: id };
const words = z.string().min(1).max(OPERATION_LIMITS.text);

/** Emergency operations (shared/domain/operations.ts has the rules; hub/commands/operations.ts applies them). */
export const OPERATION_PAYLOADS = {
  'operation.activate': z.object({
    planId: id,
    /** 1 = Ⅰ (highest) … 4 = Ⅳ. */
    level: ResponseLevelSchema,
    caseIds: z.array(id).max(OPERATION_LIMITS.caseIds).default([]),
    area: PolygonSchema.optional(),
    note: note.optional(),
  }),
  'operation.escalate': z.object({ ...opRef, level: ResponseLevelSchema, reason: words }),
  'operation.deescalate': z.object({ ...opRef, level: ResponseLevelSchema, reason: words }),
  'operation.reassign': z.object({ ...taskRef, department: id, note: note.optional() }),
  'operation.addTask': z.object({
    ...opRef,
    department: id,
    title: z.string().min(1).max(200),
    titleEn: z.string().max(200).optional(),
    dueMinutes: z.number().positive().max(7 * 24 * 60),
    required: z.boolean().default(false),
  }),
  'operation.acknowledgeTask': z.object(taskRef),
  'operation.reportTask': z.object({ ...taskRef, text: words, done: z.boolean().default(false) }),
  'operation.assignUnit': z.object({ ...taskRef, unitId: id }),
  'operation.logEntry': z.object({ ...opRef, text: words }),
  'operation.standDown': z.object({ ...opRef, summary: words, overrideReason: z.string().max(OPERATION_LIMITS.text).optional() }),
} as const;
export type OperationCommandType = keyof typeof OPERATION_PAYLOADS;
export const OPERATION_COMMAND_TYPES = Object.keys(OPERATION_PAYLOADS) as OperationCommandType[];

export const COMMAND_PAYLOADS = {
  'case.report': ReportPayload,
  'case.register': z.object({ ...caseRef, note: note.optional() }),
  'case.reject': z.object({ ...caseRef, reason: z.string().min(1).max(2000) }),
  'case.dispatch': z.object({
    ...caseRef,
    departments: z.array(id).min(1).max(10),
    /** Override of the catalog's handling deadline, in hours from dispatch. */
    handlingHours: z.number().positive().max(24 * 90).optional(),
    note: note.optional(),
  }),
  'case.accept': z.object({ ...caseRef, note: note.optional() }),
  'case.return': z.object({ ...caseRef, reason: z.string().min(1).max(2000) }),
  'case.progress': z.object({ ...caseRef, note: z.string().min(1).max(2000) }),
  'case.resolve': z.object({ ...caseRef, note: z.string().min(1).max(2000) }),
  'case.verify': z.object({ ...caseRef, passed: z.boolean(), note: note.optional() }),
  'case.suspend': z.object({ ...caseRef, reason: z.string().min(1).max(2000), extendHours: z.number().positive().max(24 * 90) }),
  'case.resume': z.object({ ...caseRef, note: note.optional() }),
  'case.comment': z.object({ ...caseRef, text: z.string().min(1).max(2000) }),
  'case.attach': z.object({ ...caseRef, attachment: AttachmentSchema }),
  'case.merge': z.object({ ...caseRef, intoCaseId: id, note: note.optional() }),
  'unit.setStatus': z.object({ unitId: id, status: z.enum(UNIT_STATUSES), caseId: id.nullable().optional() }),
  'camera.setStatus': z.object({ cameraId: id, status: z.enum(CAMERA_STATUSES) }),
  ...OPERATION_PAYLOADS,
} as const;

export type CommandType = keyof typeof COMMAND_PAYLOADS;
export const COMMAND_TYPES = Object.keys(COMMAND_PAYLOADS) as CommandType[];
export type CommandPayload<T extends CommandType> = z.infer<(typeof COMMAND_PAYLOADS)[T]>;

export const CommandEnvelopeSchema = z.object({
  commandId: z.string().uuid(),
  type: z.enum(COMMAND_TYPES as [CommandType, ...CommandType[]]),
  payload: z.unknown(),
  /** The version of the target entity the officer saw; null for creation or notes. */
  expectedVersion: z.number().int().positive().nullable(),
});
export type CommandEnvelope = z.infer<typeof CommandEnvelopeSchema>;

/** A command whose payload matches its type: the only shape the hub applies. */
export type Command = { [T in CommandType]: { commandId: string; type: T; payload: CommandPayload<T>; expectedVersion: number | null } }[CommandType];

/** Checks envelope and payload; returns a typed command or a readable error. */
export function parseCommand(input: unknown): { ok: true; command: Command } | { ok: false; message: string } {
  const env = CommandEnvelopeSchema.safeParse(input);
  if (!env.success) return { ok: false, message: z.prettifyError(env.error) };
  const payload = COMMAND_PAYLOADS[env.data.type].safeParse(env.data.payload);
  if (!payload.success) return { ok: false, message: `${env.data.type}: ${z.prettifyError(payload.error)}` };
  return { ok: true, command: { ...env.data, payload: payload.data } as Command };
}

export const ErrorInfoSchema = z.object({ code: z.enum(ERROR_CODES), message: z.string() });

export const CommandResultSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), commandId: z.string(), entityId: id, version: z.number().int(), seq: z.number().int() }),
  z.object({ ok: z.literal(false), commandId: z.string(), error: ErrorInfoSchema, currentVersion: z.number().int().nullable().optional() }),
]);
export type CommandResult = z.infer<typeof CommandResultSchema>;
