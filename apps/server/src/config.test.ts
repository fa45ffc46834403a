import { describe, expect, it } from 'vitest';
import { loadServerConfig } from './config.ts';

describe('the server configuration', () => {
  it('keeps Idempotency-Keys a day unless told otherwise, and never shorter than their lease', () => {
    expect(loadServerConfig({}).IDEMPOTENCY_RETENTION_MS).toBe(86_400_000);
    expect(loadServerConfig({ IDEMPOTENCY_RETENTION_MS: '3600000' }).IDEMPOTENCY_RETENTION_MS).toBe(
      3_600_000,
    );
    expect(() => loadServerConfig({ IDEMPOTENCY_RETENTION_MS: '1000' })).toThrow(
      /IDEMPOTENCY_RETENTION_MS/,
    );
  });

  it('needs store-ops’ address in a process hosting payments alone: cash refunds ask its drawers', () => {
    const paymentsAlone = {
      STRATUM_MODULES: 'payments',
      STRATUM_REMOTE_IDENTITY: 'http://identity:4101',
      STRATUM_SERVICE_SECRET: 'a service secret long enough to pass',
      NATS_URL: 'nats://nats:4222',
      REDIS_URL: 'redis://redis:6379',
    };
    expect(() => loadServerConfig(paymentsAlone)).toThrow(
      /STRATUM_REMOTE_STORE_OPS.*payments calls store-ops/,
    );
    expect(
      loadServerConfig({ ...paymentsAlone, STRATUM_REMOTE_STORE_OPS: 'http://catalog:4102' })
        .STRATUM_MODULES,
    ).toEqual(['payments']);
  });
});
