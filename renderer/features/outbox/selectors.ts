/** The outbox seen per case, and refusals explained. */
import { createSelector } from '@reduxjs/toolkit';
import type { Answer, PendingCommand } from '../../../shared/bridge/contract';
import type { RootState } from '../../app/store';

export const selectPending = (s: RootState) => s.outbox.pending;
export const selectAnswers = (s: RootState) => s.outbox.answers;
const selectSubmitted = (s: RootState) => s.outbox.submitted;

function caseIdOf(p: PendingCommand): string | null {
  const v = p.payload as { caseId?: unknown } | null;
  return v && typeof v.caseId === 'string' ? v.caseId : null;
}

export const selectPendingByCase = createSelector([selectPending], (pending) => {
  const map = new Map<string, PendingCommand[]>();
  for (const p of pending) {
    const id = caseIdOf(p);
    if (id) map.set(id, [...(map.get(id) ?? []), p]);
  }
  return map;
});

export interface Refusal {
  answer: Answer;
  caseId: string | null;
  /** The step's command type, e.g. case.dispatch. */
  type: string;
  code: string;
  message: string;
  seenVersion: number | null;
  currentVersion: number | null;
}

export const selectRefusals = createSelector([selectAnswers, selectSubmitted], (answers, submitted): Refusal[] =>
  answers.flatMap((a) => {
    if (a.result.ok) return [];
    const mine = submitted[a.commandId];
    return [{
      answer: a,
      caseId: mine?.caseId ?? null,
      type: a.type,
      code: a.result.error.code,
      message: a.result.error.message,
      seenVersion: mine?.expectedVersion ?? null,
      currentVersion: a.result.currentVersion ?? null,
    }];
  }));

/** Refusals that came while the window watched and were not yet acknowledged, newest first. */
export const selectUnreadRefusals = createSelector([selectRefusals, (s: RootState) => s.outbox.unread], (refusals, unread) =>
  refusals.filter((r) => unread.includes(r.answer.commandId)).reverse());

/** The refusals about one case, newest first (the case view explains the latest ones). */
export const selectRefusalsOfCase = createSelector([selectRefusals, (_s: RootState, caseId: string) => caseId], (refusals, caseId) =>
  refusals.filter((r) => r.caseId === caseId).reverse().slice(0, 3));
