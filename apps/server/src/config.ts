import { z } from 'zod';
import { env, loadConfig, telemetrySettings, type RateLimit } from '@stratum/platform';

/** `points/seconds`, e.g. `10/900` for ten attempts per quarter of an hour. */
const limit = (name: string, fallback: string) =>
  z
    .string()
    .regex(/^\d+\/\d+$/, 'must look like POINTS/SECONDS, e.g. 10/60')
    .default(fallback)
    .transform((v): RateLimit => {
      const [points, seconds] = v.split('/').map(Number) as [number, number];
      return { name, points, durationSeconds: seconds };
    });

const postgresUrl = z
  .url()
  .refine((u) => /^postgres(ql)?:\/\//.test(u), 'must be a postgres:// or postgresql:// URL')
  .optional();

/** The modules a server can host, in mount order (a module only depends on earlier ones). */
export const moduleNames = [
  'identity',
  'store-ops',
  'catalog',
  'inventory',
  'payments',
  'ordering',
] as const;
export type ModuleName = (typeof moduleNames)[number];

/** `store-ops` → `STORE_OPS`: how a module appears in variable names. */
export const envName = (module: ModuleName) => module.toUpperCase().replace(/-/g, '_');

const httpUrl = z
  .url()
  .refine((u) => /^https?:\/\//.test(u), 'must be an http:// or https:// URL')
  .optional();
const perModule = <T extends z.ZodType>(prefix: string, schema: T) =>
  Object.fromEntries(moduleNames.map((m) => [`${prefix}${envName(m)}`, schema])) as Record<
    `${typeof prefix}${string}`,
    T
  >;

const moduleList = z
  .string()
  .default(moduleNames.join(','))
  .transform((v, ctx): ModuleName[] => {
    const names = v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const unknown = names.filter((n) => !(moduleNames as readonly string[]).includes(n));
    if (unknown.length > 0 || names.length === 0) {
      ctx.addIssue({
        code: 'custom',
        message: `must list modules out of ${moduleNames.join(', ')}${unknown.length ? `; unknown: ${unknown.join(', ')}` : ''}`,
      });
      return z.NEVER;
    }
    return moduleNames.filter((m) => names.includes(m));
  });

/** Every setting of a Stratum server process, read from the environment. */
export const serverConfigSchema = z
  .object({
    /** The modules this process hosts (default: all). The others are reached through STRATUM_REMOTE_<MODULE>. */
    STRATUM_MODULES: moduleList,
    /** Where a module this process does not host runs, e.g. STRATUM_REMOTE_PAYMENTS=http://127.0.0.1:4105. */
    ...perModule('STRATUM_REMOTE_', httpUrl),
    /** A module's own database; unset: DATABASE_URL. */
    ...perModule('DATABASE_URL_', postgresUrl),
    /** The name this process goes by in service tokens, logs and traces. */
    STRATUM_SERVICE_NAME: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,62}$/, 'must be a lower-case name')
      .optional(),
    /** Shared secret that processes exchange for service tokens (services shape). */
    STRATUM_SERVICE_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
    /** Time one call to a remote module may take (ms). */
    REMOTE_CALL_TIMEOUT_MS: env.int(2_000, 50),
    /** Time a remote call may take with its retries (ms). */
    REMOTE_CALL_DEADLINE_MS: env.int(8_000, 50),
    /** Redis for the shared cache, rate limits and session revocations (real-engine shapes). */
    REDIS_URL: z
      .url()
      .refine((u) => /^rediss?:\/\//.test(u), 'must be a redis:// or rediss:// URL')
      .optional(),
    /** How long a process waits for Redis at start before serving without it (ms). */
    REDIS_CONNECT_TIMEOUT_MS: env.int(3_000, 0),
    /** How long a process keeps a shared-cache entry near (in memory); invalidations drop it sooner. */
    CACHE_NEAR_TTL_MS: env.int(10_000, 100),
    /** NATS with JetStream for the event bus (real-engine shapes). */
    NATS_URL: z
      .url()
      .refine((u) => /^nats:\/\//.test(u), 'must be a nats:// URL')
      .optional(),
    /** Prefix of every NATS subject and stream name, to share one NATS between deployments. */
    NATS_PREFIX: z
      .string()
      .regex(/^[a-z0-9-]*$/, 'must be lower-case letters, digits and dashes')
      .default(''),
    ...telemetrySettings,
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: env.port(3000),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
    STRATUM_DATA_DIR: z.string().min(1).default('./.data'),
    DATABASE_URL: postgresUrl,
    DATABASE_APP_URL: postgresUrl,
    DATABASE_POOL_SIZE: env.int(10, 1),
    DATABASE_PREPARED_STATEMENTS: z
      .enum(['on', 'off'])
      .default('on')
      .transform((v) => v === 'on'),
    BODY_LIMIT_BYTES: env.int(1024 * 1024, 1024),
    SHUTDOWN_TIMEOUT_MS: env.int(10_000, 0),
    SHUTDOWN_DRAIN_DELAY_MS: env.int(0, 0),
    OUTBOX_POLL_MS: env.int(1000, 10),
    TOKEN_ISSUER: z.string().min(1).default('stratum'),
    TOKEN_AUDIENCE: z.string().min(1).default('stratum-api'),
    ACCESS_TOKEN_TTL_SECONDS: env.int(900, 30),
    REFRESH_TOKEN_TTL_SECONDS: env.int(7 * 24 * 3600, 60),
    SESSION_TTL_SECONDS: env.int(30 * 24 * 3600, 60),
    PIN_SESSION_TTL_SECONDS: env.int(12 * 3600, 60),
    TRUST_PROXY: z
      .string()
      .default('false')
      .transform((v): boolean | string[] =>
        v === 'true' ? true : v === 'false' ? false : v.split(',').map((s) => s.trim()),
      ),
    RATE_LIMIT_SIGNUP_IP: limit('signup-ip', '20/3600'),
    RATE_LIMIT_LOGIN_IP: limit('login-ip', '30/60'),
    RATE_LIMIT_LOGIN_ACCOUNT: limit('login-account', '10/900'),
    RATE_LIMIT_PIN_IP: limit('pin-ip', '60/60'),
    RATE_LIMIT_PIN_ACCOUNT: limit('pin-account', '10/900'),
    /**
     * The card processor's base URL. Unset: a sandbox processor runs inside
     * this process on a free loopback port (development and the embedded shape).
     */
    PROCESSOR_URL: z.url().optional(),
    PROCESSOR_API_KEY: z.string().min(1).default('sk_sandbox_stratum'),
    /** Time a processor call may take, retries included (ms). */
    PROCESSOR_DEADLINE_MS: env.int(8000, 100),
    /** Refund limit of a store that has not set its own, in minor units. */
    REFUND_LIMIT_DEFAULT: env.int(5000, 0),
    /** How long payments keeps an Idempotency-Key from its first request (ms; at least the 5 min lease). */
    IDEMPOTENCY_RETENTION_MS: env.int(86_400_000, 300_000),
    /** How long transient failures before payment is confirmed are retried before a checkout is undone (ms). */
    CHECKOUT_RETRY_WINDOW_MS: env.int(30_000, 0),
    /** How long a checkout request waits for its saga before answering 202 (ms). */
    CHECKOUT_REQUEST_WAIT_MS: env.int(15_000, 0),
    /** How often the recovery worker looks for checkouts to resume (ms). */
    CHECKOUT_RECOVERY_INTERVAL_MS: env.int(1000, 10),
    /**
     * Fault injection for crash tests: `<step>:<before|after>` kills the process
     * (SIGKILL) at that checkout step boundary. Refused in production.
     */
    STRATUM_CRASH_AT: z
      .string()
      .regex(
        /^[a-z:0-9-]+:(before|after)$/,
        'must look like STEP:before or STEP:after, e.g. pay:0:after',
      )
      .optional(),
  })
  .refine((c) => !(c.STRATUM_CRASH_AT && c.NODE_ENV === 'production'), {
    message: 'STRATUM_CRASH_AT is a test fault and is refused when NODE_ENV=production',
    path: ['STRATUM_CRASH_AT'],
  })
  .superRefine((c, ctx) => {
    for (const issue of topologyIssues(c)) ctx.addIssue({ code: 'custom', ...issue });
  });

/** What each module calls on others (in-process or remotely). */
export const moduleDependencies: Record<ModuleName, readonly ModuleName[]> = {
  identity: [],
  'store-ops': [],
  catalog: ['store-ops'],
  inventory: ['store-ops'],
  payments: ['identity', 'store-ops'],
  ordering: ['identity', 'store-ops', 'catalog', 'inventory', 'payments'],
};

/** The remote URL configured for a module, if any. */
export function remoteUrlOf(config: object, module: ModuleName): string | undefined {
  const url = (config as Record<string, unknown>)[`STRATUM_REMOTE_${envName(module)}`];
  return typeof url === 'string' ? url : undefined;
}

/** The name a process goes by: STRATUM_SERVICE_NAME, or its modules' names. */
export function serviceNameOf(config: {
  STRATUM_SERVICE_NAME?: string | undefined;
  STRATUM_MODULES: readonly ModuleName[];
}): string {
  if (config.STRATUM_SERVICE_NAME) return config.STRATUM_SERVICE_NAME;
  return config.STRATUM_MODULES.length === moduleNames.length
    ? 'stratum'
    : config.STRATUM_MODULES.join('-');
}

/** The database configured for one module (`DATABASE_URL_<MODULE>`), if any. */
export function databaseUrlOf(config: object, module: ModuleName): string | undefined {
  const url = (config as Record<string, unknown>)[`DATABASE_URL_${envName(module)}`];
  return typeof url === 'string' ? url : undefined;
}

/**
 * A process that hosts only some modules must know where the others live,
 * get service tokens, and share events and revocations through the engines.
 */
function topologyIssues(c: Record<string, unknown> & { STRATUM_MODULES: ModuleName[] }) {
  const hosted = new Set(c.STRATUM_MODULES);
  if (hosted.size === moduleNames.length) return [];
  const issues: { message: string; path: string[] }[] = [];
  const needed = new Set<ModuleName>(['identity']);
  for (const m of hosted) for (const d of moduleDependencies[m]) needed.add(d);
  for (const m of needed) {
    if (!hosted.has(m) && !remoteUrlOf(c, m)) {
      const users = [...hosted].filter((h) => moduleDependencies[h].includes(m));
      issues.push({
        path: [`STRATUM_REMOTE_${envName(m)}`],
        message: `is required: ${m === 'identity' && users.length === 0 ? 'token verification' : users.join(', ')} call${users.length === 1 ? 's' : ''} ${m}, which this process does not host`,
      });
    }
  }
  if (!hosted.has('identity') && !c['STRATUM_SERVICE_SECRET']) {
    issues.push({
      path: ['STRATUM_SERVICE_SECRET'],
      message: 'is required when identity is hosted elsewhere (it buys the service tokens)',
    });
  }
  for (const name of ['NATS_URL', 'REDIS_URL'] as const) {
    if (!c[name]) {
      issues.push({
        path: [name],
        message: `is required when this process hosts only some modules (${name === 'NATS_URL' ? 'events cross processes' : 'cache invalidation, rate limits and revocations are shared'})`,
      });
    }
  }
  return issues;
}

export type ServerConfig = z.output<typeof serverConfigSchema>;

export function loadServerConfig(
  environment: Record<string, string | undefined> = process.env,
): ServerConfig {
  return loadConfig(serverConfigSchema, environment);
}
