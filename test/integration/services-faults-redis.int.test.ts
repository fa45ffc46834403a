import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { natsUrl, postgresUrl, redisUrl } from '@stratum/testing';
import type { MenuDocument } from '@stratum/catalog/contract';
import { routeVariable, stratumModules } from '../../apps/gateway/src/config.ts';
import { demoAccounts } from '../../apps/server/src/seed/demo-data.ts';
import { seedDemo } from '../../apps/server/src/seed/seed.ts';
import { apiOf, eventually, within, type Api } from '../support/checkout-till.ts';
import { startRedisServer, type EngineProcess } from '../support/engines.ts';
import {
  launchServicesShape,
  openFaultTill,
  sellEspresso,
  type ServicesShape,
  type FaultTill,
} from '../support/services-shape.ts';
import { runScript, type Running } from '../support/process.ts';

/** The strict gateway's budget per client address: a burst of `strictPoints + 2` goes over it. */
const strictPoints = 5;

/** A second gateway replica on the same upstreams and Redis, with a per-address limit a burst exceeds. */
async function startStrictGateway(
  shape: ServicesShape,
  redis: string,
): Promise<Running & { url: string }> {
  const routes = Object.fromEntries(
    stratumModules.map((m) => [routeVariable(m), shape.launched.hostOf(m).url]),
  );
  const run = runScript('apps/gateway/src/main.ts', {
    ...routes,
    HOST: '127.0.0.1',
    GATEWAY_PORT: '0',
    LOG_LEVEL: 'warn',
    IDENTITY_URL: shape.launched.hostOf('identity').url,
    REDIS_URL: redis,
    GATEWAY_RATE_LIMIT_IP: `${strictPoints}/60`,
  });
  const match = await within(
    run.waitFor(/Stratum gateway on (http:\/\/\S+)\/api\/v1/),
    60_000,
    () => `the strict gateway did not start:\n${run.stdout()}\n${run.stderr()}`,
  );
  return Object.assign(run, { url: match[1]! });
}

/** Keys under `pattern` in the test's Redis (a client of the test's own). */
async function keys(url: string, pattern: string): Promise<string[]> {
  const client = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await client.connect();
    return await client.keys(pattern);
  } finally {
    client.disconnect();
  }
}

/** `count` sequential calls through the strict gateway; answers each status. */
async function burst(gateway: Api, token: string, count: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i++) {
    statuses.push((await gateway.call('GET', '/api/v1/identity/me', token)).status);
  }
  return statuses;
}

describe.runIf(postgresUrl() && redisUrl() && natsUrl())(
  'the services shape while Redis is down',
  () => {
    let redis: EngineProcess;
    let shape: ServicesShape;
    let strict: (Running & { url: string }) | undefined;
    let api: Api;

    beforeAll(async () => {
      redis = await startRedisServer();
      try {
        // Near copies live briefly: a read after Redis returns has to go through it.
        shape = await launchServicesShape({
          natsUrl: natsUrl()!,
          redisUrl: redis.url,
          env: { CACHE_NEAR_TTL_MS: '100' },
        });
        strict = await startStrictGateway(shape, redis.url);
      } catch (err) {
        await shape?.close();
        await redis.dispose();
        throw err;
      }
      api = apiOf(shape.url);
    }, 180_000);

    afterAll(async () => {
      if (strict && strict.child.exitCode === null) {
        strict.child.kill('SIGTERM');
        await strict.exited;
      }
      await shape?.close();
      await redis?.dispose();
    }, 60_000);

    it('serves logins, fresh menus, checkouts and per-process rate limits, then uses Redis again', async () => {
      await seedDemo(shape.url);
      const till: FaultTill = await openFaultTill(api, 5_000);
      const owner = await api.login(demoAccounts.owner);
      const menuPath = `/api/v1/catalog/stores/${till.storeId}/menu`;
      const espressoPrice = (menu: MenuDocument) =>
        menu.categories.flatMap((c) => c.items).find((i) => i.id === till.espresso.itemId)!
          .variants[0]!.priceMinor;
      const before = espressoPrice(await api.ok<MenuDocument>(200, 'GET', menuPath, till.token));
      // The menu is cached in Redis while it is up: the outage takes away a real cache.
      expect(await keys(redis.url, 'stratum:cache:*')).not.toHaveLength(0);

      await redis.stop('SIGKILL');

      const cashier = await api.login(demoAccounts.cashier);
      const me = await api.ok<{ user: { email: string } }>(
        200,
        'GET',
        '/api/v1/identity/me',
        cashier,
      );
      expect(me.user.email).toBe(demoAccounts.cashier.email);
      // A price change while the cache cannot be told: the menu comes from the source, fresh.
      await api.ok(
        200,
        'PUT',
        `/api/v1/catalog/items/${till.espresso.itemId}/variants/${till.espresso.variantId}/price`,
        owner,
        { priceMinor: before + 10, reason: 'beans went up' },
      );
      const menu = await api.ok<MenuDocument>(200, 'GET', menuPath, cashier);
      expect(espressoPrice(menu)).toBe(before + 10);
      const outage = await sellEspresso(api, { ...till, token: cashier }, 'card', 'redis-down-1');
      expect(outage.order.lines[0]!.unitPrice).toBe(before + 10);
      expect(outage.checkout.status).toBe(201);
      expect(outage.checkout.body).toMatchObject({ status: 'completed' });

      // ADR 0017: limits hold per process while Redis is away; they neither fail open nor lock out.
      const gateway = apiOf(strict!.url);
      const limited = await burst(gateway, cashier, strictPoints + 2);
      expect(limited).toEqual([...Array(strictPoints).fill(200), 429, 429]);
      const refused = await gateway.call<{ code: string }>('GET', '/api/v1/identity/me', cashier);
      expect(refused.status).toBe(429);
      expect(refused.body.code).toBe('rate-limited');

      // The processes did lose Redis (they said so), and served all of the above without it.
      for (const name of ['identity', 'catalog', 'checkout']) {
        expect(shape.output()).toMatch(new RegExp(`\\[${name}\\] .*redis connection lost`));
      }

      await redis.start();

      // Counted in Redis again: its fresh budget admits the address the process budget refused.
      await eventually(
        'the strict gateway to count in Redis again',
        async () =>
          (await gateway.call('GET', '/api/v1/identity/me', cashier)).status === 200 || undefined,
        30_000,
        200,
      );
      const shared = await burst(gateway, cashier, strictPoints);
      expect(shared).toEqual([...Array(strictPoints - 1).fill(200), 429]);
      expect(await keys(redis.url, 'stratum:gateway-rate:*')).not.toHaveLength(0);

      // The menu is cached in Redis again once the catalog process has reconnected.
      const cached = await eventually(
        'the menu to be cached in Redis again',
        async () => {
          const read = await api.ok<MenuDocument>(200, 'GET', menuPath, cashier);
          return (await keys(redis.url, 'stratum:cache:*')).length > 0 ? read : undefined;
        },
        30_000,
        200,
      );
      expect(espressoPrice(cached)).toBe(before + 10);
      const after = await sellEspresso(api, { ...till, token: cashier }, 'cash', 'redis-back-1');
      expect(after.checkout.status).toBe(201);
      expect(after.checkout.body).toMatchObject({ status: 'completed' });
    }, 240_000);
  },
);
