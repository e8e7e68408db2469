/**
 * Events of the hub's log (ARCHITECTURE §4): `{seq, at, type, entity, id, data}`, seq gap-free per hub.
 * Each event carries the entity's state after it, so a replica applies it by upsert and stays
 * equal to the hub whatever it missed in between.
 */
import { z } from 'zod';
import { CameraSchema, CaseSchema, EpochMs, OperationSchema, PositionSchema, UnitSchema } from './entities';

export const ENTITIES = ['case', 'unit', 'camera', 'operation'] as const;
export type EntityKind = (typeof ENTITIES)[number];

export const STATE_SCHEMAS = { case: CaseSchema, unit: UnitSchema, camera: CameraSchema, operation: OperationSchema } as const;

export const EventSchema = z
  .object({
    seq: z.number().int().positive(),
    at: EpochMs,
    type: z.string().min(1).max(64),
    entity: z.enum(ENTITIES),
    id: z.string().min(1).max(64),
    data: z.object({
      state: z.unknown(),
      by: z.string().max(64).nullable(),
      commandId: z.string().max(64).nullable(),
      detail: z.record(z.string(), z.unknown()),
    }),
  })
  .superRefine((e, ctx) => {
    const r = STATE_SCHEMAS[e.entity].safeParse(e.data.state);
    if (!r.success) ctx.addIssue({ code: 'custom', message: `state of ${e.entity} ${e.id}: ${z.prettifyError(r.error)}` });
  });
export type HubEvent = z.infer<typeof EventSchema>;

/** Names of the socket events, in one place (Signal's channels.ts). */
export const SOCKET = {
  catchup: 'catchup',
  subscribe: 'subscribe',
  snapshot: 'snapshot',
  command: 'command',
  events: 'events',
  positions: 'positions',
  whoami: 'whoami',
} as const;

export const CatchupRequest = z.object({ afterSeq: z.number().int().nonnegative(), limit: z.number().int().min(1).max(5000).default(1000) });
export const SubscribeRequest = z.object({ afterSeq: z.number().int().nonnegative() });
export const SnapshotRequest = z.object({ snapshotId: z.string().max(64).nullable().default(null), page: z.number().int().nonnegative() });

const ErrorInfo = z.object({ code: z.string(), message: z.string() });

/** Events after `afterSeq` in the user's scope; `upTo` is the highest seq considered (scoped users see gaps). */
export const CatchupResponse = z.union([
  z.object({ ok: z.literal(true), events: z.array(EventSchema), upTo: z.number().int().nonnegative(), headSeq: z.number().int().nonnegative() }),
  z.object({ ok: z.literal(false), error: ErrorInfo, headSeq: z.number().int().nonnegative().optional() }),
]);
export type CatchupResponse = z.infer<typeof CatchupResponse>;

export const SnapshotResponse = z.union([
  z.object({
    ok: z.literal(true),
    snapshotId: z.string(),
    seq: z.number().int().nonnegative(),
    page: z.number().int().nonnegative(),
    pages: z.number().int().positive(),
    cases: z.array(CaseSchema),
    units: z.array(UnitSchema),
    cameras: z.array(CameraSchema),
    /** Absent from a hub without operations: read as none. */
    operations: z.array(OperationSchema).default([]).optional(),
  }),
  z.object({ ok: z.literal(false), error: ErrorInfo }),
]);
export type SnapshotResponse = z.infer<typeof SnapshotResponse>;

/** A live batch; `headSeq` lets a scoped client advance past events it may not see. */
export const EventsMessage = z.object({ events: z.array(EventSchema), headSeq: z.number().int().nonnegative() });
export type EventsMessage = z.infer<typeof EventsMessage>;

export const PositionsMessage = z.object({ positions: z.array(PositionSchema).max(20000) });
export type PositionsMessage = z.infer<typeof PositionsMessage>;

export const LoginRequest = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(200) });
