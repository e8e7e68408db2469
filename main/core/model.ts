/**
 * The core's shapes, as zod schemas: what crosses the process host and the bridge is checked at
 * each boundary. Those the windows see come from the bridge contract; the rest are the core's.
 */
import { HubAddressesSchema } from './sync/hubs';
import { z } from 'zod';
import { COMMAND_TYPES, type CommandType } from '../../shared/protocol';
import {
  ChangeBatchSchema as BridgeChangeBatchSchema, CoreSnapshotSchema, decodeCaseRows, type CoreSnapshot,
} from '../../shared/bridge/contract';

export { ChecksumSchema, type Checksum } from './replica/checksum';

const CommandTypeSchema = z.enum(COMMAND_TYPES as [CommandType, ...CommandType[]]);

// The shapes the windows see are the bridge's (shared/bridge/contract.ts): one definition for
// the core, the shells and the renderer. The core's batches carry no settings and its snapshot
// no user, answers or settings (the session adds them).
export {
  AnswerSchema, CaseDetailSchema, ConnectionStateSchema, CoreSnapshotSchema, LINK_STATES, PendingCommandSchema, TimelineEntrySchema,
  type Answer, type CaseDetail, type ConnectionState, type CoreSnapshot, type PendingCommand, type TimelineEntry,
} from '../../shared/bridge/contract';

export const ChangeBatchSchema = BridgeChangeBatchSchema.omit({ settings: true });
export type ChangeBatch = z.infer<typeof ChangeBatchSchema>;

/**
 * The snapshot as it crosses the process host: the cases as one JSON text of their compact wire
 * form (shared/bridge/contract.ts CaseRows, made by the replica from its stored rows), the rest
 * as objects checked in full. See `casesFromRowsJson` for the cases' check.
 */
export const CoreSnapshotWireSchema = CoreSnapshotSchema.omit({ cases: true }).extend({
  caseRowsJson: z.string().refine((t) => t.startsWith('{"fields":') && t.endsWith(']}'), { message: 'not the JSON of case rows' }),
});
export type CoreSnapshotWire = z.infer<typeof CoreSnapshotWireSchema>;

/**
 * The cases of a wire snapshot as objects. They come from our own core process, which checked
 * each one (zod) when it entered the replica: here a structural check only (decodeCaseRows:
 * rows of the named fields, each case with an id, a version and a status), not a deep
 * re-validation of 20,000 cases (issue 5).
 */
export function casesFromRowsJson(text: string): CoreSnapshot['cases'] {
  return decodeCaseRows(JSON.parse(text));
}

export const CoreOptionsSchema = z
  .object({
    /** Folder of this workstation's files; each user gets a folder of their own inside. */
    dataDir: z.string().min(1),
    /** One hub, or the nodes of a cluster as a comma-separated list (sync/hubs.ts). */
    hubUrl: HubAddressesSchema,
    username: z.string().min(1).max(64),
    password: z.string().min(1).max(200).optional(),
    /** A session token from a login done elsewhere (the login window). */
    token: z.string().min(1).max(4096).optional(),
    /** How long to wait for the hub's answer to one request before trying again. */
    ackTimeoutMs: z.number().int().min(50).max(120_000).default(10_000),
    catchupLimit: z.number().int().min(1).max(5000).default(1000),
    /** better-sqlite3's addon built for this runtime (Electron's ABI differs from Node's; ARCHITECTURE §7). */
    nativeBinding: z.string().min(1).optional(),
  })
  .refine((o) => o.password !== undefined || o.token !== undefined, { message: 'a password or a token is needed' });
export type CoreOptionsInput = z.input<typeof CoreOptionsSchema>;
export type CoreOptions = z.output<typeof CoreOptionsSchema>;

export const CommandAcceptedSchema = z.object({ commandId: z.string().uuid() });
export type CommandAccepted = z.infer<typeof CommandAcceptedSchema>;

export const SearchArgsSchema = z.tuple([z.string().max(200), z.number().int().min(1).max(500).optional()]);
export const CommandArgsSchema = z.tuple([CommandTypeSchema, z.unknown(), z.number().int().positive().nullable()]);
export const IdArgSchema = z.tuple([z.string().min(1).max(64)]);
