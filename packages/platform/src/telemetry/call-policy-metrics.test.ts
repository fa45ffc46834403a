import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCallPolicy } from '../resilience/call-policy.ts';
import { observeGauge } from './gauges.ts';
import { initTelemetry, type Telemetry } from './telemetry.ts';

// Declared before telemetry starts, as a module would at start-up.
let backlog = 3;
observeGauge('stratum.outbox.backlog', 'Messages waiting in an outbox.', () => [
  { value: backlog, attributes: { module: 'ordering' } },
]);

let telemetry: Telemetry;
beforeAll(() => {
  // No span exporter: metrics must work with tracing off.
  telemetry = initTelemetry({ serviceName: 'call-policy-metrics-test' });
});
afterAll(() => telemetry.shutdown());

/** The value of one series in the Prometheus text, or undefined when absent. */
async function sample(series: string): Promise<number | undefined> {
  const text = await telemetry.metricsText();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const failing = () => Promise.reject(new Error('connection reset'));
const outcome = (promise: Promise<unknown>) =>
  promise.then(
    () => 'ok',
    (error: unknown) => (error as { code?: string }).code ?? String(error),
  );

describe('call-policy metrics', () => {
  it('shows the circuit open after consecutive failures, and counts the calls it refused', async () => {
    expect(telemetry.tracing).toBe(false);
    const policy = createCallPolicy('metrics-flaky', {
      retry: { maxRetries: 0 },
      breaker: { consecutiveFailures: 2, halfOpenAfterMs: 60_000 },
      isTransient: () => true,
    });
    expect(await sample('stratum_call_policy_circuit_state{policy="metrics-flaky"}')).toBe(0);

    await outcome(policy.execute(failing, { idempotent: false }));
    await outcome(policy.execute(failing, { idempotent: false }));
    expect(await outcome(policy.execute(failing, { idempotent: false }))).toBe(
      'dependency-circuit-open',
    );

    expect(await sample('stratum_call_policy_circuit_state{policy="metrics-flaky"}')).toBe(2);
    expect(
      await sample('stratum_call_policy_circuit_rejections_total{policy="metrics-flaky"}'),
    ).toBe(1);
    policy.dispose();
  });

  it('counts retries and timeouts', async () => {
    const policy = createCallPolicy('metrics-slow', {
      attemptTimeoutMs: 20,
      retry: { maxRetries: 2, initialDelayMs: 1, maxDelayMs: 2 },
      breaker: { consecutiveFailures: 10 },
    });
    const hang = (signal: AbortSignal) =>
      new Promise<never>((_resolve, reject) =>
        signal.addEventListener('abort', () => reject(new Error('aborted'))),
      );
    expect(await outcome(policy.execute(hang, { idempotent: true }))).toBe('dependency-timeout');
    expect(await sample('stratum_call_policy_retries_total{policy="metrics-slow"}')).toBe(2);
    expect(await sample('stratum_call_policy_timeouts_total{policy="metrics-slow"}')).toBe(3);
    policy.dispose();
  });

  it('shows the bulkhead executing and queued, and counts its rejections', async () => {
    const policy = createCallPolicy('metrics-busy', {
      bulkhead: { maxConcurrent: 1, maxQueued: 1 },
    });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const first = policy.execute(() => held, { idempotent: false });
    const second = policy.execute(() => Promise.resolve(), { idempotent: false });
    expect(await outcome(policy.execute(() => held, { idempotent: false }))).toBe(
      'dependency-busy',
    );
    expect(await sample('stratum_call_policy_bulkhead_executing{policy="metrics-busy"}')).toBe(1);
    expect(await sample('stratum_call_policy_bulkhead_queued{policy="metrics-busy"}')).toBe(1);
    expect(
      await sample('stratum_call_policy_bulkhead_rejections_total{policy="metrics-busy"}'),
    ).toBe(1);
    release();
    await Promise.all([first, second]);
    expect(await sample('stratum_call_policy_bulkhead_executing{policy="metrics-busy"}')).toBe(0);
    policy.dispose();
  });

  it('reads gauges declared before telemetry started, at each scrape', async () => {
    expect(await sample('stratum_outbox_backlog{module="ordering"}')).toBe(3);
    backlog = 0;
    expect(await sample('stratum_outbox_backlog{module="ordering"}')).toBe(0);
    const stop = observeGauge('stratum.consumer.lag', 'Messages not yet handled.', () => 12);
    expect(await sample('stratum_consumer_lag')).toBe(12);
    stop();
  });
});
