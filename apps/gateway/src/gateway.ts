import {
  createHttpApp,
  inMemoryRateLimiter,
  sendProblem,
  makeProblem,
  type Authenticator,
  type Logger,
  type MetricsSource,
  type RateLimit,
  type RateLimiter,
  type StratumApp,
} from '@stratum/platform';
import { httpBffSources, registerBffRoutes, type BffOptions, type BffSources } from '@stratum/bff';
import type { StratumModule } from './config.ts';
import { registerEdge } from './edge.ts';
import { registerProxy, type UpstreamOptions, type UpstreamStatus } from './proxy.ts';
import { w3cTraceContext, type TraceContext } from './upstream-headers.ts';

export interface GatewayOptions {
  logger: Logger;
  /** The origin (`http://host:port`) of the process serving each module. */
  upstreams: Readonly<Record<StratumModule, string>>;
  /** Verifies bearer tokens at the edge: `jwtAuthenticator` over identity's JWKS. */
  authenticator: Authenticator;
  /** Where hits are counted: in memory by default; a shared store when several gateways run. */
  limiter?: RateLimiter;
  limits: { perIp: RateLimit; perTenant: RateLimit };
  upstream: UpstreamOptions;
  /**
   * The BFF routes: their sources default to the modules' HTTP routes on the
   * upstreams (`httpBffSources`); `false` leaves them out.
   */
  bff?: false | { sources?: BffSources; options?: BffOptions };
  /** Trace propagation to the upstreams (W3C traceparent by default). */
  trace?: TraceContext;
  trustProxy?: boolean | string | string[];
  /** Whether the gateway is shutting down (readiness answers 503 then). */
  isDraining?: () => boolean;
  /** Served at /metrics (the process's telemetry). */
  metrics?: MetricsSource;
}

export interface Gateway {
  app: StratumApp;
  /** Each module's upstream and the state of its circuit. */
  upstreams(): UpstreamStatus[];
}

function registerHealth(
  app: StratumApp,
  upstreams: () => UpstreamStatus[],
  isDraining: () => boolean,
): void {
  app.get('/health/live', { schema: { hide: true } }, () => ({ status: 'live' }));
  // Ready as soon as the configuration is valid (it is, or the gateway would not run):
  // an upstream that is down is answered 503 per request, not by taking the gateway out.
  app.get('/health/ready', { schema: { hide: true } }, (_request, reply) => {
    if (isDraining()) {
      return sendProblem(reply, makeProblem(503, 'shutting-down', 'The gateway is shutting down.'));
    }
    return { status: 'ready', upstreams: upstreams() };
  });
}

/**
 * The API gateway of the services shape (ADR 0020): one entry point that
 * verifies tokens once, limits rates per client address and per tenant,
 * proxies `/api/v1/<module>/…` to the process hosting the module, answers
 * 503 with Retry-After for an upstream that cannot answer, and serves the
 * BFF routes. Built on the platform's HTTP app: request ids, trace ids,
 * problem documents, security headers.
 */
export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  const app = await createHttpApp({
    logger: options.logger,
    authenticator: options.authenticator,
    ...(options.metrics && { metrics: options.metrics }),
    ...(options.trustProxy !== undefined && { trustProxy: options.trustProxy }),
    // Proxied calls may legitimately wait for their upstream up to its timeout.
    requestTimeoutMs: Math.max(30_000, options.upstream.timeoutMs + 5_000),
    openapi: {
      title: 'Stratum gateway',
      version: '1.0.0',
      description:
        'Backend-for-frontend routes of the gateway; `/api/v1/<module>/…` is proxied to the modules (see their document).',
    },
  });
  registerEdge(app, {
    authenticator: options.authenticator,
    limiter: options.limiter ?? inMemoryRateLimiter(),
    limits: options.limits,
  });
  const proxy = await registerProxy(app, {
    upstreams: options.upstreams,
    upstream: options.upstream,
    trace: options.trace ?? w3cTraceContext,
    logger: options.logger,
  });
  if (options.bff !== false) {
    const sources =
      options.bff?.sources ??
      httpBffSources({
        baseUrls: options.upstreams,
        timeoutMs: options.bff?.options?.partTimeoutMs ?? options.upstream.timeoutMs,
      });
    registerBffRoutes(app, sources, options.bff?.options);
  }
  const upstreams = () => proxy.status();
  registerHealth(app, upstreams, options.isDraining ?? (() => false));
  await app.ready();
  return { app, upstreams };
}
