import { z } from 'zod';

/** Thrown when the environment does not describe a valid configuration. */
export class ConfigError extends Error {
  readonly issues: readonly string[];
  constructor(issues: readonly string[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

/**
 * Parses the environment with a zod object schema and reports every invalid
 * variable at once, so an operator fixes the whole list in one go.
 */
export function loadConfig<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): z.output<S> {
  // An empty variable (PORT=) means "not set", not zero or an empty string.
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''),
  );
  const result = schema.safeParse(present);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => {
    const name = issue.path.map(String).join('.') || '(environment)';
    const value = issue.path.length === 1 ? present[String(issue.path[0])] : undefined;
    return value === undefined
      ? `${name}: ${issue.message}`
      : `${name}: ${issue.message} (got ${JSON.stringify(value)})`;
  });
  throw new ConfigError(issues);
}

/** Environment helpers: every variable arrives as a string. */
export const env = {
  port: (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback),
  int: (fallback: number, min = 0) => z.coerce.number().int().min(min).default(fallback),
  bool: (fallback: boolean) =>
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no'])
      .default(fallback ? 'true' : 'false')
      .transform((v) => v === 'true' || v === '1' || v === 'yes'),
  list: () =>
    z
      .string()
      .optional()
      .transform((v) =>
        v
          ? v
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean)
          : undefined,
      ),
};
