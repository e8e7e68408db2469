/**
 * A refusal in the officer's language, by error code. A conflict says what happened (someone
 * else changed the case) and what the case is now, so the officer can decide again.
 */
import type { Case } from '../../../shared/protocol/entities';
import type { Refusal } from './selectors';

export type Translate = (key: string, options?: Record<string, unknown>) => string;

export function explainError(t: Translate, code: string, message: string): string {
  return t(`errors.${code}`, { defaultValue: message || t('errors.internal') });
}

/** The headline, and for a conflict a second line with the versions and the current status. */
export function explainRefusal(t: Translate, r: Refusal, current: Case | undefined): string[] {
  const head = explainError(t, r.code, r.message);
  if (r.code !== 'conflict') return [head];
  return [head, t('errors.conflictDetail', {
    seen: r.seenVersion ?? '?',
    current: current?.version ?? r.currentVersion ?? '?',
    status: current ? t(`status.${current.status}`) : '?',
  })];
}

/** "case.dispatch" → the step's name ("派遣"). */
export function stepNameOfCommand(t: Translate, type: string): string {
  // An operation board's command (its answer reaches every window of the core).
  if (type.startsWith('operation.')) return t(`operation.command.${type.slice('operation.'.length)}`, { defaultValue: type });
  const step = type === 'case.verify' ? 'verify' : type.replace(/^case\./, '');
  return t(`step.${step}`, { defaultValue: type });
}
