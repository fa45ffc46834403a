import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { natsUrl, postgresUrl, redisUrl } from '@stratum/testing';
import { demoAccounts } from '../../apps/server/src/seed/demo-data.ts';
import { seedDemo } from '../../apps/server/src/seed/seed.ts';
import { apiOf, eventually, type Api } from '../support/checkout-till.ts';
import {
  launchServicesShape,
  openFaultTill,
  sellEspresso,
  type ServicesShape,
  type FaultTill,
} from '../support/services-shape.ts';

/** The gateway's wait for an upstream's headers; a dead upstream must be answered well before it. */
const upstreamTimeoutMs = 8_000;
const breakerCooldownMs = 1_000;

interface Timed {
  status: number;
  retryAfter: string | null;
  body: { code?: string; reason?: string; module?: string };
  ms: number;
}

async function timedGet(base: string, path: string, token: string): Promise<Timed> {
  const started = performance.now();
  const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const body = (await res.json()) as Timed['body'];
  return {
    status: res.status,
    retryAfter: res.headers.get('retry-after'),
    body,
    ms: performance.now() - started,
  };
}

describe.runIf(postgresUrl() && redisUrl() && natsUrl())(
  'the services shape with the catalog process killed',
  () => {
    let shape: ServicesShape;
    let api: Api;

    beforeAll(async () => {
      shape = await launchServicesShape({
        natsUrl: natsUrl()!,
        redisUrl: redisUrl()!,
        serviceEnv: {
          gateway: {
            GATEWAY_UPSTREAM_TIMEOUT_MS: String(upstreamTimeoutMs),
            GATEWAY_BREAKER_COOLDOWN_MS: String(breakerCooldownMs),
          },
        },
      });
      api = apiOf(shape.url);
    }, 180_000);

    afterAll(() => shape?.close(), 60_000);

    it('answers 503 at once for its modules, serves the others, and recovers after a restart', async () => {
      await seedDemo(shape.url);
      const till: FaultTill = await openFaultTill(api, 5_000);
      const sold = await sellEspresso(api, till, 'card', 'before-kill-1');
      expect(sold.checkout.status).toBe(201);
      const paymentId = sold.checkout.body.tenders[0]!.paymentId;
      const token = await api.login(demoAccounts.manager);
      const catalogRoutes = [
        `/api/v1/catalog/stores/${till.storeId}/menu`,
        `/api/v1/store-ops/registers/${till.registerId}`,
        '/api/v1/inventory/stock-items?limit=5',
      ];
      for (const path of catalogRoutes) {
        expect((await timedGet(shape.url, path, token)).status, path).toBe(200);
      }

      await shape.launched.kill('catalog');

      // Each route of the dead process, several times: refused connections first, then the open circuit.
      const answers: (Timed & { path: string })[] = [];
      for (let round = 0; round < 3; round++) {
        for (const path of catalogRoutes) {
          answers.push({ path, ...(await timedGet(shape.url, path, token)) });
        }
      }
      for (const a of answers) {
        expect(a.status, a.path).toBe(503);
        expect(a.body.code, a.path).toBe('upstream-unavailable');
        expect(Number(a.retryAfter), a.path).toBeGreaterThanOrEqual(1);
        // Answered because the upstream is gone, not because the gateway gave up waiting.
        expect(['unreachable', 'circuit-open'], a.path).toContain(a.body.reason);
        expect(a.ms, a.path).toBeLessThan(upstreamTimeoutMs / 2);
      }
      expect(new Set(answers.map((a) => a.body.module))).toEqual(
        new Set(['catalog', 'store-ops', 'inventory']),
      );

      // The modules of the other processes are not affected.
      const me = await timedGet(shape.url, '/api/v1/identity/me', token);
      expect(me.status).toBe(200);
      const order = await timedGet(
        shape.url,
        `/api/v1/ordering/orders/${sold.order.orderId}`,
        token,
      );
      expect(order.status).toBe(200);
      expect(order.body).toMatchObject({ orderId: sold.order.orderId });
      const payment = await timedGet(shape.url, `/api/v1/payments/${paymentId}`, token);
      expect(payment.status).toBe(200);
      expect(payment.body).toMatchObject({ status: 'captured' });

      await shape.launched.restart('catalog');

      // Once the circuit's cool-down has passed, a trial request finds the process back.
      for (const path of catalogRoutes) {
        await eventually(
          `${path} to answer again`,
          async () => ((await timedGet(shape.url, path, token)).status === 200 ? true : undefined),
          30_000,
          250,
        );
      }
      const again = await sellEspresso(api, till, 'cash', 'after-restart-1');
      expect(again.checkout.status).toBe(201);
      expect(again.checkout.body).toMatchObject({ status: 'completed' });
      console.info(
        JSON.stringify({
          unavailableMs: answers.map((a) => Math.round(a.ms)),
          reasons: answers.map((a) => a.body.reason),
        }),
      );
    }, 240_000);
  },
);
