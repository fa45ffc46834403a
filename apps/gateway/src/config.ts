import { z } from 'zod';
import { env, loadConfig, telemetrySettings, type RateLimit } from '@stratum/platform';

/** The modules whose routes the gateway serves, as they appear in `/api/v1/<module>/…`. */
export const stratumModules = [
  'identity',
  'store-ops',
  'catalog',
  'inventory',
  'ordering',
  'payments',
] as const;
export type StratumModule = (typeof stratumModules)[number];

/** `STRATUM_ROUTE_STORE_OPS` for `store-ops`. */
export const routeVariable = (module: StratumModule) =>
  `STRATUM_ROUTE_${module.toUpperCase().replaceAll('-', '_')}`;

/** An upstream is a process's origin: `http://host:port`, nothing after it. */
const origin = z
  .url()
  .refine((u) => /^https?:\/\//.test(u), 'must be an http:// or https:// URL')
  .refine((u) => {
    const url = new URL(u);
    return url.pathname === '/' && !url.search && !url.hash;
  }, 'must be an origin such as http://10.0.0.5:3000, without a path')
  .transform((u) => new URL(u).origin);

const limit = (name: string, fallback: string) =>
  z
    .string()
    .regex(/^\d+\/\d+$/, 'must look like POINTS/SECONDS, e.g. 600/60')
    .default(fallback)
    .transform((v): RateLimit => {
      const [points, seconds] = v.split('/').map(Number) as [number, number];
      return { name, points, durationSeconds: seconds };
    });

const routes = Object.fromEntries(stratumModules.map((m) => [routeVariable(m), origin.optional()]));

/** Every setting of the gateway process, read from the environment. */
export const gatewayConfigSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    HOST: z.string().min(1).default('127.0.0.1'),
    GATEWAY_PORT: env.port(8080),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
    /** The process serving every module without a `STRATUM_ROUTE_<MODULE>` of its own. */
    STRATUM_UPSTREAM: origin.optional(),
    ...routes,
    /**
     * Longest wait for an upstream's response headers (ms); then 503. A
     * checkout waits up to CHECKOUT_REQUEST_WAIT_MS (15 s) before its 202,
     * so the default leaves room for it. Streamed bodies (SSE) have no limit.
     */
    GATEWAY_UPSTREAM_TIMEOUT_MS: env.int(20_000, 100),
    /** Consecutive failures (unreachable, timeout) that open an upstream's circuit. */
    GATEWAY_BREAKER_FAILURES: env.int(5, 1),
    /** How long an open circuit answers 503 at once before one trial request (ms). */
    GATEWAY_BREAKER_COOLDOWN_MS: env.int(10_000, 100),
    /** Requests waiting for one upstream's headers at once; more are answered 503. */
    GATEWAY_UPSTREAM_CONCURRENCY: env.int(1024, 1),
    GATEWAY_RATE_LIMIT_IP: limit('gateway-ip', '1200/60'),
    GATEWAY_RATE_LIMIT_TENANT: limit('gateway-tenant', '12000/60'),
    TOKEN_ISSUER: z.string().min(1).default('stratum'),
    TOKEN_AUDIENCE: z.string().min(1).default('stratum-api'),
    /** Where identity publishes its JWKS; default: identity's route. */
    IDENTITY_URL: origin.optional(),
    /** Redis for rate limits shared by every gateway replica; unset: per-process limits. */
    REDIS_URL: z
      .url()
      .refine((u) => /^rediss?:\/\//.test(u), 'must be a redis:// or rediss:// URL')
      .optional(),
    ...telemetrySettings,
    /** Longest wait for one part of a BFF answer (ms). */
    BFF_PART_TIMEOUT_MS: env.int(2500, 50),
    TRUST_PROXY: z
      .string()
      .default('false')
      .transform((v): boolean | string[] =>
        v === 'true' ? true : v === 'false' ? false : v.split(',').map((s) => s.trim()),
      ),
    SHUTDOWN_TIMEOUT_MS: env.int(10_000, 0),
    SHUTDOWN_DRAIN_DELAY_MS: env.int(0, 0),
  })
  .superRefine((c, ctx) => {
    const values = c as Record<string, unknown>;
    for (const m of stratumModules) {
      if (!values[routeVariable(m)] && !c.STRATUM_UPSTREAM) {
        ctx.addIssue({
          code: 'custom',
          path: [routeVariable(m)],
          message: `is required (or set STRATUM_UPSTREAM for every module without a route)`,
        });
      }
    }
  })
  .transform((c) => {
    const values = c as Record<string, unknown>;
    const upstreams = Object.fromEntries(
      stratumModules.map((m) => [
        m,
        (values[routeVariable(m)] as string | undefined) ?? c.STRATUM_UPSTREAM!,
      ]),
    ) as Record<StratumModule, string>;
    return { ...c, upstreams, identityUrl: c.IDENTITY_URL ?? upstreams.identity };
  });

export type GatewayConfig = z.output<typeof gatewayConfigSchema>;

export function loadGatewayConfig(
  environment: Record<string, string | undefined> = process.env,
): GatewayConfig {
  return loadConfig(gatewayConfigSchema, environment);
}
