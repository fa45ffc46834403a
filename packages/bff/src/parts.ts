import { z } from 'zod';
import { DomainError } from '@stratum/platform';

/** A part of a BFF answer: its data, or why it is missing. */
export type Part<T> =
  { status: 'ok'; data: T } | { status: 'unavailable'; code: string; detail: string };

export const unavailablePart = z.object({
  status: z.literal('unavailable'),
  /** The failing module's error code, `part-timeout`, `permission-denied` or `part-failed`. */
  code: z.string(),
  detail: z.string(),
});

/** The schema of a part holding `data`. */
export const partOf = <T extends z.ZodType>(data: T) =>
  z.discriminatedUnion('status', [z.object({ status: z.literal('ok'), data }), unavailablePart]);

export const missing = (code: string, detail: string): Part<never> => ({
  status: 'unavailable',
  code,
  detail,
});

/** Thrown when a part's deadline passes; the part's source is aborted at the same time. */
class PartTimeout extends Error {
  constructor(part: string, ms: number) {
    super(`${part} did not answer within ${ms} ms.`);
    this.name = 'PartTimeout';
  }
}

export interface PartFailure {
  part: string;
  error: unknown;
}

/**
 * Runs one part's fetch under its deadline and turns any failure into an
 * `unavailable` part, so that one slow or failing module costs only its own
 * part of the answer. A module's DomainError keeps its code and message;
 * anything else is reported without its internals.
 */
export async function runPart<T>(
  part: string,
  fetch: (signal: AbortSignal) => Promise<T>,
  options: {
    timeoutMs: number;
    onFailure?: (failure: PartFailure) => void;
    /** Failures that fail the whole request instead of the part (see `isRequestError`). */
    rethrow?: (error: unknown) => boolean;
  },
): Promise<Part<T>> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new PartTimeout(part, options.timeoutMs);
      controller.abort(error);
      reject(error);
    }, options.timeoutMs);
  });
  try {
    return { status: 'ok', data: await Promise.race([fetch(controller.signal), deadline]) };
  } catch (error) {
    if (options.rethrow?.(error)) throw error;
    options.onFailure?.({ part, error });
    return toMissing(part, error);
  } finally {
    clearTimeout(timer);
  }
}

function toMissing(part: string, error: unknown): Part<never> {
  if (error instanceof PartTimeout) return missing('part-timeout', error.message);
  if (error instanceof DomainError) return missing(error.code, error.message);
  return missing('part-failed', `${part} could not be loaded.`);
}

/** The part's data, or undefined when it is missing. */
export const dataOf = <T>(part: Part<T>): T | undefined =>
  part.status === 'ok' ? part.data : undefined;

/**
 * A failure of the request itself rather than of a part: the caller named
 * something that does not exist, may not see it, or sent something invalid.
 * Those answer as the problem they are instead of a degraded answer.
 */
export function isRequestError(error: unknown): error is DomainError {
  return (
    error instanceof DomainError &&
    (error.kind === 'not-found' ||
      error.kind === 'forbidden' ||
      error.kind === 'invalid' ||
      error.kind === 'unauthenticated')
  );
}

/** A 503 when not one part could be loaded: a degraded answer with nothing in it helps no one. */
export function assertSomePart(parts: Record<string, Part<unknown>>): void {
  const entries = Object.entries(parts);
  if (entries.some(([, p]) => p.status === 'ok')) return;
  throw new DomainError(
    'bff-unavailable',
    'No part of the answer could be loaded.',
    'unavailable',
    {
      parts: Object.fromEntries(
        entries.map(([name, p]) => [name, p.status === 'unavailable' ? p.code : 'ok']),
      ),
    },
  );
}
