/**
 * Errors are data (ARCHITECTURE §4): every refusal carries a code the UI can translate.
 * Domain functions throw DomainError; boundaries turn it into `{code, message}`.
 */
export const ERROR_CODES = [
  'invalid_input',
  'outside_district',
  'unknown_category',
  'unknown_urgency',
  'unknown_region',
  'unknown_department',
  'invalid_transition',
  'forbidden',
  'out_of_scope',
  'conflict',
  'not_found',
  'unauthenticated',
  'locked_out',
  'invalid_calendar',
  'snapshot_needed',
  /** The hub cannot be reached now (a query that only the hub answers, e.g. statistics). */
  'offline',
  'busy',
  /** The hub's store did not take the change (PostgreSQL down, disk full): nothing happened; send it again. */
  'unavailable',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorInfo {
  code: ErrorCode;
  message: string;
}

export class DomainError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
  }
  toInfo(): ErrorInfo {
    return { code: this.code, message: this.message };
  }
}

export function isDomainError(e: unknown): e is DomainError {
  return e instanceof DomainError;
}

/** Any thrown value as `{code, message}`; unknown failures become `internal`. */
export function toErrorInfo(e: unknown): ErrorInfo {
  if (e instanceof DomainError) return e.toInfo();
  return { code: 'internal', message: e instanceof Error ? e.message : String(e) };
}
