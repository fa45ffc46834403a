import { Agent, get as httpGet } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, testEngines, type TestServer } from '@stratum/testing';
import { catalogClient, smallCatalog, type CatalogClient } from '../support/catalog.ts';

/**
 * The menu over a real socket, where the fast lane answers once the menu is
 * cached (the other catalog tests go through inject, which never reaches it).
 * Whichever lane answers, the client must not be able to tell.
 */
describe.each(testEngines())('the POS menu over a real socket on %s', (engine) => {
  let t: TestServer;
  let c: CatalogClient;
  let base: string;

  const get = (token: string, storeId: string, headers: Record<string, string> = {}) =>
    fetch(`${base}/api/v1/catalog/stores/${storeId}/menu`, {
      headers: { authorization: `Bearer ${token}`, ...headers },
    });

  beforeAll(async () => {
    t = await startTestServer(engine);
    c = catalogClient(t.server);
    base = await t.server.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(() => t?.close());

  it('answers a cached menu with the same bytes, tag and headers as the first read', async () => {
    const { token, stores } = await c.tenantWithStores(['Europe/Paris']);
    await smallCatalog(c, token);
    const first = await get(token, stores[0]!.id); // a miss: the full pipeline builds it
    const firstBody = await first.text();
    const second = await get(token, stores[0]!.id, { 'x-request-id': 'till-1' });

    expect(second.status).toBe(200);
    expect(await second.text()).toBe(firstBody);
    for (const name of [
      'etag',
      'content-type',
      'cache-control',
      'vary',
      'content-security-policy',
      'strict-transport-security',
      'x-content-type-options',
      'x-frame-options',
    ]) {
      expect(second.headers.get(name), name).toBe(first.headers.get(name));
    }
    expect(second.headers.get('x-request-id')).toBe('till-1');

    const notModified = await get(token, stores[0]!.id, {
      'if-none-match': first.headers.get('etag')!,
    });
    expect(notModified.status).toBe(304);
    expect(await notModified.text()).toBe('');
    expect(notModified.headers.get('etag')).toBe(first.headers.get('etag'));
  });

  it('serves the new menu after a price change, though the old one was cached', async () => {
    const { token, stores } = await c.tenantWithStores(['Europe/Paris']);
    const { burger } = await smallCatalog(c, token);
    const before = await get(token, stores[0]!.id);
    const etag = before.headers.get('etag')!;
    await before.text();
    expect((await get(token, stores[0]!.id, { 'if-none-match': etag })).status).toBe(304);

    await c.ok(200, 'PUT', `/items/${burger.id}/variants/${burger.variants[0]!.id}/price`, token, {
      priceMinor: 990,
      reason: 'new supplier',
    });

    await expect
      .poll(async () => (await get(token, stores[0]!.id, { 'if-none-match': etag })).status)
      .toBe(200);
    expect(await (await get(token, stores[0]!.id)).text()).toContain('990');
  });

  it('answers a terminal polling on one connection with the new menu as soon as the price changes', async () => {
    const { token, stores } = await c.tenantWithStores(['Europe/Paris']);
    const { burger } = await smallCatalog(c, token);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const poll = (etag?: string) =>
      new Promise<{ status: number; etag: string; body: string }>((resolve, reject) => {
        httpGet(
          `${base}/api/v1/catalog/stores/${stores[0]!.id}/menu`,
          {
            agent,
            headers: { authorization: `Bearer ${token}`, ...(etag && { 'if-none-match': etag }) },
          },
          (res) => {
            let body = '';
            res.on('data', (chunk: Buffer) => (body += chunk.toString()));
            res.on('end', () =>
              resolve({ status: res.statusCode ?? 0, etag: String(res.headers.etag), body }),
            );
          },
        ).on('error', reject);
      });
    try {
      const first = await poll();
      for (let i = 0; i < 3; i += 1) expect((await poll(first.etag)).status).toBe(304);

      await c.ok(
        200,
        'PUT',
        `/items/${burger.id}/variants/${burger.variants[0]!.id}/price`,
        token,
        {
          priceMinor: 990,
          reason: 'new supplier',
        },
      );

      // The write dropped this process's cached version: the very next poll sees it.
      const changed = await poll(first.etag);
      expect(changed.status).toBe(200);
      expect(changed.etag).not.toBe(first.etag);
      expect(changed.body).toContain('990');
      expect((await poll(changed.etag)).status).toBe(304);
    } finally {
      agent.destroy();
    }
  });

  it('still refuses staff scoped to another store and unknown tokens with problems', async () => {
    const { token, stores } = await c.tenantWithStores();
    await smallCatalog(c, token);
    await (await get(token, stores[1]!.id)).text(); // cached for the owner
    const cashier = await c.staff(token, ['cashier'], [stores[0]!.id]);
    await (await get(cashier, stores[0]!.id)).text(); // the cashier's token is verified now

    const scoped = await get(cashier, stores[1]!.id);
    expect(scoped.status).toBe(403);
    expect(await scoped.json()).toMatchObject({ code: 'store-not-allowed' });
    const forged = await get(`${token}x`, stores[1]!.id);
    expect(forged.status).toBe(401);
    expect(forged.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });
});
