import { AsyncLocalStorage } from 'node:async_hooks';
import type { FastifyReply, FastifyRequest } from 'fastify';
import replyFrom from '@fastify/reply-from';
import { Agent, type Dispatcher } from 'undici';
import {
  DomainError,
  createCallPolicy,
  makeProblem,
  sendProblem,
  type CallPolicy,
  type CallPolicyEvent,
  type CircuitStatus,
  type Logger,
  type StratumApp,
} from '@stratum/platform';
import type { StratumModule } from './config.ts';
import { upstreamHeaders, type TraceContext } from './upstream-headers.ts';

export interface UpstreamOptions {
  /** Longest wait for an upstream's response headers (ms). */
  timeoutMs: number;
  breaker: { consecutiveFailures: number; halfOpenAfterMs: number };
  /** Requests waiting for one upstream's headers at once. */
  maxConcurrent: number;
}

export interface UpstreamStatus {
  module: StratumModule;
  url: string;
  circuit: CircuitStatus;
}

/** Why an upstream gave no answer, as the 503 problem says it. */
const reasons: Record<string, string> = {
  'dependency-circuit-open': 'circuit-open',
  'dependency-timeout': 'timeout',
  'dependency-busy': 'busy',
  'dependency-unavailable': 'unreachable',
};

/**
 * One call policy per upstream process (origin): modules served by the same
 * process share its circuit, as they share its fate. No retries: a request
 * body is streamed through once and cannot be sent again.
 */
function policiesFor(
  upstreams: Readonly<Record<StratumModule, string>>,
  options: UpstreamOptions,
  onEvent: (event: CallPolicyEvent) => void,
): Map<string, CallPolicy> {
  const policies = new Map<string, CallPolicy>();
  for (const origin of new Set(Object.values(upstreams))) {
    policies.set(
      origin,
      createCallPolicy(origin, {
        attemptTimeoutMs: options.timeoutMs,
        deadlineMs: options.timeoutMs,
        retry: { maxRetries: 0 },
        breaker: options.breaker,
        bulkhead: { maxConcurrent: options.maxConcurrent, maxQueued: 0 },
        // Every failure reply-from reports is the upstream's (connection, timeout); an
        // upstream that answers, even 5xx, is reachable and its answer is passed on.
        isTransient: () => true,
        onEvent,
      }),
    );
  }
  return policies;
}

/** The 503 a client gets instead of waiting on an upstream that cannot answer. */
function unavailable(reply: FastifyReply, module: StratumModule, error: unknown) {
  const code = error instanceof DomainError ? error.code : 'dependency-unavailable';
  const reason = reasons[code] ?? 'unreachable';
  const advised = error instanceof DomainError ? error.details?.['retryAfterSeconds'] : undefined;
  const retryAfterSeconds = typeof advised === 'number' ? advised : 1;
  void reply.header('retry-after', String(retryAfterSeconds));
  return sendProblem(
    reply,
    makeProblem(
      503,
      'upstream-unavailable',
      `The ${module} service is unavailable (${reason}); try again in ${retryAfterSeconds} s.`,
      { module, reason, retryAfterSeconds },
    ),
  );
}

/**
 * Proxies `/api/v1/<module>/*` to the process serving the module, with
 * @fastify/reply-from over an undici agent: every method, bodies streamed
 * both ways (Server-Sent Events included), query strings and response
 * headers (ETag, 304) untouched. Each upstream has a call policy (timeout,
 * circuit breaker, bulkhead) that covers the wait for response headers: a
 * dead, slow or tripped upstream is answered 503 with Retry-After at once,
 * and the other modules are not affected.
 */
export async function registerProxy(
  app: StratumApp,
  options: {
    upstreams: Readonly<Record<StratumModule, string>>;
    upstream: UpstreamOptions;
    trace: TraceContext;
    logger: Logger;
  },
): Promise<{ status(): UpstreamStatus[] }> {
  const { upstreams } = options;
  const policies = policiesFor(upstreams, options.upstream, (event) =>
    options.logger.warn(event, 'upstream call policy'),
  );
  // The undici agent behind reply-from, with the signal of the request being proxied:
  // reply-from starts the upstream request synchronously, inside `signals.run`.
  const signals = new AsyncLocalStorage<AbortSignal>();
  const agent = new Agent({
    connections: 256,
    pipelining: 1,
    // The policy answers at timeoutMs; this only frees a request nothing aborted.
    headersTimeout: options.upstream.timeoutMs + 1000,
    bodyTimeout: 0,
    connect: { timeout: options.upstream.timeoutMs },
  });
  const dispatcher = {
    request(
      opts: Dispatcher.RequestOptions,
      callback: (err: Error | null, data: Dispatcher.ResponseData) => void,
    ) {
      const signal = signals.getStore();
      agent.request({ ...opts, ...(signal && { signal }) }, callback);
    },
  };

  await app.register(async (scope) => {
    // Bodies are streamed to the upstream as they arrive, never parsed here.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    await scope.register(replyFrom, {
      undici: dispatcher as unknown as Dispatcher,
      disableCache: true,
      disableRequestLogging: true,
    });
    scope.addHook('onClose', async () => {
      for (const policy of policies.values()) policy.dispose();
      await agent.close();
    });
    for (const module of Object.keys(upstreams) as StratumModule[]) {
      const origin = upstreams[module];
      const policy = policies.get(origin)!;
      const handler = (request: FastifyRequest, reply: FastifyReply) =>
        forward(request, reply, { module, origin, policy, trace: options.trace, signals });
      scope.all(
        `/api/v1/${module}/*`,
        { config: { access: 'public' }, schema: { hide: true } },
        handler,
      );
    }
  });

  return {
    status: () =>
      (Object.keys(upstreams) as StratumModule[]).map((module) => ({
        module,
        url: upstreams[module],
        circuit: policies.get(upstreams[module])!.state().circuit,
      })),
  };
}

interface Route {
  module: StratumModule;
  origin: string;
  policy: CallPolicy;
  trace: TraceContext;
  signals: AsyncLocalStorage<AbortSignal>;
}

/**
 * One proxied request. The policy's call lasts until the upstream's headers
 * arrive (then the body streams on its own); a failure before that point is
 * answered 503 here, and a client that hangs up ends the call without
 * counting against the upstream.
 */
async function forward(request: FastifyRequest, reply: FastifyReply, route: Route) {
  const clientGone = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) clientGone.abort(new Error('client closed the connection'));
  });
  try {
    await route.policy.execute(
      (signal) =>
        new Promise<void>((resolve, reject) => {
          signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
          route.signals.run(signal, () =>
            reply.from(undefined, {
              getUpstream: () => route.origin,
              // Retries are the client's to decide: a body cannot be streamed twice.
              retryDelay: () => null,
              rewriteRequestHeaders: (req, headers) => upstreamHeaders(req, headers, route.trace),
              onResponse: (_req, res, upstream) => {
                if (signal.aborted || reply.sent) {
                  upstream.stream.destroy();
                  return;
                }
                resolve();
                void res.send(upstream.stream);
              },
              onError: (_res, { error }) => reject(error),
            }),
          );
        }),
      { idempotent: false, signal: clientGone.signal },
    );
  } catch (error) {
    if (clientGone.signal.aborted || reply.sent) return reply;
    return unavailable(reply, route.module, error);
  }
  return reply;
}
