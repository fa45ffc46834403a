import { createRemoteJWKSet } from 'jose';
import { jwtAuthenticator, type Logger } from '@stratum/platform';
import type { GatewayConfig } from './config.ts';
import type { GatewayOptions } from './gateway.ts';

/**
 * The gateway's options from its configuration: tokens verified against
 * identity's published key set (fetched once, then again only for a key id
 * it does not know, as keys rotate), in-memory rate limits (a composition
 * root that runs several gateways passes a shared `limiter` instead).
 */
export function gatewayOptionsOf(config: GatewayConfig, logger: Logger): GatewayOptions {
  const keys = createRemoteJWKSet(new URL('/.well-known/jwks.json', config.identityUrl), {
    timeoutDuration: Math.min(5000, config.GATEWAY_UPSTREAM_TIMEOUT_MS),
  });
  return {
    logger,
    upstreams: config.upstreams,
    authenticator: jwtAuthenticator({
      keys,
      issuer: config.TOKEN_ISSUER,
      audience: config.TOKEN_AUDIENCE,
    }),
    limits: { perIp: config.GATEWAY_RATE_LIMIT_IP, perTenant: config.GATEWAY_RATE_LIMIT_TENANT },
    upstream: {
      timeoutMs: config.GATEWAY_UPSTREAM_TIMEOUT_MS,
      breaker: {
        consecutiveFailures: config.GATEWAY_BREAKER_FAILURES,
        halfOpenAfterMs: config.GATEWAY_BREAKER_COOLDOWN_MS,
      },
      maxConcurrent: config.GATEWAY_UPSTREAM_CONCURRENCY,
    },
    bff: { options: { partTimeoutMs: config.BFF_PART_TIMEOUT_MS } },
    trustProxy: config.TRUST_PROXY,
  };
}
