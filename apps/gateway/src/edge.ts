import type { FastifyRequest } from 'fastify';
import {
  DomainError,
  bearerOf,
  type Authenticator,
  type RateLimit,
  type RateLimiter,
  type StratumApp,
} from '@stratum/platform';

export interface EdgeOptions {
  authenticator: Authenticator;
  limiter: RateLimiter;
  limits: { perIp: RateLimit; perTenant: RateLimit };
}

/** Admits a verified caller: the context and the logs carry their tenant from here on. */
function admit(
  request: FastifyRequest,
  principal: Awaited<ReturnType<Authenticator['authenticate']>>,
) {
  request.principal = principal;
  request.ctx.tenantId = principal.tenantId;
  request.ctx.actor = principal.actor;
}

/** Routes for Stratum's own processes, never offered to the outside. */
const serviceOnly = /^\/api\/v\d+\/identity\/service-tokens(?:[/?]|$)/;

/**
 * What every API request goes through before anything else, body unread:
 * the client address's rate limit; the bearer token, verified once here (an
 * invalid or expired one is refused with 401 and never reaches a module; a
 * request without one passes, the module decides whether the route is
 * public); then the verified tenant's rate limit. Refusals are problems
 * (429 with Retry-After).
 */
export function registerEdge(app: StratumApp, options: EdgeOptions): void {
  const { limiter, limits } = options;
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/')) return;
    if (serviceOnly.test(request.url)) {
      throw new DomainError(
        'route-not-found',
        'Service tokens are issued to Stratum processes directly, not through the gateway.',
        'not-found',
      );
    }
    await limiter.consume([{ limit: limits.perIp, key: request.ip }]);
    const bearer = bearerOf(request);
    if (!bearer) return;
    admit(request, await options.authenticator.authenticate(bearer));
    await limiter.consume([{ limit: limits.perTenant, key: request.principal!.tenantId }]);
  });
}
