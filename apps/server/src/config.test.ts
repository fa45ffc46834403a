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
});
