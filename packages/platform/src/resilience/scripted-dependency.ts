// Support for the resilience tests: a real async dependency that misbehaves on
// demand. Not used by production code.
import { DomainError } from '../errors.ts';
import type { CallPolicyOptions } from './call-policy.ts';

/** What the fake dependency does on a call: answer, fail with a value, or never answer. */
type Step = { ok: string } | { fail: unknown } | 'hang' | 'hang-deaf' | 'gate';

/**
 * A real async dependency that follows a script (the last step repeats) and
 * records the signal of every call. 'hang' settles only when its signal
 * aborts; 'hang-deaf' ignores the signal; 'gate' waits for `open()`.
 */
export function dependency(...script: Step[]) {
  const signals: AbortSignal[] = [];
  const gates: Array<() => void> = [];
  const call = (signal: AbortSignal): Promise<string> => {
    signals.push(signal);
    const step = script[Math.min(signals.length, script.length) - 1] ?? 'hang';
    if (step === 'hang') {
      return new Promise((_, reject) =>
        signal.addEventListener('abort', () => reject(new Error('aborted'))),
      );
    }
    if (step === 'hang-deaf') return new Promise(() => {});
    if (step === 'gate') return new Promise((resolve) => gates.push(() => resolve('opened')));
    if ('ok' in step) return Promise.resolve(step.ok);
    return Promise.reject(step.fail instanceof Error ? step.fail : new Error(String(step.fail)));
  };
  return {
    call,
    signals,
    get calls() {
      return signals.length;
    },
    open: () => gates.splice(0).forEach((release) => release()),
  };
}

export const status = (code: number) => Object.assign(new Error(`HTTP ${code}`), { status: code });

/** The DomainError a promise rejects with; fails the test on anything else. */
export async function rejectionOf(promise: Promise<unknown>): Promise<DomainError> {
  const outcome = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(outcome instanceof DomainError))
    throw new Error(`expected a DomainError, got ${String(outcome)}`);
  return outcome;
}

/** Short delays, so that the tests run fast; each test overrides what it exercises. */
export const fast: CallPolicyOptions = {
  attemptTimeoutMs: 1_000,
  deadlineMs: 5_000,
  retry: { maxRetries: 2, initialDelayMs: 1, maxDelayMs: 5 },
  breaker: { consecutiveFailures: 3, halfOpenAfterMs: 60_000 },
  bulkhead: { maxConcurrent: 4, maxQueued: 0 },
};
