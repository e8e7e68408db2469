/**
 * Commands (DESIGN §4): `{commandId, type, payload, expectedVersion}`. The commandId is made by
 * the app when the officer acts and kept in its outbox until the hub answers.
 */
import { z } from 'zod';
import { AttachmentSchema, LngLatSchema, SourceSchema, UrgencySchema, UNIT_STATUSES, CAMERA_STATUSES, EpochMs } from './entities';
import { ERROR_CODES } from '../domain/errors';

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
