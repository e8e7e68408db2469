/** Operations as the board and the console read them. */
import { createSelector } from '@reduxjs/toolkit';
import type { Answer, PendingCommand } from '../../../shared/bridge/contract';
import type { RootState } from '../../app/store';
import { selectAllCases } from '../cases/selectors';
import { casesOfOperation, compareOperations, stoodDownOperations } from './model';
import { operationsAdapter } from './slice';

const adapterSelectors = operationsAdapter.getSelectors((s: RootState) => s.operations);
export const selectOperationEntities = adapterSelectors.selectEntities;
export const selectOperationById = adapterSelectors.selectById;

/** Active first (highest level first), then the stood-down, newest first. */
export const selectOperations = createSelector([adapterSelectors.selectAll], (all) => [...all].sort(compareOperations));
export const selectActiveOperations = createSelector([selectOperations], (all) => all.filter((o) => o.status === 'active'));
/** The stood-down operations, the latest stand-down first. */
export const selectStoodDownOperations = createSelector([adapterSelectors.selectAll], (all) => stoodDownOperations(all));

/** The highest level in force (1 = Ⅰ), or null when no operation is active: the console's badge. */
export const selectHighestActiveLevel = createSelector([selectActiveOperations], (active) => (active.length ? Math.min(...active.map((o) => o.level)) as 1 | 2 | 3 | 4 : null));

export const selectCasesOfOperation = createSelector(
  [(s: RootState, id: string) => selectOperationById(s, id), selectAllCases],
  (op, cases) => (op ? casesOfOperation(op, cases) : { linked: [], inArea: [] }),
);

const operationIdOf = (payload: unknown): string | null =>
  payload && typeof payload === 'object' && typeof (payload as { operationId?: unknown }).operationId === 'string' ? (payload as { operationId: string }).operationId : null;

const isOperationCommand = (type: string) => type.startsWith('operation.');

/**
 * Operation commands still in the outbox that concern `id` (null: activations, which have no
 * operation yet).
 */
export const selectPendingOfOperation = createSelector(
  [(s: RootState) => s.outbox.pending, (_s: RootState, id: string | null) => id],
  (pending, id): PendingCommand[] => pending.filter((p) => isOperationCommand(p.type) && operationIdOf(p.payload) === id),
);

/**
 * The hub's refusals of operation commands this window sent about `id` (null: activations),
 * newest first. The answer does not name its operation; the outbox's record of what was sent does.
 */
export const selectRefusalsOfOperation = createSelector(
  [(s: RootState) => s.outbox.answers, (s: RootState) => s.operationsBoard.sent, (_s: RootState, id: string | null) => id],
  (answers, sent, id): Answer[] => answers.filter((a) => !a.result.ok && isOperationCommand(a.type) && a.commandId in sent && sent[a.commandId] === id).reverse(),
);
