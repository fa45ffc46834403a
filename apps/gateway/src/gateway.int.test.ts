import { createServer, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRemoteJWKSet } from 'jose';
import { createLogger, jwtAuthenticator } from '@stratum/platform';
import { captureLogs, startTestServer, type TestServer } from '@stratum/testing';
import { seedShop, type TestShop } from '../../../packages/bff/src/test-shop.ts';
import { stratumModules, type StratumModule } from './config.ts';
import { createGateway, type Gateway, type GatewayOptions } from './gateway.ts';

type Json = Record<string, unknown>;
/** A part of a BFF answer, as the tests read it. */
interface Part {
  status: string;
  code?: string;
  data?: unknown;
}

/**
 * The gateway in front of a whole embedded server listening on loopback (its
 * upstream for every module), plus a closed port and an upstream that never
 * answers, through real HTTP.
 */
describe('the API gateway', () => {
  let t: TestServer;
  let logs: ReturnType<typeof captureLogs>;
  let upstream: string;
  let shop: TestShop;
  let closedPort: string;
  let hanging: { url: string; server: Server; held: ServerResponse[] };
  const gateways: Gateway[] = [];

  /** A gateway listening on a free port; every module on the embedded server unless told. */
  async function gateway(
    over: Partial<GatewayOptions> & { routes?: Partial<Record<StratumModule, string>> } = {},
  ): Promise<string> {
    const { routes = {}, ...rest } = over;
    const g = await createGateway({
      logger: createLogger({ level: 'silent' }),
      upstreams: Object.fromEntries(
        stratumModules.map((m) => [m, routes[m] ?? upstream]),
      ) as Record<StratumModule, string>,
      authenticator: jwtAuthenticator({
        keys: createRemoteJWKSet(new URL('/.well-known/jwks.json', upstream)),
        issuer: 'stratum',
        audience: 'stratum-api',
      }),
      limits: {
        perIp: { name: 'gateway-ip', points: 10_000, durationSeconds: 60 },
        perTenant: { name: 'gateway-tenant', points: 10_000, durationSeconds: 60 },
      },
      upstream: {
        timeoutMs: 500,
        breaker: { consecutiveFailures: 2, halfOpenAfterMs: 60_000 },
        maxConcurrent: 64,
      },
      ...rest,
    });
    gateways.push(g);
    return g.app.listen({ host: '127.0.0.1', port: 0 });
  }

  const call = (base: string, path: string, init: RequestInit & { token?: string } = {}) => {
    const { token, headers, ...rest } = init;
    return fetch(`${base}${path}`, {
      ...rest,
      headers: {
        ...(token && { authorization: `Bearer ${token}` }),
        ...(headers as Record<string, string>),
      },
    });
  };

  /** The URLs the upstream logged a completed request for. */
  const upstreamSaw = () =>
    logs
      .lines()
      .filter((l) => l['msg'] === 'request completed')
      .map((l) => l as { url: string; requestId: string; traceId?: string; statusCode: number });

  let main: string;

  beforeAll(async () => {
    logs = captureLogs('info');
    t = await startTestServer('pglite', { logger: logs.logger });
    upstream = await t.server.app.listen({ host: '127.0.0.1', port: 0 });
    shop = await seedShop((request) => t.server.app.inject(request));
    // A port nothing listens on any more.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    closedPort = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
    await new Promise((resolve) => probe.close(resolve));
    // An upstream that takes requests and never answers them.
    const held: ServerResponse[] = [];
    const server = createServer((_req, res) => void held.push(res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    hanging = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, held };
    // BFF parts get a generous deadline here: these tests are about routing, not timing.
    main = await gateway({ bff: { options: { partTimeoutMs: 10_000 } } });
  }, 120_000);

  afterAll(async () => {
    // A proxied event stream is never idle: cut every connection rather than wait for it.
    for (const g of gateways) {
      const closing = g.app.close();
      g.app.server.closeAllConnections();
      await closing;
    }
    hanging?.server.closeAllConnections();
    await new Promise((resolve) => hanging?.server.close(resolve));
    await t?.close();
  });

  it('proxies reads with their query string and writes with their body', async () => {
    const created = await call(main, '/api/v1/ordering/orders', {
      method: 'POST',
      token: shop.ownerToken,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        storeId: shop.storeId,
        registerId: shop.registerId,
        fulfilment: { type: 'takeaway', customerName: 'Zoé' },
        lines: [{ variantId: shop.waterId, quantity: 3 }],
      }),
    });
    expect(created.status).toBe(201);
    const order = (await created.json()) as Json;
    expect(order).toMatchObject({
      fulfilment: { customerName: 'Zoé' },
      lines: [expect.objectContaining({ variantId: shop.waterId, quantity: 3 })],
    });
    expect(created.headers.get('etag')).toBe(`"${String(order['version'])}"`);

    const listed = await call(
      main,
      `/api/v1/ordering/orders?registerId=${shop.registerId}&status=open&limit=50`,
      { token: shop.ownerToken },
    );
    expect(listed.status).toBe(200);
    const { items } = (await listed.json()) as { items: { orderId: string }[] };
    const ids = items.map((o) => o.orderId);
    expect(ids).toContain(order['orderId']);
    expect(ids).not.toContain(shop.paid.orderId);
  });

  it('passes ETags and 304 Not Modified through', async () => {
    const path = `/api/v1/catalog/stores/${shop.storeId}/menu`;
    const first = await call(main, path, { token: shop.ownerToken });
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^(W\/)?"/);
    const again = await call(main, path, {
      token: shop.ownerToken,
      headers: { 'if-none-match': etag },
    });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
  });

  it('carries the request id and the trace context to the upstream', async () => {
    const requestId = `gw-${randomUUID()}`;
    const traceId = randomUUID().replaceAll('-', '');
    const res = await call(main, `/api/v1/store-ops/stores/${shop.storeId}`, {
      token: shop.ownerToken,
      headers: { 'x-request-id': requestId, traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe(requestId);
    await expect
      .poll(() => upstreamSaw().find((l) => l.requestId === requestId))
      .toMatchObject({ traceId, url: `/api/v1/store-ops/stores/${shop.storeId}` });
  });

  it('refuses an invalid token itself: the upstream never sees the request', async () => {
    const refused = `/api/v1/ordering/orders/${randomUUID()}`;
    const res = await call(main, refused, { token: `${shop.ownerToken.slice(0, -4)}AAAA` });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(await res.json()).toMatchObject({ code: 'invalid-token' });
    // The same kind of request with a valid token does reach it, and is logged there.
    const admitted = `/api/v1/ordering/orders/${randomUUID()}`;
    expect((await call(main, admitted, { token: shop.ownerToken })).status).toBe(404);
    await expect.poll(() => upstreamSaw().some((l) => l.url === admitted)).toBe(true);
    expect(upstreamSaw().some((l) => l.url === refused)).toBe(false);
  });

  it('lets a request without a token through: the module decides', async () => {
    const res = await call(main, '/api/v1/ordering/orders');
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: 'unauthenticated' });
    const login = await call(main, '/api/v1/identity/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'nobody@example.test', password: 'not the password' }),
    });
    expect(login.status).toBe(401);
    expect(
      upstreamSaw().filter((l) => l.url === '/api/v1/identity/auth/login').length,
    ).toBeGreaterThan(0);
  });

  it('does not offer the service-token exchange to the outside', async () => {
    const res = await call(main, '/api/v1/identity/service-tokens', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ service: 'intruder', secret: 'guessing-the-shared-secret' }),
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: 'route-not-found' });
    expect(upstreamSaw().some((l) => l.url.includes('service-tokens'))).toBe(false);
  });

  it('limits each client address and each tenant, answering 429 with Retry-After', async () => {
    const perIp = await gateway({
      limits: {
        perIp: { name: 'gateway-ip', points: 3, durationSeconds: 60 },
        perTenant: { name: 'gateway-tenant', points: 10_000, durationSeconds: 60 },
      },
    });
    for (let i = 0; i < 3; i += 1) {
      expect(
        (await call(perIp, `/api/v1/store-ops/stores/${shop.storeId}`, { token: shop.ownerToken }))
          .status,
      ).toBe(200);
    }
    const limited = await call(perIp, `/api/v1/store-ops/stores/${shop.storeId}`, {
      token: shop.ownerToken,
    });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await limited.json()).toMatchObject({ code: 'rate-limited', limit: 'gateway-ip' });

    const perTenant = await gateway({
      limits: {
        perIp: { name: 'gateway-ip', points: 10_000, durationSeconds: 60 },
        perTenant: { name: 'gateway-tenant', points: 2, durationSeconds: 60 },
      },
    });
    const store = `/api/v1/store-ops/stores/${shop.storeId}`;
    expect((await call(perTenant, store, { token: shop.ownerToken })).status).toBe(200);
    expect((await call(perTenant, store, { token: shop.ownerToken })).status).toBe(200);
    const tenantLimited = await call(perTenant, store, { token: shop.ownerToken });
    expect(tenantLimited.status).toBe(429);
    expect(tenantLimited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await tenantLimited.json()).toMatchObject({ limit: 'gateway-tenant' });
    // Another business is counted on its own.
    const other = await seedShop((request) => t.server.app.inject(request));
    expect(
      (
        await call(perTenant, store.replace(shop.storeId, other.storeId), {
          token: other.ownerToken,
        })
      ).status,
    ).toBe(200);
  });

  it('answers 503 with Retry-After for a module whose upstream is down, and opens its circuit', async () => {
    const faulty = await gateway({ routes: { payments: closedPort } });
    const payment = `/api/v1/payments/${randomUUID()}`;
    const first = await call(faulty, payment, { token: shop.ownerToken });
    expect(first.status).toBe(503);
    expect(first.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await first.json()).toMatchObject({
      code: 'upstream-unavailable',
      module: 'payments',
      reason: 'unreachable',
      detail: expect.stringContaining('payments'),
    });
    await call(faulty, payment, { token: shop.ownerToken });
    const tripped = await call(faulty, payment, { token: shop.ownerToken });
    expect(tripped.status).toBe(503);
    expect(Number(tripped.headers.get('retry-after'))).toBeGreaterThan(1);
    expect(await tripped.json()).toMatchObject({ reason: 'circuit-open', module: 'payments' });
    // The rest of the API is unaffected.
    const menu = await call(faulty, `/api/v1/catalog/stores/${shop.storeId}/menu`, {
      token: shop.ownerToken,
    });
    expect(menu.status).toBe(200);
    const ready = (await (await call(faulty, '/health/ready')).json()) as Json;
    expect(ready['upstreams']).toEqual(
      expect.arrayContaining([
        { module: 'payments', url: closedPort, circuit: 'open' },
        { module: 'catalog', url: upstream.replace('localhost', '127.0.0.1'), circuit: 'closed' },
      ]),
    );
  });

  it('answers 503 instead of hanging when an upstream never answers', async () => {
    const slow = await gateway({ routes: { inventory: hanging.url } });
    const res = await call(slow, `/api/v1/inventory/levels?storeId=${shop.storeId}`, {
      token: shop.ownerToken,
    });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await res.json()).toMatchObject({
      code: 'upstream-unavailable',
      module: 'inventory',
      reason: 'timeout',
    });
    expect(hanging.held.length).toBeGreaterThan(0);
  });

  it('streams Server-Sent Events through', async () => {
    const controller = new AbortController();
    const res = await call(main, `/api/v1/ordering/stores/${shop.storeId}/kitchen/feed`, {
      token: shop.ownerToken,
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes('\n\n')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value as Uint8Array);
    }
    expect(text).toContain('event: snapshot');
    controller.abort();
  });

  it('serves the BFF routes over the modules’ HTTP routes, as the caller', async () => {
    const boot = await call(main, `/api/v1/bff/pos/bootstrap?registerId=${shop.registerId}`, {
      token: shop.ownerToken,
    });
    expect(boot.status).toBe(200);
    const body = (await boot.json()) as Record<string, Part>;
    for (const part of ['register', 'store', 'drawer', 'menu', 'openOrders']) {
      expect(body[part]!.status, part).toBe('ok');
    }
    expect(body['drawer']!.data).toMatchObject({ id: shop.drawerId });
    const open = body['openOrders']!.data as { orderId: string }[];
    expect(open.map((o) => o.orderId)).toContain(shop.open.orderId);

    const date = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(
      new Date(shop.paid.paidAt!),
    );
    const dashboard = await call(
      main,
      `/api/v1/bff/back-office/dashboard?storeId=${shop.storeId}&date=${date}`,
      { token: shop.ownerToken },
    );
    expect(dashboard.status).toBe(200);
    const day = (await dashboard.json()) as Record<string, Part>;
    expect(day['sales']).toMatchObject({
      status: 'ok',
      data: { orderCount: 1, grossMinor: shop.paid.paidAmount, currency: 'EUR' },
    });
    expect((day['topItems']!.data as Json[])[0]).toMatchObject({
      variantId: shop.croissantId,
      quantity: 2,
    });
    expect(day['lowStock']!.data).toEqual([
      expect.objectContaining({ stockItemId: shop.croissantId, onHand: 3 }),
    ]);

    const anonymous = await call(main, `/api/v1/bff/pos/bootstrap?registerId=${shop.registerId}`);
    expect(anonymous.status).toBe(401);
  });

  it('degrades a BFF answer to the parts whose modules answer', async () => {
    const degraded = await gateway({
      routes: { inventory: hanging.url, catalog: closedPort },
      bff: { options: { partTimeoutMs: 2_000 } },
    });
    const date = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(
      new Date(shop.paid.paidAt!),
    );
    const degradedDay = (await (
      await call(
        degraded,
        `/api/v1/bff/back-office/dashboard?storeId=${shop.storeId}&date=${date}`,
        {
          token: shop.ownerToken,
        },
      )
    ).json()) as Record<string, Part>;
    expect(degradedDay['sales']!.status).toBe('ok');
    expect(degradedDay['lowStock']).toMatchObject({ status: 'unavailable' });
    expect(['part-timeout', 'dependency-timeout']).toContain(degradedDay['lowStock']!.code);
    const degradedBoot = (await (
      await call(degraded, `/api/v1/bff/pos/bootstrap?registerId=${shop.registerId}`, {
        token: shop.ownerToken,
      })
    ).json()) as Record<string, Part>;
    expect(degradedBoot['menu']).toMatchObject({
      status: 'unavailable',
      code: 'dependency-unavailable',
    });
    expect(degradedBoot['register']!.status).toBe('ok');
    expect(degradedBoot['openOrders']!.status).toBe('ok');
  });
});
