/**
 * The one path by which the district's state changes. In a single transaction: deduplicate by
 * commandId, check, mutate, append events (gap-free seq), append to the audit chain and keep
 * the answer, so a repeat — even after a restart — gets the first answer and nothing twice.
 */
import { toErrorInfo } from '../../shared/domain/errors';
import { READ_ONLY_ROLES, type Actor } from '../../shared/domain/roles';
import { parseCommand, type Command, type CommandResult, type HubEvent } from '../../shared/protocol';
import type { Db } from '../store/db';
import type { EventLog, NewEvent } from '../events/log';
import type { AuditChain } from '../audit/chain';
import type { CommandContext, HandlerResult, Rules } from './context';
import { actOnCase, reportCase } from './cases';
import { setCameraStatus, setUnitStatus } from './assets';
import { actOnOperation, isOperationCommand } from './operations';

export interface Applier {
  /**
   * Applies one command inside the caller's open transaction (a batch): the command's own
   * changes sit in a savepoint, so a refusal undoes only them.
   */
  applyInTx(actor: Actor, raw: unknown): { result: CommandResult; events: HubEvent[] };
}

function handle(ctx: CommandContext, actor: Actor, cmd: Command): HandlerResult {
  if (isOperationCommand(cmd)) return actOnOperation(ctx, actor, cmd);
  switch (cmd.type) {
    case 'case.report':
      return reportCase(ctx, actor, cmd.commandId, cmd.payload);
    case 'unit.setStatus':
      return setUnitStatus(ctx, actor, cmd.commandId, cmd.payload, cmd.expectedVersion);
    case 'camera.setStatus':
      return setCameraStatus(ctx, actor, cmd.commandId, cmd.payload, cmd.expectedVersion);
    default:
      return actOnCase(ctx, actor, cmd.commandId, cmd.type, cmd.payload, cmd.expectedVersion);
  }
}

export function createApplier(db: Db, log: EventLog, audit: AuditChain, rules: Rules, clock: () => number = Date.now): Applier {
  const findAnswer = db.prepare('SELECT result FROM commands WHERE command_id = ?');
  const keepAnswer = db.prepare('INSERT INTO commands (command_id, user_id, type, at, result) VALUES (?, ?, ?, ?, ?)');

  return {
    applyInTx(actor, raw) {
      const commandId = typeof (raw as { commandId?: unknown })?.commandId === 'string' ? String((raw as { commandId: string }).commandId).slice(0, 64) : '';
      const parsed = parseCommand(raw);
      if (!parsed.ok) return { result: { ok: false, commandId, error: { code: 'invalid_input', message: parsed.message } }, events: [] };
      const cmd = parsed.command;
      const first = findAnswer.get(cmd.commandId) as { result: string } | undefined;
      if (first) return { result: JSON.parse(first.result) as CommandResult, events: [] };
      if (READ_ONLY_ROLES.includes(actor.role)) {
        return { result: { ok: false, commandId, error: { code: 'forbidden', message: `role ${actor.role} is read-only` } }, events: [] };
      }
      const now = clock();
      const pending: NewEvent[] = [];
      let rollbackAudit: (() => void) | null = null;
      const mark = log.mark();
      try {
        // Nested in the batch's transaction, better-sqlite3 makes this a savepoint.
        const { result, events } = db.transaction(() => {
          const ctx: CommandContext = { db, now, rules, emit: (e) => pending.push(e) };
          const r = handle(ctx, actor, cmd);
          const events = log.appendInTx(now, pending);
          rollbackAudit = audit.appendInTx({ at: now, userId: actor.userId, commandId: cmd.commandId, type: cmd.type, entityId: r.entityId, before: r.before, after: r.after });
          const last = events[events.length - 1];
          const result: CommandResult = { ok: true, commandId: cmd.commandId, entityId: r.entityId, version: r.version, seq: last ? last.seq : log.mark() };
          keepAnswer.run(cmd.commandId, actor.userId, cmd.type, now, JSON.stringify(result));
          return { result, events };
        })();
        return { result, events };
      } catch (e) {
        (rollbackAudit as (() => void) | null)?.();
        log.rewind(mark);
        const error = toErrorInfo(e);
        const currentVersion = (e as { currentVersion?: number }).currentVersion ?? null;
        const result: CommandResult = { ok: false, commandId: cmd.commandId, error, currentVersion };
        // A refusal is an answer too: keep it so a resend gets the same one. Failures of the
        // hub itself (internal) are not kept: the resend may well succeed.
        if (error.code !== 'internal') keepAnswer.run(cmd.commandId, actor.userId, cmd.type, now, JSON.stringify(result));
        return { result, events: [] };
      }
    },
  };
}
