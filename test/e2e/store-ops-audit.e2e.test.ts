import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeEnvelope, newId } from '@stratum/platform';
import { checkoutEvents } from '@stratum/ordering/contract';
import type { StratumServer } from '@stratum/server';
import { startTestServer, testEngines, type TestServer } from '@stratum/testing';
import { storeOpsClient, type Body } from '../support/store-ops.ts';

describe.each(testEngines())('the store-ops audit log through HTTP on %s', (engine) => {
  let t: TestServer;
  let server: StratumServer;
  let c: ReturnType<typeof storeOpsClient>;

  beforeAll(async () => {
    t = await startTestServer(engine);
    server = t.server;
    c = storeOpsClient(server);
  });
  afterAll(() => t?.close());

  /** Every entry of the list the query names, page by page of `limit`. */
  const walk = async (token: string, query: string, limit: number) => {
    const pages: Body[][] = [];
    let cursor: string | null = null;
    do {
      const after: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const page = await c.ok(200, 'GET', `/audit?limit=${limit}${query}${after}`, token);
      pages.push(page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return pages;
  };

  /** A Z close with a reason: its drawer counted 600 where 500 was expected. */
  const zClose = async (token: string, registerId: string) => {
    const session = await c.ok(201, 'POST', `/registers/${registerId}/drawer`, token, {
      openingFloatMinor: 500,
    });
    await c.ok(201, 'POST', `/drawer-sessions/${session.id}/close`, token, {
      countedCashMinor: 600,
      reason: 'tip jar mixed in',
    });
    return session;
  };

  /** Waits until the clock has moved past `ms`, so what comes next is written later. */
  const pastMillisecond = async (ms: number) => {
    await expect.poll(() => Date.now(), { interval: 1 }).toBeGreaterThan(ms);
    return new Date().toISOString();
  };

  it('shows an owner a Z close: who, when, the drawer before and after, and the reason', async () => {
    const { owner, token, store, register } = await c.tenantWithRegister();
    const session = await zClose(token, register.id);
    const page = await c.ok(200, 'GET', '/audit', token);
    expect(page.nextCursor).toBeNull();
    expect(page.items).toEqual([
      {
        id: expect.any(String),
        at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        actorId: owner.userId,
        action: 'drawer.z-close',
        entityType: 'drawer-session',
        entityId: session.id,
        before: expect.objectContaining({
          storeId: store.id,
          status: 'open',
          expectedCashMinor: 500,
        }),
        after: expect.objectContaining({ status: 'closed', countedCashMinor: 600 }),
        reason: 'tip jar mixed in',
        requestId: expect.any(String),
      },
    ]);
  });

  it('shows a manager the cash sale that could not be posted to a closed drawer', async () => {
    const { owner, token, store, register } = await c.tenantWithRegister();
    const manager = await c.staff(token, ['manager']);
    const sale = {
      checkoutId: newId(),
      orderId: newId(),
      storeId: store.id,
      registerId: register.id,
      total: 1_250,
      currency: 'EUR',
      receiptNumber: 1,
      payments: [{ paymentId: newId(), kind: 'cash' as const, amount: 1_250, tip: 0 }],
    };
    await server.bus.publish(makeEnvelope(checkoutEvents.checkoutCompleted, sale, owner.tenantId));
    const query = '/audit?action=drawer.posting-skipped';
    await expect
      .poll(async () => (await c.ok(200, 'GET', query, manager)).items)
      .toEqual([
        expect.objectContaining({
          entityType: 'register',
          entityId: register.id,
          after: expect.objectContaining({
            storeId: store.id,
            kind: 'sale',
            tender: 'cash',
            amountMinor: 1_250,
          }),
          reason: 'no-open-drawer',
        }),
      ]);
  });

  it('narrows the list by entity, action, actor and time', async () => {
    const { owner, token, store, register } = await c.tenantWithRegister();
    const manager = await c.staff(token, ['manager']);
    const me = await c.ok<{ user: { id: string } }>(200, 'GET', '/api/v1/identity/me', manager);
    await c.ok(200, 'PATCH', `/stores/${store.id}`, token, { name: 'High street' });
    await c.ok(200, 'PATCH', `/registers/${register.id}`, manager, { name: 'Front till' });
    const renamed = (await c.ok(200, 'GET', '/audit', token)).items[0]!;
    const between = await pastMillisecond(Date.parse(renamed.at as string));
    const session = await zClose(manager, register.id);

    const actions = async (query: string) =>
      (await c.ok(200, 'GET', `/audit?${query}`, token)).items.map((e) => e.action);
    expect(await actions('')).toEqual(['drawer.z-close', 'register.update', 'store.update']);
    expect(await actions('entityType=store')).toEqual(['store.update']);
    expect(await actions(`entityId=${register.id}`)).toEqual(['register.update']);
    expect(await actions(`entityType=drawer-session&entityId=${session.id}`)).toEqual([
      'drawer.z-close',
    ]);
    expect(await actions('action=register.update')).toEqual(['register.update']);
    expect(await actions(`actorId=${me.user.id}`)).toEqual(['drawer.z-close', 'register.update']);
    expect(await actions(`actorId=${owner.userId}`)).toEqual(['store.update']);
    expect(await actions(`from=${between}`)).toEqual(['drawer.z-close']);
    expect(await actions(`to=${between}`)).toEqual(['register.update', 'store.update']);
    expect(await actions(`from=${between}&action=store.update`)).toEqual([]);
    expect(await actions('sort=at')).toEqual(['store.update', 'register.update', 'drawer.z-close']);

    const bad = await c.call('GET', '/audit?from=yesterday', token);
    expect(bad.statusCode).toBe(400);
  });

  it('walks every entry with a limit of 1, in both directions, none skipped or repeated', async () => {
    const { token, store, register } = await c.tenantWithRegister();
    await c.ok(200, 'PATCH', `/stores/${store.id}`, token, { name: 'High street' });
    await c.ok(200, 'PATCH', `/registers/${register.id}`, token, { name: 'Front till' });
    await zClose(token, register.id);
    await zClose(token, register.id);
    const all = (await c.ok(200, 'GET', '/audit', token)).items.map((e) => e.id);
    expect(all).toHaveLength(4);

    const newestFirst = await walk(token, '', 1);
    expect(newestFirst.map((p) => p.length)).toEqual([1, 1, 1, 1]);
    expect(newestFirst.flat().map((e) => e.id)).toEqual(all);
    const oldestFirst = await walk(token, '&sort=at', 1);
    expect(oldestFirst.flat().map((e) => e.id)).toEqual([...all].reverse());
    const closes = await walk(token, '&action=drawer.z-close', 1);
    expect(closes.flat().map((e) => e.id)).toEqual(all.slice(0, 2));
  });

  it('refuses a cursor issued by another list, or for the other direction, as a 400 problem', async () => {
    const { token, store } = await c.tenantWithRegister();
    await c.ok(201, 'POST', '/registers', token, { storeId: store.id, name: 'Till 2' });
    await c.ok(200, 'PATCH', `/stores/${store.id}`, token, { name: 'A' });
    await c.ok(200, 'PATCH', `/stores/${store.id}`, token, { name: 'B' });
    const registers = await c.ok(200, 'GET', '/registers?limit=1', token);
    const audit = await c.ok(200, 'GET', '/audit?limit=1', token);
    expect([registers.nextCursor, audit.nextCursor]).toEqual([
      expect.any(String),
      expect.any(String),
    ]);
    for (const url of [
      `/audit?cursor=${registers.nextCursor}`,
      `/audit?sort=at&cursor=${audit.nextCursor}`,
      '/audit?cursor=not-a-cursor',
    ]) {
      const res = await c.call('GET', url, token);
      expect([url, res.statusCode, res.json().code]).toEqual([url, 400, 'invalid-cursor']);
    }
  });

  it('is closed to cashiers', async () => {
    const { token, register } = await c.tenantWithRegister();
    await zClose(token, register.id);
    const cashier = await c.staff(token, ['cashier']);
    const res = await c.call('GET', '/audit', cashier);
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'permission-denied', permission: 'stores:audit' });
    expect((await c.call('GET', '/audit', '')).statusCode).toBe(401);
  });

  it('shows staff limited to one store only the entries about that store', async () => {
    const { token, store, register } = await c.tenantWithRegister();
    const other = await c.ok(201, 'POST', '/stores', token, {
      name: 'Other',
      timezone: 'UTC',
      currency: 'EUR',
    });
    const otherRegister = await c.ok(201, 'POST', '/registers', token, {
      storeId: other.id,
      name: 'Till 9',
    });
    await c.ok(200, 'PATCH', `/stores/${store.id}`, token, { name: 'Mine' });
    await c.ok(200, 'PATCH', `/stores/${other.id}`, token, { name: 'Theirs' });
    await c.ok(200, 'PATCH', `/registers/${register.id}`, token, { name: 'My till' });
    await c.ok(200, 'PATCH', `/registers/${otherRegister.id}`, token, { name: 'Their till' });
    const mine = await zClose(token, register.id);
    const theirs = await zClose(token, otherRegister.id);

    const entities = (page: Body) => page.items.map((e) => e.entityId);
    expect(entities(await c.ok(200, 'GET', '/audit', token))).toEqual([
      theirs.id,
      mine.id,
      otherRegister.id,
      register.id,
      other.id,
      store.id,
    ]);
    const scoped = await c.staff(token, ['manager'], [store.id]);
    expect(entities(await c.ok(200, 'GET', '/audit', scoped))).toEqual([
      mine.id,
      register.id,
      store.id,
    ]);
    expect(entities(await c.ok(200, 'GET', `/audit?entityId=${theirs.id}`, scoped))).toEqual([]);
  });

  it('never shows one tenant another tenant’s entries', async () => {
    const a = await c.tenantWithRegister();
    const b = await c.tenantWithRegister();
    const closedA = await zClose(a.token, a.register.id);
    const closedB = await zClose(b.token, b.register.id);
    const seenByA = await c.ok(200, 'GET', '/audit', a.token);
    expect(seenByA.items.map((e) => e.entityId)).toEqual([closedA.id]);
    const seenByB = await c.ok(200, 'GET', '/audit', b.token);
    expect(seenByB.items.map((e) => e.entityId)).toEqual([closedB.id]);
    const asked = await c.ok(200, 'GET', `/audit?entityId=${closedB.id}`, a.token);
    expect(asked.items).toEqual([]);
  });
});
