import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  TaskCancelledError,
  TimeoutStrategy,
  bulkhead,
  circuitBreaker,
  decorrelatedJitterGenerator,
  handleWhen,
  retry,
  timeout,
  type IDisposable,
} from 'cockatiel';
import { isTransientFailure, toCallerError } from './failures.ts';

/** How calls to one dependency are protected. Every field has a default. */
export interface CallPolicyOptions {
  /** Longest wait for one attempt (ms); the attempt's signal is aborted then. */
  attemptTimeoutMs?: number;
  /** Longest wait for the whole call, queueing, retries and backoff included (ms). */
  deadlineMs?: number;
  retry?: {
    /** Retries after the first attempt (idempotent calls only). */
    maxRetries?: number;
    /** First backoff delay (ms); later ones grow exponentially, with decorrelated jitter. */
    initialDelayMs?: number;
    maxDelayMs?: number;
  };
  breaker?: {
    /** Consecutive transient failures that open the circuit. */
    consecutiveFailures?: number;
    /** Cool-down (ms) after which one trial call is let through. */
    halfOpenAfterMs?: number;
  };
  bulkhead?: {
    /** Calls in flight at once. */
    maxConcurrent?: number;
    /** Calls waiting for a slot; one more is rejected with dependency-busy. */
    maxQueued?: number;
  };
  /** Which failures are worth retrying and count against the circuit. */
  isTransient?: (error: unknown) => boolean;
  /** Observes what the policy does, for logs and metrics. */
  onEvent?: (event: CallPolicyEvent) => void;
}

export type CallPolicyEvent =
  | { type: 'retry'; dependency: string; attempt: number; delayMs: number }
  | { type: 'circuit-opened' | 'circuit-half-open' | 'circuit-closed'; dependency: string }
  | { type: 'bulkhead-rejected'; dependency: string }
  | { type: 'attempt-timeout'; dependency: string };

export type CircuitStatus = 'closed' | 'open' | 'half-open' | 'isolated';

export interface CallPolicyState {
  readonly dependency: string;
  /** 'half-open' also when the cool-down is over and the next call will be the trial. */
  readonly circuit: CircuitStatus;
  readonly bulkheadActive: number;
  readonly bulkheadQueued: number;
  readonly bulkheadLimit: number;
  readonly queueLimit: number;
}

/** What a policy did since it was made, for metrics. */
export interface CallPolicyCounts {
  /** Attempts started again after a transient failure. */
  readonly retries: number;
  /** Attempts cut by the attempt timeout plus calls cut by the deadline. */
  readonly timeouts: number;
  /** Attempts refused without a call because the circuit was open. */
  readonly circuitRejections: number;
  /** Calls refused because the bulkhead and its queue were full. */
  readonly bulkheadRejections: number;
}

export interface CallPolicy {
  readonly name: string;
  /**
   * Runs `fn` under the policy. `fn` must honour `signal` (pass it to the request):
   * it is aborted when the attempt times out or the deadline passes. Only an
   * `idempotent` call is retried, and only on transient failures. Rejects with
   * the DomainErrors `dependency-circuit-open`, `dependency-busy`,
   * `dependency-timeout` or `dependency-unavailable` (kind 'unavailable'), or
   * with whatever non-transient error `fn` threw.
   */
  execute<T>(
    fn: (signal: AbortSignal) => Promise<T>,
    opts: { idempotent: boolean; signal?: AbortSignal },
  ): Promise<T>;
  state(): CallPolicyState;
  counts(): CallPolicyCounts;
  /** Stops reporting events and metrics. Calls in flight finish normally. */
  dispose(): void;
}

export const callPolicyDefaults = {
  attemptTimeoutMs: 2_000,
  deadlineMs: 8_000,
  retry: { maxRetries: 2, initialDelayMs: 100, maxDelayMs: 1_000 },
  breaker: { consecutiveFailures: 5, halfOpenAfterMs: 10_000 },
  bulkhead: { maxConcurrent: 16, maxQueued: 8 },
} as const;

const circuitNames: Record<CircuitState, CircuitStatus> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'isolated',
};

/**
 * Every policy not yet disposed, held weakly so that a policy its owner drops
 * is not kept alive just to be measured. Telemetry reads it to export each
 * policy's circuit state and counts (see telemetry/call-policy-metrics.ts).
 */
const livePolicies = new Set<WeakRef<CallPolicy>>();

/** The policies made by `createCallPolicy` that are still in use. */
export function liveCallPolicies(): CallPolicy[] {
  const policies: CallPolicy[] = [];
  for (const ref of livePolicies) {
    const policy = ref.deref();
    if (policy) policies.push(policy);
    else livePolicies.delete(ref);
  }
  return policies;
}

/**
 * Timeout, retry, circuit breaker and bulkhead for calls to one dependency,
 * on cockatiel. Share one policy per dependency: the breaker and the bulkhead
 * only work if every call goes through the same instance.
 *
 * Order, outermost first (as in .NET's standard resilience handler, with the
 * deadline moved out so that queueing counts against it):
 * deadline → bulkhead → retry → circuit breaker → attempt timeout → fn.
 * The bulkhead sits outside the retry, so retries never raise concurrency
 * past its limit; the breaker sits inside, so it sees every attempt.
 */
export function createCallPolicy(name: string, options: CallPolicyOptions = {}): CallPolicy {
  const d = callPolicyDefaults;
  const attemptTimeoutMs = options.attemptTimeoutMs ?? d.attemptTimeoutMs;
  const deadlineMs = options.deadlineMs ?? d.deadlineMs;
  const maxRetries = options.retry?.maxRetries ?? d.retry.maxRetries;
  const halfOpenAfterMs = options.breaker?.halfOpenAfterMs ?? d.breaker.halfOpenAfterMs;
  const limit = options.bulkhead?.maxConcurrent ?? d.bulkhead.maxConcurrent;
  const queue = options.bulkhead?.maxQueued ?? d.bulkhead.maxQueued;
  const isTransient = options.isTransient ?? isTransientFailure;
  const transient = handleWhen((error) => isTransient(error));

  // A call that returned has settled: its signal is aborted only by a timeout, never
  // on return (cockatiel's default aborts it then, building an AbortError with a stack
  // trace per call, and would cut off work the call hands on, such as a streamed body).
  const timeoutOptions = { strategy: TimeoutStrategy.Aggressive, abortOnReturn: false };
  const deadline = timeout(deadlineMs, timeoutOptions);
  const limiter = bulkhead(limit, queue);
  const retrying = retry(transient, {
    maxAttempts: maxRetries,
    backoff: new ExponentialBackoff({
      generator: decorrelatedJitterGenerator,
      initialDelay: options.retry?.initialDelayMs ?? d.retry.initialDelayMs,
      maxDelay: options.retry?.maxDelayMs ?? d.retry.maxDelayMs,
    }),
  });
  // Only transient failures count: a 4xx or a card decline says the dependency is healthy.
  const breaker = circuitBreaker(transient, {
    halfOpenAfter: halfOpenAfterMs,
    breaker: new ConsecutiveBreaker(
      options.breaker?.consecutiveFailures ?? d.breaker.consecutiveFailures,
    ),
  });
  const attemptTimeout = timeout(attemptTimeoutMs, timeoutOptions);

  // When the circuit last opened, for state() and for Retry-After; kept past dispose().
  let openedAt: number | undefined;
  breaker.onBreak(() => (openedAt = Date.now()));
  const emit = (event: CallPolicyEvent) => options.onEvent?.(event);
  const counts = { retries: 0, timeouts: 0, circuitRejections: 0, bulkheadRejections: 0 };
  const subscriptions: IDisposable[] = [
    breaker.onBreak(() => emit({ type: 'circuit-opened', dependency: name })),
    breaker.onHalfOpen(() => emit({ type: 'circuit-half-open', dependency: name })),
    breaker.onReset(() => emit({ type: 'circuit-closed', dependency: name })),
    limiter.onReject(() => {
      counts.bulkheadRejections++;
      emit({ type: 'bulkhead-rejected', dependency: name });
    }),
    attemptTimeout.onTimeout(() => {
      counts.timeouts++;
      emit({ type: 'attempt-timeout', dependency: name });
    }),
    deadline.onTimeout(() => counts.timeouts++),
    retrying.onRetry(({ attempt, delay }) => {
      counts.retries++;
      emit({ type: 'retry', dependency: name, attempt, delayMs: delay });
    }),
  ];

  const coolDownLeftMs = () =>
    openedAt === undefined ? 0 : Math.max(0, openedAt + halfOpenAfterMs - Date.now());

  async function execute<T>(
    fn: (signal: AbortSignal) => Promise<T>,
    opts: { idempotent: boolean; signal?: AbortSignal },
  ): Promise<T> {
    const attempt = async (signal: AbortSignal): Promise<T> => {
      // cockatiel's retry starts the next attempt after its backoff even if the
      // deadline passed meanwhile; stop here so the breaker does not count it.
      if (signal.aborted) throw new TaskCancelledError(`${name}: deadline passed`);
      try {
        return await breaker.execute(
          ({ signal: s }) =>
            attemptTimeout.execute(async ({ signal: inner }) => {
              try {
                return await fn(inner);
              } catch (error) {
                // A call that honours its signal fails with its own AbortError
                // when the attempt times out; report the timeout instead.
                if (inner.aborted) throw new TaskCancelledError(`${name}: attempt timed out`);
                throw error;
              }
            }, s),
          signal,
        );
      } catch (error) {
        // Refused without calling the dependency: the circuit is open.
        if (error instanceof BrokenCircuitError) counts.circuitRejections++;
        throw error;
      }
    };
    try {
      return await deadline.execute(
        ({ signal }) =>
          limiter.execute(
            ({ signal: s }) =>
              opts.idempotent ? retrying.execute(({ signal: r }) => attempt(r), s) : attempt(s),
            signal,
          ),
        opts.signal,
      );
    } catch (error) {
      // The caller gave up: say so with its own reason, not as a dependency failure.
      if (opts.signal?.aborted) throw opts.signal.reason;
      if (!(error instanceof BrokenCircuitError)) throw toCallerError(error, name);
      const retryAfterSeconds = Math.max(1, Math.ceil(coolDownLeftMs() / 1000));
      throw toCallerError(error, name, { retryAfterSeconds });
    }
  }

  const policy: CallPolicy = {
    name,
    execute,
    counts: () => ({ ...counts }),
    state() {
      let circuit = circuitNames[breaker.state];
      if (circuit === 'open' && coolDownLeftMs() === 0) circuit = 'half-open';
      return {
        dependency: name,
        circuit,
        bulkheadActive: limit - limiter.executionSlots,
        bulkheadQueued: queue - limiter.queueSlots,
        bulkheadLimit: limit,
        queueLimit: queue,
      };
    },
    dispose() {
      for (const subscription of subscriptions.splice(0)) subscription.dispose();
      livePolicies.delete(ref);
    },
  };
  const ref = new WeakRef(policy);
  livePolicies.add(ref);
  return policy;
}
