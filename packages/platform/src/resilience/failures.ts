import { DomainError } from '../errors.ts';

/**
 * Stable codes for a call to a dependency that did not get an answer. All are
 * of kind 'unavailable', so the HTTP edge answers 503 and names the dependency.
 */
export const dependencyErrorCodes = [
  /** The circuit breaker is open: the dependency failed repeatedly and is left alone to recover. */
  'dependency-circuit-open',
  /** The bulkhead is full: too many calls to the dependency are already in flight. */
  'dependency-busy',
  /** No answer within the attempt timeout or the overall deadline. */
  'dependency-timeout',
  /** The dependency kept failing (5xx, network error) after every retry allowed. */
  'dependency-unavailable',
] as const;

export type DependencyErrorCode = (typeof dependencyErrorCodes)[number];

const messages: Record<DependencyErrorCode, (dependency: string) => string> = {
  'dependency-circuit-open': (d) => `${d} is failing; calls are suspended while it recovers.`,
  'dependency-busy': (d) => `Too many calls to ${d} are in flight; try again shortly.`,
  'dependency-timeout': (d) => `${d} did not answer in time.`,
  'dependency-unavailable': (d) => `${d} is unavailable.`,
};

/** A 503 DomainError naming the dependency (details: `{ dependency, ...extra }`). */
export function dependencyError(
  code: DependencyErrorCode,
  dependency: string,
  options: { cause?: unknown; details?: Record<string, unknown> } = {},
): DomainError {
  const error = new DomainError(code, messages[code](dependency), 'unavailable', {
    dependency,
    ...options.details,
  });
  if (options.cause !== undefined) error.cause = options.cause;
  return error;
}

/** Error codes of the socket layer that mean "the network failed", not "the server said no". */
const networkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);

/**
 * cockatiel marks its errors with a flag property. Its own `isTaskCancelledError`
 * (3.2.1) tests the bulkhead's flag by mistake, so these checks are our own.
 */
const flagged = (flag: string) => (error: unknown) => error instanceof Error && flag in error;
const isBrokenCircuitError = flagged('isBrokenCircuitError');
const isBulkheadRejectedError = flagged('isBulkheadRejectedError');
const isTaskCancelledError = flagged('isTaskCancelledError');

function property(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

/**
 * The default answer to "may this failure go away if we try again?". Only
 * failures that say nothing about the request itself qualify:
 * - an error carrying an explicit boolean `transient` decides for itself;
 * - an HTTP status (`status` or `statusCode`) is transient when 5xx, never when 4xx;
 * - timeouts (cockatiel's TaskCancelledError, AbortSignal.timeout's TimeoutError);
 * - network failures (fetch's "fetch failed" TypeError, socket error codes, also as `cause`);
 * - a DomainError of kind 'unavailable' (a remote module answering 503).
 * Anything else, including every unknown error, is not retried: a payment
 * request retried on a bug is worse than one that fails.
 */
export function isTransientFailure(error: unknown): boolean {
  const flag = property(error, 'transient');
  if (typeof flag === 'boolean') return flag;
  if (error instanceof DomainError) return error.kind === 'unavailable';
  const status = property(error, 'status') ?? property(error, 'statusCode');
  if (typeof status === 'number') return status >= 500;
  if (isTaskCancelledError(error)) return true;
  if (!(error instanceof Error)) return false;
  if (error.name === 'TimeoutError') return true;
  if (error.name === 'TypeError' && error.message === 'fetch failed') return true;
  const code = property(error, 'code');
  if (typeof code === 'string' && networkCodes.has(code)) return true;
  return error.cause !== undefined && error.cause !== error && isNetworkCause(error.cause);
}

function isNetworkCause(cause: unknown): boolean {
  const code = property(cause, 'code');
  return typeof code === 'string' && networkCodes.has(code);
}

/**
 * Translates what a policy threw into what the caller sees: cockatiel's own
 * rejections and exhausted transient failures become dependency errors; any
 * other error (a DomainError from the adapter, a bug) passes through untouched.
 */
export function toCallerError(
  error: unknown,
  dependency: string,
  extra: { retryAfterSeconds?: number } = {},
): unknown {
  if (error instanceof DomainError) return error;
  if (isBrokenCircuitError(error)) {
    return dependencyError('dependency-circuit-open', dependency, {
      cause: error,
      ...(extra.retryAfterSeconds !== undefined && {
        details: { retryAfterSeconds: extra.retryAfterSeconds },
      }),
    });
  }
  if (isBulkheadRejectedError(error)) {
    return dependencyError('dependency-busy', dependency, { cause: error });
  }
  if (isTaskCancelledError(error) || (error instanceof Error && error.name === 'TimeoutError')) {
    return dependencyError('dependency-timeout', dependency, { cause: error });
  }
  if (isTransientFailure(error)) {
    return dependencyError('dependency-unavailable', dependency, { cause: error });
  }
  return error;
}
