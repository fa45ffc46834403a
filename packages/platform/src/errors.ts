/** Field-level detail attached to a validation problem. */
export interface FieldError {
  readonly path: string;
  readonly message: string;
  readonly code?: string;
}

/**
 * The one error type of the domain: a stable kebab-case code that clients can
 * rely on, plus a human message. HTTP status comes from the code's kind.
 */
export class DomainError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  readonly details?: Record<string, unknown>;
  constructor(
    code: string,
    message?: string,
    kind: ErrorKind = 'conflict',
    details?: Record<string, unknown>,
  ) {
    super(message ?? code);
    this.name = 'DomainError';
    this.code = code;
    this.kind = kind;
    if (details) this.details = details;
  }
}

export type ErrorKind =
  | 'invalid'
  | 'unauthenticated'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'unprocessable'
  | 'rate-limited'
  | 'unavailable';

export const statusOfKind: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  unprocessable: 422,
  'rate-limited': 429,
  unavailable: 503,
};

/**
 * Throws the module error `code`. Declare it with this type (not inferred) so
 * TypeScript's control-flow analysis knows the call never returns.
 */
export type Raise<C extends string> = (
  code: C,
  message?: string,
  details?: Record<string, unknown>,
) => never;

/** Declares a module's error codes once, so contract and handlers agree on them. */
export function defineErrors<const T extends Record<string, ErrorKind>>(codes: T) {
  type Code = keyof T & string;
  const error = (code: Code, message?: string, details?: Record<string, unknown>) =>
    new DomainError(code, message, codes[code], details);
  const raise: Raise<Code> = (code, message, details) => {
    throw error(code, message, details);
  };
  return { codes, raise, error };
}
