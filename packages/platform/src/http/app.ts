import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import Fastify, {
  LogController,
  type FastifyRequest,
  type onRequestHookHandler,
  type preValidationHookHandler,
} from 'fastify';
import helmet from 'helmet';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { context } from '@opentelemetry/api';
import type { Logger } from '../logger.ts';
import { currentContext, runWithContext, type RequestContext } from '../context.ts';
import { randomUuid } from '../ids.ts';
import { makeProblem, problemSchema, sendProblem, toProblem } from './problem.ts';
import { nulError, nulPath } from './nul.ts';
import { fastLane, type FastRoute } from './fast-lane.ts';
import { activeMeter, activeTracer } from '../telemetry/state.ts';
import type { MetricsSource } from '../telemetry/telemetry.ts';
import {
  abortServerSpan,
  endServerSpan,
  failServerSpan,
  requestDurationHistogram,
  startServerSpan,
  statusClass,
  type ServerSpan,
} from '../telemetry/http-server.ts';
import {
  authErrors,
  bearerOf,
  hasPermission,
  type Access,
  type Authenticator,
  type Principal,
} from './access.ts';

export interface HttpAppOptions {
  logger: Logger;
  /** Largest accepted request body, in bytes. */
  bodyLimit?: number;
  authenticator?: Authenticator;
  openapi?: { title: string; version: string; description?: string };
  /** Time allowed to answer a request before the connection is cut, in ms. */
  requestTimeoutMs?: number;
  /** Trust X-Forwarded-* from these proxies (Fastify's trustProxy): the client IP then comes from them. */
  trustProxy?: boolean | string | string[];
  /** Serves its Prometheus text at GET /metrics (usually the `Telemetry` of `initTelemetry`). */
  metrics?: MetricsSource;
}

declare module 'fastify' {
  interface FastifyRequest {
    ctx: RequestContext;
    /** The request's SERVER span, while tracing is on (ADR 0019). */
    serverSpan?: ServerSpan;
  }
  interface FastifyInstance {
    /**
     * Adds a route to the fast lane (see `FastRoute`): answers it can give
     * from memory skip the framework; everything else reaches the route
     * registered the usual way.
     */
    fastRoute(route: FastRoute): void;
    /**
     * Whether the caller who opened `request` still stands: their token has
     * not expired and their session was not ended (logout, revocation). A
     * long-lived answer, such as an event stream, asks as it goes and ends
     * when the answer is no. True when the authenticator cannot tell.
     */
    callerStands(request: FastifyRequest): boolean | Promise<boolean>;
  }
}

const requestIdPattern = /^[\w.:-]{1,128}$/;
const moduleOfUrl = /^\/api\/v\d+\/([a-z][a-z-]*)\//;
const bodiless = new Set(['GET', 'HEAD', 'OPTIONS']);
const traceparentPattern = /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}$/;
/** Polled by machines every few seconds: spans of them would bury the traces worth reading. */
const untracedRoutes = new Set(['/metrics', '/health/live', '/health/ready']);

/** The headers a helmet middleware sets, captured once so they can be replayed cheaply. */
function headersOf(middleware: ReturnType<typeof helmet>): [string, string][] {
  const headers: [string, string][] = [];
  const response = {
    setHeader: (name: string, value: string) => headers.push([name.toLowerCase(), String(value)]),
    removeHeader: () => undefined,
  };
  middleware({} as never, response as never, (err?: unknown) => {
    if (err) throw err instanceof Error ? err : new Error('helmet failed', { cause: err });
  });
  return headers;
}

/** A route's own hooks of one kind, as a list (Fastify accepts one or many). */
function hooksOf<T>(hooks: T | T[] | undefined): T[] {
  return hooks === undefined ? [] : Array.isArray(hooks) ? hooks : [hooks];
}

/** The caller's request id (a valid `X-Request-Id`), else a new one. */
function requestIdOf(request: { headers: Record<string, unknown> }): string {
  const header = request.headers['x-request-id'];
  return typeof header === 'string' && requestIdPattern.test(header) ? header : randomUuid();
}

/** The trace id of an incoming W3C `traceparent`, if there is a valid one. */
function parentTraceId(request: { headers: Record<string, unknown> }): string | undefined {
  const header = request.headers.traceparent;
  return typeof header === 'string' ? traceparentPattern.exec(header)?.[1] : undefined;
}

/** A UUID's 32 hex digits, by slicing (cheaper than `replaceAll('-', '')` on every request). */
const hexOf = (uuid: string) =>
  uuid.slice(0, 8) + uuid.slice(9, 13) + uuid.slice(14, 18) + uuid.slice(19, 23) + uuid.slice(24);

/**
 * The request's trace id: the caller's (`traceparent`), else a new one. A
 * request id made here lends its 32 hex digits (one random UUID instead of
 * two); the caller's own request id need not be hex, so it gets a fresh one.
 */
function traceIdOf(request: { headers: Record<string, unknown> }, requestId: string): string {
  return (
    parentTraceId(request) ??
    hexOf(requestId === request.headers['x-request-id'] ? randomUuid() : requestId)
  );
}

/**
 * The chassis' HTTP server: zod validation and serialisation, request ids,
 * request context, RFC 9457 problems for every error, security headers, body
 * limits, route-level access control and an OpenAPI 3.1 document at /openapi.json.
 * When telemetry is on (`initTelemetry` ran before this), every request but
 * the fast lane's gets a SERVER span and a duration measurement (ADR 0019).
 */
export async function createHttpApp(options: HttpAppOptions) {
  const fastRoutes: FastRoute[] = [];
  const requestTimeout = options.requestTimeoutMs ?? 30_000;
  // Set below, once the security headers and the closing flag exist.
  const fast: { lane?: (req: IncomingMessage, res: ServerResponse) => boolean } = {};
  const app = Fastify({
    // The fast lane sits in front of Fastify's own handler (Fastify's documented
    // serverFactory hook); the server keeps Fastify's keep-alive default.
    serverFactory: (handler) => {
      const server = createServer((req, res) => {
        if (fastRoutes.length === 0 || !fast.lane?.(req, res)) handler(req, res);
      });
      server.keepAliveTimeout = 72_000;
      server.requestTimeout = requestTimeout;
      return server;
    },
    loggerInstance: options.logger,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    requestTimeout,
    // One 'request completed' line per request (below) instead of two.
    logController: new LogController({
      disableRequestLogging: true,
      requestIdLogLabel: 'requestId',
    }),
    // The logger's mixin already adds the request id, tenant and trace from the context.
    childLoggerFactory: (logger) => logger,
    genReqId: requestIdOf,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    trustProxy: options.trustProxy ?? false,
    ajv: { customOptions: { removeAdditional: false } },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  // JSON bodies as Fastify parses them, but a NUL character is refused here
  // (PostgreSQL's text cannot hold it). In JSON text it can only be the
  // escape \u0000, so a body without one is not walked.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    // Fastify's parser answers through the callback, synchronously.
    void parseJson(request, text, (err, value) => {
      if (err) return done(err, undefined);
      const path = text.includes('\\u0000') ? nulPath(value) : undefined;
      if (path === undefined) return done(null, value);
      done(nulError(`body${path}`), undefined);
    });
  });
  // Only JSON bodies are taken: any other media type is a 415, text/plain included.
  app.removeContentTypeParser('text/plain');
  app.decorateRequest('ctx', undefined as unknown as RequestContext);
  app.decorateRequest('serverSpan', undefined);
  // Read once: with telemetry off, requests pay for one falsy check.
  const tracer = activeTracer();
  const meter = activeMeter();
  const duration = meter && requestDurationHistogram(meter);

  // Security headers: helmet decides them once, at start-up, and each response
  // gets the same precomputed set (running helmet's middleware per request halves
  // the throughput of a small route). JSON answers get the short set OWASP
  // recommends for REST APIs (CSP, HSTS, nosniff, frame denial); only the docs page,
  // which runs scripts, gets a page policy.
  const apiHeaders = headersOf(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
      },
      xFrameOptions: { action: 'deny' },
      // Headers that only mean something to an HTML document: every header is
      // validated and written on every response.
      crossOriginOpenerPolicy: false,
      crossOriginResourcePolicy: false,
      referrerPolicy: false,
      originAgentCluster: false,
      xDnsPrefetchControl: false,
      xDownloadOptions: false,
      xPermittedCrossDomainPolicies: false,
      xXssProtection: false,
    }),
  );
  const pageHeaders = headersOf(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          // The docs page needs its inline styles.
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:'],
        },
      },
    }),
  );

  // While closing, answers tell keep-alive clients to hang up, so that an idle
  // connection does not hold the shutdown open until the deadline.
  let closing = false;

  // The one hook every request pays for (ADR 0010 measures why there is only
  // one): request and trace ids, the server span when tracing is on, the async
  // context, and the response headers. Headers go through Fastify's reply (not
  // the raw response), so Node validates and writes each of them once.
  app.addHook('onRequest', (request, reply, done) => {
    const url = request.url;
    const module = moduleOfUrl.exec(url)?.[1];
    const route = request.routeOptions.url;
    const server =
      tracer && !untracedRoutes.has(route ?? '')
        ? startServerSpan(tracer, request, route)
        : undefined;
    const ctx: RequestContext = {
      requestId: request.id,
      traceId: server ? server.traceId : traceIdOf(request, request.id),
      ...(module && { module }),
    };
    request.ctx = ctx;
    void reply.header('x-request-id', request.id);
    for (const [name, value] of url.startsWith('/docs') ? pageHeaders : apiHeaders) {
      void reply.header(name, value);
    }
    // A NUL character, escaped in the path or the query (see nulError).
    if (url.includes('%00')) return runWithContext(ctx, () => done(nulError('url')));
    if (!server) return runWithContext(ctx, done);
    request.serverSpan = server;
    context.with(server.context, () => runWithContext(ctx, done));
  });
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });

  app.decorate('fastRoute', (route: FastRoute) => {
    fastRoutes.push(route);
  });
  app.decorate('callerStands', (request: FastifyRequest) => {
    if (!request.principal) return false;
    return options.authenticator?.stillValid?.(request.principal) ?? true;
  });
  // The fast lane creates no spans, even with tracing on (ADR 0019): its
  // answers come from memory in microseconds, and a span would cost more than
  // the answer. Its log line still carries the caller's trace id.
  fast.lane = fastLane({
    routes: fastRoutes,
    ...(options.authenticator && { authenticator: options.authenticator }),
    logger: options.logger,
    headers: apiHeaders,
    requestId: requestIdOf,
    traceId: traceIdOf,
    closing: () => closing,
  });
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) void reply.header('connection', 'close');
    done(null, payload);
  });

  // Body parsing runs outside the async context: routes that take a body
  // re-enter it before validation. Bodiless routes skip the hook altogether.
  const reenterContext: preValidationHookHandler = (request, _reply, done) => {
    if (currentContext() === request.ctx) return done();
    const server = request.serverSpan;
    if (!server) return runWithContext(request.ctx, done);
    context.with(server.context, () => runWithContext(request.ctx, done));
  };

  // Authentication runs only on routes that need it. A token verified before
  // comes back synchronously, so the common request allocates no promise.
  // It runs as the route's first onRequest hook, before the body is read and
  // before params, query and body are validated: a caller without the token or
  // the permission gets 401 or 403 whatever they sent, and learns nothing of
  // the route's input rules (nor makes the server parse a body for nothing).
  const admit = (request: FastifyRequest, principal: Principal, access: Access): Error | null => {
    request.principal = principal;
    request.ctx.tenantId = principal.tenantId;
    request.ctx.actor = principal.actor;
    return typeof access === 'object' && !hasPermission(principal.actor, access.permission)
      ? authErrors.denied(access.permission)
      : null;
  };
  const authenticate = (access: Access): onRequestHookHandler =>
    function authenticateRequest(request, _reply, done) {
      const bearer = bearerOf(request);
      if (!bearer || !options.authenticator) return done(authErrors.missing());
      const result = options.authenticator.authenticate(bearer);
      if (result instanceof Promise) {
        result.then((principal) => done(admit(request, principal, access) ?? undefined), done);
      } else {
        done(admit(request, result, access) ?? undefined);
      }
    };

  app.addHook('onRoute', (route) => {
    const isApi = route.url.startsWith('/api/');
    const access = route.config?.access;
    if (isApi && !access) {
      throw new Error(`Route ${String(route.method)} ${route.url} declares no access rule`);
    }
    if (access && access !== 'public') {
      route.schema = { ...route.schema, security: [{ bearerAuth: [] }] };
      route.onRequest = [authenticate(access), ...hooksOf(route.onRequest)];
    }
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (methods.some((method) => !bodiless.has(method))) {
      route.preValidation = [reenterContext, ...hooksOf(route.preValidation)];
    }
    if (isApi) {
      const response = (route.schema?.response ?? {}) as Record<string, unknown>;
      route.schema = {
        ...route.schema,
        response: { ...response, '4XX': problemSchema, '5XX': problemSchema },
      };
    }
  });

  // One 'request completed' line per request, when info lines are written at
  // all: the level is read once, at start-up, so a quieter level costs nothing.
  if (options.logger.isLevelEnabled('info')) {
    app.addHook('onResponse', (request, reply, done) => {
      request.log.info(
        {
          method: request.method,
          url: request.url.split('?')[0],
          statusCode: reply.statusCode,
          ms: Math.round(reply.elapsedTime * 100) / 100,
        },
        'request completed',
      );
      done();
    });
  }

  if (tracer || duration) {
    app.addHook('onResponse', (request, reply, done) => {
      const server = request.serverSpan;
      if (server) endServerSpan(server, reply.statusCode, request.ctx.tenantId);
      duration?.record(reply.elapsedTime / 1000, {
        'http.request.method': request.method,
        'http.route': request.routeOptions.url ?? '',
        'http.response.status_class': statusClass(reply.statusCode),
      });
      done();
    });
  }
  if (tracer) {
    app.addHook('onRequestAbort', (request, done) => {
      if (request.serverSpan) abortServerSpan(request.serverSpan);
      done();
    });
  }

  app.setErrorHandler((error, request, reply) => {
    const { problem, internal } = toProblem(error, request);
    if (internal) request.log.error({ err: error }, 'unhandled error');
    if (request.serverSpan && problem.status >= 500) {
      request.serverSpan.span.setAttribute('error.type', problem.code);
      if (internal) failServerSpan(request.serverSpan, error);
    } else if (problem.status >= 500) request.log.warn({ code: problem.code }, problem.detail);
    // Rate limits and open circuits say when trying again makes sense.
    if (
      (problem.status === 429 || problem.status === 503) &&
      typeof problem['retryAfterSeconds'] === 'number'
    ) {
      void reply.header('retry-after', String(problem['retryAfterSeconds']));
    }
    return sendProblem(reply, problem);
  });

  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      makeProblem(
        404,
        'route-not-found',
        `No route for ${request.method} ${request.url.split('?')[0]}.`,
      ),
    ),
  );

  const metrics = options.metrics;
  if (metrics) {
    app.get(
      '/metrics',
      { schema: { hide: true }, config: { access: 'public' } },
      async (_request, reply) =>
        reply.type('text/plain; version=0.0.4; charset=utf-8').send(await metrics.metricsText()),
    );
  }

  if (options.openapi) {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: options.openapi,
        components: {
          securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
        },
      },
      transform: jsonSchemaTransform,
      transformObject: jsonSchemaTransformObject,
    });
    await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
    app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());
  }

  return app;
}

export type StratumApp = Awaited<ReturnType<typeof createHttpApp>>;
