import type { FastifyInstance } from 'fastify';

export interface ProcessorTelemetry {
  /** Passed to `buildProcessor`: server spans for every request. */
  readonly instrument: (app: FastifyInstance) => void;
  readonly shutdown: () => Promise<void>;
}

/**
 * Traces the processor as its own service (`card-processor`), exporting to
 * the same collector as its callers so one checkout shows the processor's
 * side in the caller's trace. The platform is loaded only when tracing is
 * configured: the sandbox otherwise starts without it.
 */
export async function startProcessorTelemetry(otlpEndpoint: string): Promise<ProcessorTelemetry> {
  const { initTelemetry, traceFastify } = await import('@stratum/platform');
  const telemetry = initTelemetry({ serviceName: 'card-processor', otlpEndpoint });
  return {
    instrument: (app) => traceFastify(app, telemetry.tracer),
    shutdown: () => telemetry.shutdown(),
  };
}
