import { z } from 'zod';
import type { FaultSettings } from './faults.ts';

export const defaultApiKey = 'sk_sandbox_stratum';

/** Thrown when the environment does not describe a valid processor; lists every bad variable. */
export class ConfigError extends Error {
  readonly issues: readonly string[];

  constructor(issues: readonly string[]) {
    super(`Invalid card processor configuration:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

// Written out rather than z.coerce.number(), which would take "0x10", "1e3" or " " as numbers.
const whole = (min: number, max: number, expected: string) =>
  z
    .string()
    .regex(/^-?\d+$/, `must be ${expected}`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be ${expected}`);

const rate = z
  .string()
  .regex(/^\d*\.?\d+$/, 'must be a number from 0 to 1')
  .transform(Number)
  .refine((n) => n <= 1, 'must be a number from 0 to 1');

const schema = z.object({
  PROCESSOR_PORT: whole(0, 65_535, 'a port number from 0 to 65535 (0: any free port)').default(
    4010,
  ),
  PROCESSOR_HOST: z.string().default('127.0.0.1'),
  PROCESSOR_API_KEY: z
    .string()
    .regex(/^\S+$/, 'must not contain spaces (it travels as a Bearer token)')
    .default(defaultApiKey),
  PROCESSOR_LATENCY_MS: whole(0, 2_147_483_647, 'a whole number of milliseconds').optional(),
  PROCESSOR_ERROR_RATE: rate.optional(),
  PROCESSOR_TIMEOUT_RATE: rate.optional(),
  PROCESSOR_LOST_RESPONSE_RATE: rate.optional(),
  PROCESSOR_SEED: whole(
    Number.MIN_SAFE_INTEGER,
    Number.MAX_SAFE_INTEGER,
    'a whole number',
  ).optional(),
  // OpenTelemetry's standard variable: the same collector as the services that call us.
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
});

export interface ProcessorConfig {
  host: string;
  port: number;
  apiKey: string;
  /** Only the settings the environment names; the rest keep their defaults. */
  faults: Partial<FaultSettings>;
  /** OTLP/HTTP receiver for traces; unset: no tracing. */
  otlpEndpoint?: string;
}

export function loadProcessorConfig(
  environment: Record<string, string | undefined> = process.env,
): ProcessorConfig {
  // A variable set to nothing (PROCESSOR_PORT=) means "not set", not port 0.
  const present = Object.fromEntries(
    Object.entries(environment).filter(([, value]) => value !== undefined && value.trim() !== ''),
  );
  const result = schema.safeParse(present);
  const issues = result.success
    ? []
    : result.error.issues.map((issue) => {
        const name = String(issue.path[0] ?? '(environment)');
        const value = present[name];
        return value === undefined
          ? `${name}: ${issue.message}`
          : `${name}: ${issue.message} (got ${JSON.stringify(value)})`;
      });
  // A misspelt fault variable would otherwise be ignored and the faults silently off.
  for (const name of Object.keys(present)) {
    if (name.startsWith('PROCESSOR_') && !(name in schema.shape)) {
      issues.push(`${name}: is not a card processor setting`);
    }
  }
  if (!result.success || issues.length > 0) throw new ConfigError(issues);
  const env = result.data;
  const faults: Partial<FaultSettings> = {
    latencyMs: env.PROCESSOR_LATENCY_MS,
    errorRate: env.PROCESSOR_ERROR_RATE,
    timeoutRate: env.PROCESSOR_TIMEOUT_RATE,
    lostResponseRate: env.PROCESSOR_LOST_RESPONSE_RATE,
    seed: env.PROCESSOR_SEED,
  };
  return {
    host: env.PROCESSOR_HOST,
    port: env.PROCESSOR_PORT,
    apiKey: env.PROCESSOR_API_KEY,
    faults: Object.fromEntries(Object.entries(faults).filter(([, v]) => v !== undefined)),
    ...(env.OTEL_EXPORTER_OTLP_ENDPOINT && { otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT }),
  };
}
