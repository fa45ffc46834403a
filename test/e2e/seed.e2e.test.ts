import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoAccounts } from '../../apps/server/src/seed/demo-data.ts';
import { seedDemo, type SeedSummary } from '../../apps/server/src/seed/seed.ts';
import { bearer, startTestServer, type TestServer } from '@stratum/testing';

describe('the demo seed', () => {
  let t: TestServer;
  let summary: SeedSummary;
  let token: string;
  const get = async <T>(url: string): Promise<T> => {
    const res = await t.server.app.inject({ method: 'GET', url, headers: bearer(token) });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<T>();
  };

  let ownerToken: string;
  const login = async (account: { email: string; password: string }) =>
    (
      await t.server.app.inject({
        method: 'POST',
        url: '/api/v1/identity/auth/login',
        payload: account,
      })
    ).json<{ accessToken: string }>().accessToken;

  beforeAll(async () => {
    t = await startTestServer('pglite');
    summary = await seedDemo(t.server);
    token = await login(demoAccounts.cashier);
    ownerToken = await login(demoAccounts.owner);
  }, 120_000);
  afterAll(() => t?.close());

  it('creates a café with two stores and a menu of at least 40 items', () => {
    expect(summary).toMatchObject({ created: true, stores: 2 });
    expect(summary.items).toBeGreaterThanOrEqual(40);
    expect(summary.variants).toBeGreaterThan(summary.items);
    expect(summary.recipes).toBeGreaterThan(0);
  });

  it('lets the demo cashier read a real menu with variants, modifiers and two tax rates', async () => {
    const stores = await get<{ items: { id: string }[] }>('/api/v1/store-ops/stores');
    expect(stores.items).toHaveLength(2);
    const menu = await get<{
      categories: { items: { variants: unknown[]; modifierGroupIds: string[] }[] }[];
      modifierGroups: { id: string }[];
    }>(`/api/v1/catalog/stores/${stores.items[0]!.id}/menu`);
    const items = menu.categories.flatMap((c) => c.items);
    expect(items.length).toBeGreaterThanOrEqual(40);
    expect(items.filter((i) => i.variants.length > 1).length).toBeGreaterThan(10);
    expect(items.some((i) => i.modifierGroupIds.length > 0)).toBe(true);
    expect(menu.modifierGroups.length).toBeGreaterThanOrEqual(5);
    const taxRates = await get<{ items: unknown[] }>('/api/v1/catalog/tax-rates');
    expect(taxRates.items).toHaveLength(2);
  });

  it('stocks every store, and the stock levels agree with the ledger', async () => {
    const levels = await get<{ items: { onHand: number }[] }>('/api/v1/inventory/levels?limit=200');
    expect(levels.items.length).toBeGreaterThan(20);
    expect(levels.items.every((l) => l.onHand > 0)).toBe(true);
    const check = await t.server.app.inject({
      method: 'GET',
      url: '/api/v1/inventory/consistency',
      headers: bearer(ownerToken),
    });
    expect(check.json()).toMatchObject({ consistent: true });
  });

  it('does nothing the second time', async () => {
    expect(await seedDemo(t.server)).toMatchObject({ created: false, tenantId: summary.tenantId });
  });
});
