export {
  initTelemetry,
  type MetricsSource,
  type Telemetry,
  type TelemetryOptions,
} from './telemetry.ts';
export { observeGauge, type GaugeReading } from './gauges.ts';
export {
  injectTraceHeaders,
  tracedFetch,
  withClientSpan,
  type TracedFetchOptions,
} from './http-client.ts';
export { traceFastify } from './http-server.ts';
export {
  currentTraceparent,
  traceIdOfTraceparent,
  tracedSubscription,
  withConsumerSpan,
  withProducerSpan,
  type TracedConsumer,
  type TracedMessage,
} from './messaging.ts';
export { telemetryFromSettings, telemetrySettings } from './settings.ts';
