import { SpanStatusCode, type Meter, type Span, type Tracer } from '@opentelemetry/api';

/**
 * What `initTelemetry` switched on in this process. Instrumented code reads
 * it instead of the OpenTelemetry globals so that, while telemetry is off, it
 * skips all work (no span objects, no context switches) rather than calling
 * the API's no-op implementations.
 */
interface Active {
  /** Present only when spans are exported somewhere. */
  readonly tracer?: Tracer;
  readonly meter: Meter;
}

let active: Active | undefined;
const meterUsers = new Set<(meter: Meter) => void>();

/** The tracer of the running telemetry, or `undefined` while spans are not exported. */
export function activeTracer(): Tracer | undefined {
  return active?.tracer;
}

/** The meter of the running telemetry, or `undefined` before `initTelemetry`. */
export function activeMeter(): Meter | undefined {
  return active?.meter;
}

/**
 * Runs `use` with the meter now if telemetry is on, and again each time it is
 * switched on later: instruments can be declared before `initTelemetry` runs
 * (an observable gauge made by a module at start-up). Returns an unsubscribe.
 */
export function whenMeter(use: (meter: Meter) => void): () => void {
  meterUsers.add(use);
  if (active) use(active.meter);
  return () => meterUsers.delete(use);
}

export function activate(next: Active): void {
  if (active) throw new Error('Telemetry is already initialised in this process.');
  active = next;
  for (const use of meterUsers) use(next.meter);
}

export function deactivate(): void {
  active = undefined;
}

/** Runs `fn` as the span's work: a thrown error is recorded and marks the span; the span always ends. */
export async function runInSpan<T>(span: Span, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof Error) span.recordException(error);
    span.setStatus({
      code: SpanStatusCode.ERROR,
      message: error instanceof Error ? error.message : String(error),
    });
    throw error;
  } finally {
    span.end();
  }
}
