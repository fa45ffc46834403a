import {
  ConfigError,
  closeRedis,
  createLifecycle,
  createLogger,
  createRedis,
  telemetryFromSettings,
  injectTraceHeaders,
  redisRateLimiter,
  type Lifecycle,
} from '@stratum/platform';
import {
  gatewayOptionsOf,
  loadGatewayConfig,
  w3cTraceContext,
  type TraceContext,
} from './index.ts';
import { createGateway } from './gateway.ts';

let config;
try {
  config = loadGatewayConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  throw err;
}

const logger = createLogger({ level: config.LOG_LEVEL });
// Telemetry first: the app decides at start-up whether to trace requests.
const telemetry = telemetryFromSettings('gateway', config, logger);
/** The upstream call continues the gateway's own span (its parent is the client's traceparent). */
const traceContext: TraceContext = {
  inject(request, headers) {
    const injected: Record<string, string> = injectTraceHeaders({});
    if (!injected['traceparent']) return w3cTraceContext.inject(request, headers);
    headers.traceparent = injected['traceparent'];
    if (injected['tracestate']) headers.tracestate = injected['tracestate'];
  },
};
// Limits shared by every gateway replica (ADR 0017: per-process limits while Redis is down).
const redis = config.REDIS_URL
  ? createRedis(config.REDIS_URL, { logger: logger.child({ engine: 'redis' }), name: 'gateway' })
  : undefined;
// Readiness turns 503 as soon as shutdown starts; the lifecycle needs the app to exist first.
const gateway = await createGateway({
  ...gatewayOptionsOf(config, logger),
  ...(redis && { limiter: redisRateLimiter({ redis, prefix: 'stratum:gateway-rate:', logger }) }),
  trace: traceContext,
  metrics: telemetry,
  isDraining: () => lifecycle.draining,
});
const lifecycle: Lifecycle = createLifecycle({
  logger,
  closeServer: () => gateway.app.close(),
  forceCloseServer: () => gateway.app.server.closeAllConnections(),
  closers: [
    async () => {
      if (redis) await closeRedis(redis);
    },
    () => telemetry.shutdown(),
  ],
  deadlineMs: config.SHUTDOWN_TIMEOUT_MS,
  drainDelayMs: config.SHUTDOWN_DRAIN_DELAY_MS,
});
lifecycle.installSignalHandlers();
const address = await gateway.app.listen({ host: config.HOST, port: config.GATEWAY_PORT });
logger.info({ url: address, upstreams: config.upstreams }, 'Stratum gateway is ready');
process.stdout.write(`\n  Stratum gateway on ${address}/api/v1\n  Stop with Ctrl-C\n\n`);
