import { z } from 'zod';
import { env, loadConfig, type RateLimit } from '@stratum/platform';

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

/** Every setting of a Stratum server process, read from the environment. */
export const serverConfigSchema = z
  .object({
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
  });

export type ServerConfig = z.output<typeof serverConfigSchema>;

export function loadServerConfig(
  environment: Record<string, string | undefined> = process.env,
): ServerConfig {
  return loadConfig(serverConfigSchema, environment);
}
