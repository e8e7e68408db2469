/** Operation commands from the board: into the core's outbox (exactly once, offline too), answered later as a change batch. */
import type { OperationCommandType } from '../../../shared/protocol/commands';
import type { AppDispatch } from '../../app/store';
import { sendCommand } from '../outbox/slice';

/** Resolves with null once the command is in the outbox, or with the error that kept it out. */
export async function sendOperationCommand(
  dispatch: AppDispatch, type: OperationCommandType, payload: Record<string, unknown>, expectedVersion: number | null,
): Promise<{ commandId: string } | { error: { code: string; message: string } }> {
  const r = await dispatch(sendCommand({ type, payload, expectedVersion }));
  if (sendCommand.fulfilled.match(r)) return { commandId: r.payload.commandId };
  return { error: r.payload ?? { code: 'internal', message: r.error.message ?? '' } };
}
