import { describe, expect, it } from 'vitest';
import { ConfigError } from '@stratum/platform';
import { loadGatewayConfig } from './config.ts';

describe('the gateway configuration', () => {
  it('routes every module to STRATUM_UPSTREAM unless the module has a route of its own', () => {
    const config = loadGatewayConfig({
      STRATUM_UPSTREAM: 'http://10.0.0.5:3000',
      STRATUM_ROUTE_ORDERING: 'http://10.0.0.6:3001/',
      STRATUM_ROUTE_STORE_OPS: 'https://store-ops.internal',
    });
    expect(config.upstreams).toEqual({
      identity: 'http://10.0.0.5:3000',
      'store-ops': 'https://store-ops.internal',
      catalog: 'http://10.0.0.5:3000',
      inventory: 'http://10.0.0.5:3000',
      ordering: 'http://10.0.0.6:3001',
      payments: 'http://10.0.0.5:3000',
    });
    expect(config.identityUrl).toBe('http://10.0.0.5:3000');
    expect(config.GATEWAY_RATE_LIMIT_IP).toEqual({
      name: 'gateway-ip',
      points: 1200,
      durationSeconds: 60,
    });
  });

  it('lists every module without an upstream, and every malformed value, at once', () => {
    let error: unknown;
    try {
      loadGatewayConfig({
        STRATUM_ROUTE_IDENTITY: 'http://10.0.0.5:3000',
        STRATUM_ROUTE_CATALOG: 'http://10.0.0.5:3000/catalog',
        GATEWAY_RATE_LIMIT_TENANT: 'lots',
        GATEWAY_UPSTREAM_TIMEOUT_MS: '5',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues.join('\n');
    for (const name of [
      'STRATUM_ROUTE_STORE_OPS',
      'STRATUM_ROUTE_INVENTORY',
      'STRATUM_ROUTE_ORDERING',
      'STRATUM_ROUTE_PAYMENTS',
      'STRATUM_ROUTE_CATALOG',
      'GATEWAY_RATE_LIMIT_TENANT',
      'GATEWAY_UPSTREAM_TIMEOUT_MS',
    ]) {
      expect(issues).toContain(name);
    }
    expect(issues).not.toContain('STRATUM_ROUTE_IDENTITY');
  });

  it('takes the JWKS from IDENTITY_URL when it is set', () => {
    const config = loadGatewayConfig({
      STRATUM_UPSTREAM: 'http://127.0.0.1:3000',
      IDENTITY_URL: 'http://127.0.0.1:3100',
    });
    expect(config.identityUrl).toBe('http://127.0.0.1:3100');
  });
});
