import type { BatchObservableCallback, Meter, Observable } from '@opentelemetry/api';
import {
  liveCallPolicies,
  type CallPolicy,
  type CircuitStatus,
} from '../resilience/call-policy.ts';

/** Prometheus-friendly circuit states: higher is worse. */
const circuitValues: Record<CircuitStatus, number> = {
  closed: 0,
  'half-open': 1,
  open: 2,
  isolated: 2,
};

/**
 * Policies that share a name (a dependency rebuilt in a test, two adapters
 * of one processor) report as one series: counts and slots add up, and the
 * circuit shows the worst state.
 */
function byName(policies: readonly CallPolicy[]) {
  const merged = new Map<
    string,
    {
      circuit: number;
      executing: number;
      queued: number;
      retries: number;
      timeouts: number;
      circuitRejections: number;
      bulkheadRejections: number;
    }
  >();
  for (const policy of policies) {
    const state = policy.state();
    const counts = policy.counts();
    const seen = merged.get(policy.name);
    merged.set(policy.name, {
      circuit: Math.max(seen?.circuit ?? 0, circuitValues[state.circuit]),
      executing: (seen?.executing ?? 0) + state.bulkheadActive,
      queued: (seen?.queued ?? 0) + state.bulkheadQueued,
      retries: (seen?.retries ?? 0) + counts.retries,
      timeouts: (seen?.timeouts ?? 0) + counts.timeouts,
      circuitRejections: (seen?.circuitRejections ?? 0) + counts.circuitRejections,
      bulkheadRejections: (seen?.bulkheadRejections ?? 0) + counts.bulkheadRejections,
    });
  }
  return merged;
}

type Reading = ReturnType<typeof byName> extends Map<string, infer R> ? R : never;

/**
 * Exports every live call policy (see `createCallPolicy`) as observable
 * instruments, read at each scrape: nothing is recorded on the call path.
 * Returns a function that stops observing.
 */
export function observeCallPolicies(meter: Meter): () => void {
  const instruments: [Observable, keyof Reading][] = [
    [
      meter.createObservableGauge('stratum.call_policy.circuit_state', {
        description: 'Circuit breaker state per call policy: 0 closed, 1 half-open, 2 open.',
      }),
      'circuit',
    ],
    [
      meter.createObservableGauge('stratum.call_policy.bulkhead_executing', {
        description: 'Calls running inside the bulkhead.',
      }),
      'executing',
    ],
    [
      meter.createObservableGauge('stratum.call_policy.bulkhead_queued', {
        description: 'Calls waiting for a bulkhead slot.',
      }),
      'queued',
    ],
    [
      meter.createObservableCounter('stratum.call_policy.retries', {
        description: 'Attempts retried after a transient failure.',
      }),
      'retries',
    ],
    [
      meter.createObservableCounter('stratum.call_policy.timeouts', {
        description: 'Attempts or whole calls cut by a timeout.',
      }),
      'timeouts',
    ],
    [
      meter.createObservableCounter('stratum.call_policy.circuit_rejections', {
        description: 'Attempts refused because the circuit was open.',
      }),
      'circuitRejections',
    ],
    [
      meter.createObservableCounter('stratum.call_policy.bulkhead_rejections', {
        description: 'Calls refused because the bulkhead and its queue were full.',
      }),
      'bulkheadRejections',
    ],
  ];
  const observables = instruments.map(([instrument]) => instrument);
  const observe: BatchObservableCallback = (result) => {
    for (const [policy, reading] of byName(liveCallPolicies())) {
      for (const [instrument, field] of instruments) {
        result.observe(instrument, reading[field], { policy });
      }
    }
  };
  meter.addBatchObservableCallback(observe, observables);
  return () => meter.removeBatchObservableCallback(observe, observables);
}
