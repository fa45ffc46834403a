import {
  DiagLogLevel,
  context,
  diag,
  metrics,
  propagation,
  trace,
  type DiagLogFunction,
  type Meter,
  type Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import {
  BatchSpanProcessor,
  NodeTracerProvider,
  ParentBasedSampler,
  SimpleSpanProcessor,
  TraceIdRatioBasedSampler,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-node';
import type { Logger } from '../logger.ts';
import { observeCallPolicies } from './call-policy-metrics.ts';
import { activate, deactivate } from './state.ts';

export interface TelemetryOptions {
  /** `service.name` of every span and metric, e.g. `stratum-ordering` or `card-processor`. */
  serviceName: string;
  serviceVersion?: string;
  /** `deployment.environment.name`, e.g. `production`. */
  environment?: string;
  /**
   * Base URL of an OTLP/HTTP receiver (the standard `OTEL_EXPORTER_OTLP_ENDPOINT`,
   * e.g. `http://collector:4318`); spans are sent in batches to `<endpoint>/v1/traces`.
   */
  otlpEndpoint?: string;
  /**
   * An exporter that receives each span as soon as it ends (tests pass an
   * `InMemorySpanExporter`). Used instead of `otlpEndpoint` when both are given.
   */
  spanExporter?: SpanExporter;
  /**
   * Share of new traces recorded, from 0 to 1 (default 1). A request that
   * arrives with a parent follows the parent's decision, so a trace is never cut in half.
   */
  sampleRatio?: number;
  /** Where the SDK reports its own trouble (an unreachable collector, a failed export). */
  logger?: Logger;
}

/** A source of Prometheus text, for the `/metrics` route. */
export interface MetricsSource {
  metricsText(): Promise<string>;
}

export interface Telemetry extends MetricsSource {
  /** Creates spans; the API's no-op tracer when no exporter is configured. */
  readonly tracer: Tracer;
  readonly meter: Meter;
  /** True when spans are created and exported. */
  readonly tracing: boolean;
  /** Every metric of this process in the Prometheus text format. */
  metricsText(): Promise<string>;
  /** Sends the spans still buffered, then switches telemetry off (a new `initTelemetry` may follow). */
  shutdown(): Promise<void>;
}

const scope = 'stratum';

function spanProcessorFor(options: TelemetryOptions): SpanProcessor | undefined {
  if (options.spanExporter) return new SimpleSpanProcessor(options.spanExporter);
  if (!options.otlpEndpoint) return undefined;
  const url = new URL('v1/traces', options.otlpEndpoint.replace(/\/?$/, '/')).toString();
  return new BatchSpanProcessor(new OTLPTraceExporter({ url }));
}

function routeDiagnostics(logger: Logger): void {
  const to =
    (level: 'warn' | 'debug'): DiagLogFunction =>
    (message, ...args) =>
      logger[level]({ otel: args.length > 0 ? args.map(String) : undefined }, message);
  const quiet: DiagLogFunction = () => undefined;
  diag.setLogger(
    { error: to('warn'), warn: to('warn'), info: quiet, debug: quiet, verbose: quiet },
    DiagLogLevel.WARN,
  );
}

/**
 * Switches on OpenTelemetry for this process (ADR 0019): a tracer provider
 * with the W3C trace-context propagator and an AsyncLocalStorage context
 * manager when spans have somewhere to go, and always a meter provider read
 * as Prometheus text. Call it once, before the HTTP app and the policies are
 * built; a second call before `shutdown()` throws, because OpenTelemetry's
 * globals take one provider per process. Code that runs without it keeps
 * working and pays (almost) nothing.
 */
export function initTelemetry(options: TelemetryOptions): Telemetry {
  const resource = resourceFromAttributes({
    'service.name': options.serviceName,
    ...(options.serviceVersion && { 'service.version': options.serviceVersion }),
    ...(options.environment && { 'deployment.environment.name': options.environment }),
  });
  if (options.logger) routeDiagnostics(options.logger);

  const processor = spanProcessorFor(options);
  const tracerProvider = processor
    ? new NodeTracerProvider({
        resource,
        spanProcessors: [processor],
        sampler: new ParentBasedSampler({
          root: new TraceIdRatioBasedSampler(options.sampleRatio ?? 1),
        }),
      })
    : undefined;

  // The exporter's own HTTP server stays off: /metrics is a route of the app.
  const reader = new PrometheusExporter({ preventServerStart: true });
  const serializer = new PrometheusSerializer('', false, undefined, false, true);
  const meterProvider = new MeterProvider({ resource, readers: [reader] });
  const meter = meterProvider.getMeter(scope);

  const tracer = tracerProvider ? tracerProvider.getTracer(scope) : trace.getTracer(scope);
  activate({ meter, ...(tracerProvider && { tracer }) });
  tracerProvider?.register({ propagator: new W3CTraceContextPropagator() });
  metrics.setGlobalMeterProvider(meterProvider);
  const stopObserving = observeCallPolicies(meter);

  let stopped: Promise<void> | undefined;
  return {
    tracer,
    meter,
    tracing: tracerProvider !== undefined,
    async metricsText() {
      const { resourceMetrics, errors } = await reader.collect();
      // A failing gauge callback costs its own series, not the whole page.
      if (errors.length > 0)
        options.logger?.warn({ errors: errors.map(String) }, 'metric collection failed');
      return serializer.serialize(resourceMetrics);
    },
    shutdown() {
      stopped ??= (async () => {
        stopObserving();
        deactivate();
        try {
          await Promise.all([tracerProvider?.shutdown(), meterProvider.shutdown()]);
        } finally {
          if (tracerProvider) {
            trace.disable();
            context.disable();
            propagation.disable();
          }
          metrics.disable();
          if (options.logger) diag.disable();
        }
      })();
      return stopped;
    },
  };
}
