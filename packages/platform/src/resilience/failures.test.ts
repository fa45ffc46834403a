import { BrokenCircuitError, BulkheadRejectedError, TaskCancelledError } from 'cockatiel';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.ts';
import { dependencyError, isTransientFailure, toCallerError } from './failures.ts';

const withStatus = (status: number) => Object.assign(new Error('http'), { status });
const socketError = (code: string) => Object.assign(new Error(code), { code });

describe('isTransientFailure', () => {
  it('counts 5xx answers as transient and never 4xx answers', () => {
    expect([500, 502, 503, 504].map((s) => isTransientFailure(withStatus(s)))).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect([400, 402, 404, 408, 409, 422, 429].some((s) => isTransientFailure(withStatus(s)))).toBe(
      false,
    );
    expect(isTransientFailure(Object.assign(new Error(), { statusCode: 503 }))).toBe(true);
  });

  it('counts timeouts and network failures as transient', () => {
    expect(isTransientFailure(new TaskCancelledError())).toBe(true);
    expect(isTransientFailure(new DOMException('slow', 'TimeoutError'))).toBe(true);
    expect(isTransientFailure(new TypeError('fetch failed'))).toBe(true);
    expect(isTransientFailure(socketError('ECONNRESET'))).toBe(true);
    expect(isTransientFailure(new Error('wrapped', { cause: socketError('ECONNREFUSED') }))).toBe(
      true,
    );
  });

  it('does not retry unknown errors, other type errors or non-errors', () => {
    expect(isTransientFailure(new Error('bug'))).toBe(false);
    expect(isTransientFailure(new TypeError('x is undefined'))).toBe(false);
    expect(isTransientFailure('503')).toBe(false);
    expect(isTransientFailure(undefined)).toBe(false);
  });

  it('lets an error mark itself with an explicit transient flag', () => {
    expect(isTransientFailure(Object.assign(withStatus(503), { transient: false }))).toBe(false);
    expect(isTransientFailure(Object.assign(new Error('flaky'), { transient: true }))).toBe(true);
  });

  it('treats a remote DomainError as transient only when it is of kind unavailable', () => {
    expect(isTransientFailure(new DomainError('x', undefined, 'unavailable'))).toBe(true);
    expect(isTransientFailure(new DomainError('x', undefined, 'conflict'))).toBe(false);
  });
});

describe('toCallerError', () => {
  it('maps cockatiel rejections to 503 DomainErrors with stable codes naming the dependency', () => {
    const cases = [
      [new BrokenCircuitError(), 'dependency-circuit-open'],
      [new BulkheadRejectedError(1, 0), 'dependency-busy'],
      [new TaskCancelledError(), 'dependency-timeout'],
      [withStatus(503), 'dependency-unavailable'],
    ] as const;
    for (const [error, code] of cases) {
      const mapped = toCallerError(error, 'processor');
      expect(mapped).toBeInstanceOf(DomainError);
      expect(mapped).toMatchObject({
        code,
        kind: 'unavailable',
        details: { dependency: 'processor' },
      });
      expect((mapped as Error).cause).toBe(error);
    }
  });

  it('leaves domain errors and non-transient errors untouched', () => {
    const domain = new DomainError('payment-voided');
    const notFound = withStatus(404);
    expect(toCallerError(domain, 'processor')).toBe(domain);
    expect(toCallerError(notFound, 'processor')).toBe(notFound);
  });

  it('adds the seconds until the circuit may close to a circuit-open error', () => {
    expect(toCallerError(new BrokenCircuitError(), 'p', { retryAfterSeconds: 7 })).toMatchObject({
      details: { dependency: 'p', retryAfterSeconds: 7 },
    });
  });
});

describe('dependencyError', () => {
  it('names the dependency in its message', () => {
    expect(dependencyError('dependency-busy', 'card processor').message).toContain(
      'card processor',
    );
  });
});
