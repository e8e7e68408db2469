/** A refusal of an operation command in the coordinator's words: the board's own texts first, the console's otherwise. */
import { explainError, type Translate } from '../outbox/explain';

export function explainOperationError(t: Translate, code: string, message: string): string {
  return t(`operation.errors.${code}`, { defaultValue: explainError(t, code, message) });
}
