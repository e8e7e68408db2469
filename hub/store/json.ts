/**
 * One JSON text per state object. A case's new state is written to its row, into its event and
 * into the audit entry's `after`, and its previous state into `before`: without this, every
 * command stringified the same case three or four times (a generated month runs 250k commands).
 * Only for objects never changed after they are stored, which is how the handlers build states.
 */
const texts = new WeakMap<object, string>();

/** The object parsed from `text`, remembered with it. */
export function parseKept<T extends object>(text: string): T {
  const value = JSON.parse(text) as T;
  texts.set(value, text);
  return value;
}

/** JSON.stringify, once per object. */
export function jsonOf(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  let text = texts.get(value);
  if (text === undefined) {
    text = JSON.stringify(value);
    texts.set(value, text);
  }
  return text;
}
