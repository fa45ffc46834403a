import { z } from 'zod';
import type { Logger } from '../logger.ts';
import { initTelemetry, type Telemetry } from './telemetry.ts';

/** The OpenTelemetry variables every Stratum process reads, for its config schema. */
export const telemetrySettings = {
  /** Where traces go (OTLP over HTTP, e.g. http://collector:4318); unset: no traces. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  /** Share of new traces kept, 0–1 (a sampled parent is always followed). */
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).default(1),
};

/** Switches telemetry on for this process from its validated settings. */
export function telemetryFromSettings(
  serviceName: string,
  settings: { OTEL_EXPORTER_OTLP_ENDPOINT?: string | undefined; OTEL_TRACES_SAMPLER_ARG: number },
  logger: Logger,
): Telemetry {
  return initTelemetry({
    serviceName,
    ...(settings.OTEL_EXPORTER_OTLP_ENDPOINT && {
      otlpEndpoint: settings.OTEL_EXPORTER_OTLP_ENDPOINT,
    }),
    sampleRatio: settings.OTEL_TRACES_SAMPLER_ARG,
    logger,
  });
}
