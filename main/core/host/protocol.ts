/**
 * The messages between the windows' side and the core's process. Both ends check every message
 * with these schemas; the method list is explicit (api.ts), each with its arguments and result,
 * so nothing but these calls can cross.
 */
import { z } from 'zod';
import { CaseSchema } from '../../../shared/protocol';
import { HistoryRangeSchema, HistorySchema } from '../../../shared/bridge/contract';
import { StatisticsQuerySchema, StatisticsResultSchema } from '../../../shared/bridge/statistics';
import { CORE_METHODS, type CoreMethod } from '../api';
import {
  AnswerSchema, CaseDetailSchema, ChangeBatchSchema, ChecksumSchema, CommandAcceptedSchema, CommandArgsSchema,
  ConnectionStateSchema, CoreSnapshotWireSchema, IdArgSchema, PendingCommandSchema,
} from '../model';

const RequestId = z.number().int().nonnegative();

export const METHOD_ARGS = {
  start: z.tuple([]),
  stop: z.tuple([]),
  snapshot: z.tuple([]),
  command: CommandArgsSchema,
  search: z.tuple([z.string().max(200), z.number().int().min(1).max(500).nullable()]),
  caseDetail: IdArgSchema,
  checksum: z.tuple([]),
  connection: z.tuple([]),
  pending: z.tuple([]),
  answer: IdArgSchema,
  answers: z.tuple([z.number().int().min(1).max(1000).nullable()]),
  history: z.tuple([HistoryRangeSchema]),
  statistics: z.tuple([StatisticsQuerySchema]),
} as const satisfies Record<CoreMethod, z.ZodType>;

export const METHOD_RESULTS = {
  start: z.null(),
  stop: z.null(),
  /** The cases as the JSON text of their compact rows (model.ts CoreSnapshotWire); CoreClient makes a CoreSnapshot of it. */
  snapshot: CoreSnapshotWireSchema,
  command: CommandAcceptedSchema,
  search: z.array(CaseSchema),
  caseDetail: CaseDetailSchema.nullable(),
  checksum: ChecksumSchema,
  connection: ConnectionStateSchema,
  pending: z.array(PendingCommandSchema),
  answer: AnswerSchema.nullable(),
  answers: z.array(AnswerSchema),
  history: HistorySchema,
  statistics: StatisticsResultSchema,
} as const satisfies Record<CoreMethod, z.ZodType>;

export type MethodArgs<M extends CoreMethod> = z.infer<(typeof METHOD_ARGS)[M]>;
export type MethodResult<M extends CoreMethod> = z.infer<(typeof METHOD_RESULTS)[M]>;

/** Parent → core process. `open` comes first, once; then calls. */
export const HostRequestSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('open'), id: RequestId, options: z.unknown() }),
  z.object({ kind: z.literal('call'), id: RequestId, method: z.enum(CORE_METHODS), args: z.array(z.unknown()).max(4) }),
]);
export type HostRequest = z.infer<typeof HostRequestSchema>;

const ErrorInfo = z.object({ code: z.string(), message: z.string() });

/** Core process → parent. */
export const HostMessageSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('ready'), pid: z.number().int() }),
  z.object({ kind: z.literal('result'), id: RequestId, ok: z.literal(true), value: z.unknown() }),
  z.object({ kind: z.literal('error'), id: RequestId, error: ErrorInfo }),
  z.object({ kind: z.literal('changes'), batch: ChangeBatchSchema }),
  z.object({ kind: z.literal('log'), message: z.string() }),
]);
export type HostMessage = z.infer<typeof HostMessageSchema>;

/** Fault points a test can ask the core process to die at (SIGKILL to itself). */
export const FAULTS = ['kill-after-enqueue', 'kill-after-send', 'kill-before-settle'] as const;
export const FAULT_ENV = 'LINKAGE_CORE_FAULT';
