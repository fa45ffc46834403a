import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, env, loadConfig } from './config.ts';

const schema = z.object({
  PORT: env.port(3000),
  POOL_SIZE: env.int(10, 1),
  TRUST_PROXY: env.bool(false),
  CORS_ORIGINS: env.list(),
  DATABASE_URL: z.url(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});

function configErrorOf(run: () => unknown): ConfigError {
  try {
    run();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies every default when only the required variables are set', () => {
    const config = loadConfig(schema, { DATABASE_URL: 'postgres://db.local/stratum' });

    expect(config).toEqual({
      PORT: 3000,
      POOL_SIZE: 10,
      TRUST_PROXY: false,
      CORS_ORIGINS: undefined,
      DATABASE_URL: 'postgres://db.local/stratum',
      LOG_LEVEL: 'info',
    });
  });

  it('coerces numbers, booleans and lists from their string form', () => {
    const config = loadConfig(schema, {
      PORT: '8080',
      POOL_SIZE: '25',
      TRUST_PROXY: 'yes',
      CORS_ORIGINS: ' https://a.test, https://b.test ,,',
      DATABASE_URL: 'postgres://db.local/stratum',
      LOG_LEVEL: 'warn',
    });

    expect(config.PORT).toBe(8080);
    expect(config.POOL_SIZE).toBe(25);
    expect(config.TRUST_PROXY).toBe(true);
    expect(config.CORS_ORIGINS).toEqual(['https://a.test', 'https://b.test']);
    expect(config.LOG_LEVEL).toBe('warn');
  });

  it('treats an empty PORT as unset and uses the default instead of port 0', () => {
    const config = loadConfig(schema, { DATABASE_URL: 'postgres://db', PORT: '' });

    expect(config.PORT).toBe(3000);
  });

  it('treats whitespace-only variables as unset and applies their defaults', () => {
    const config = loadConfig(schema, {
      DATABASE_URL: 'postgres://db',
      PORT: '   ',
      POOL_SIZE: ' ',
      TRUST_PROXY: '',
      CORS_ORIGINS: ' ',
      LOG_LEVEL: '\t',
    });

    expect(config).toEqual({
      PORT: 3000,
      POOL_SIZE: 10,
      TRUST_PROXY: false,
      CORS_ORIGINS: undefined,
      DATABASE_URL: 'postgres://db',
      LOG_LEVEL: 'info',
    });
  });

  it('reports an empty required variable as missing', () => {
    const error = configErrorOf(() => loadConfig(schema, { DATABASE_URL: '' }));

    expect(error.issues.map((issue) => issue.split(':')[0])).toEqual(['DATABASE_URL']);
  });

  it.each([
    ['true', true],
    ['1', true],
    ['yes', true],
    ['false', false],
    ['0', false],
    ['no', false],
  ])('reads the boolean spelling %j as %j', (raw, expected) => {
    const config = loadConfig(schema, { DATABASE_URL: 'postgres://db', TRUST_PROXY: raw });
    expect(config.TRUST_PROXY).toBe(expected);
  });

  it('uses a true default for a boolean declared with one', () => {
    const config = loadConfig(z.object({ FLAG: env.bool(true) }), {});
    expect(config.FLAG).toBe(true);
  });

  it('reads process.env when no environment is passed', () => {
    const name = 'STRATUM_CONFIG_TEST_PORT';
    process.env[name] = '4321';
    try {
      expect(loadConfig(z.object({ [name]: env.port(1) }))[name]).toBe(4321);
    } finally {
      delete process.env[name];
    }
  });

  it('lists every invalid variable in one ConfigError, not just the first', () => {
    const error = configErrorOf(() =>
      loadConfig(schema, {
        PORT: 'eighty',
        POOL_SIZE: '0',
        TRUST_PROXY: 'maybe',
        LOG_LEVEL: 'loud',
      }),
    );

    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ConfigError');
    const names = error.issues.map((issue) => issue.split(':')[0]);
    expect(names.sort()).toEqual(['DATABASE_URL', 'LOG_LEVEL', 'POOL_SIZE', 'PORT', 'TRUST_PROXY']);
    for (const name of names) expect(error.message).toContain(`  - ${name}:`);
  });

  it('shows the rejected value of a variable that was set, and none for a missing one', () => {
    const error = configErrorOf(() => loadConfig(schema, { PORT: '70000' }));

    const port = error.issues.find((issue) => issue.startsWith('PORT:'));
    const url = error.issues.find((issue) => issue.startsWith('DATABASE_URL:'));
    expect(port).toMatch(/\(got "70000"\)$/);
    expect(url).toBeDefined();
    expect(url).not.toContain('(got');
  });

  it('rejects a port outside 0..65535 and a fractional integer', () => {
    const error = configErrorOf(() =>
      loadConfig(schema, { DATABASE_URL: 'postgres://db', PORT: '-1', POOL_SIZE: '2.5' }),
    );

    expect(error.issues.map((issue) => issue.split(':')[0]).sort()).toEqual(['POOL_SIZE', 'PORT']);
  });

  it('reports a rule over the whole environment as (environment)', () => {
    const whole = z.object({ A: z.string().optional() }).refine((e) => e.A !== undefined, {
      message: 'A is required in production',
    });

    expect(configErrorOf(() => loadConfig(whole, {})).issues).toEqual([
      '(environment): A is required in production',
    ]);
  });
});
