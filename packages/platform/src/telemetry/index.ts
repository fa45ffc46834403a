export {
  initTelemetry,
  type MetricsSource,
  type Telemetry,
  type TelemetryOptions,
} from './telemetry.ts';
export { observeGauge, type GaugeReading } from './gauges.ts';
export {
  injectTraceHeaders,
  tracedRequest,
  withClientSpan,
  type HttpAnswer,
  type HttpCall,
  type TracedRequestOptions,
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
