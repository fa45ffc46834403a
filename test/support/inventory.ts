import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { StratumServer } from '@stratum/server';
import { httpClient } from '@stratum/testing';
import type { EventEnvelope } from '@stratum/platform';
import { inventoryEvents } from '@stratum/inventory/contract';

/** A loosely typed response body or event payload: the fields the tests read, and anything else. */
export interface Body {
  id: string;
  status: string | number;
  code: string;
  kind: string;
  quantity: number;
  onHand: number;
  storeId: string;
  stockItemId: string;
  transferId: string;
  itemName: string;
  saleBatchId: string | null;
  consistent: boolean;
  items: Body[];
  lines: Body[];
  variants: Body[];
  warnings: Body[];
  reservation: Body;
  transfer: Body;
  user: Body;
  tenant: Body;
  tokens: { accessToken: string };
  nextCursor: string | null;
  [field: string]: unknown;
}

let counter = 0;

/** A small HTTP client for inventory flows (with the stores and catalog items they need). */
export function inventoryClient(server: StratumServer) {
  const http = httpClient<Body>(server, '/api/v1/inventory');
  const { call, ok } = http;

  /** A fresh tenant whose owner has one store per policy given. */
  const tenant = async (policies: ('block' | 'warn' | 'allow-with-alert')[] = ['block']) => {
    counter += 1;
    const signedUp = await ok(201, 'POST', '/api/v1/identity/signup', '', {
      businessName: `Inventory tenant ${counter}`,
      ownerEmail: `inv-owner-${process.pid}-${Date.now()}-${counter}@example.test`,
      password: 'a long owner password',
    });
    const token = signedUp.tokens.accessToken;
    const stores: string[] = [];
    for (const [i, oversellPolicy] of policies.entries()) {
      const store = await ok(201, 'POST', '/api/v1/store-ops/stores', token, {
        name: `Store ${i + 1}`,
        timezone: 'Europe/Paris',
        currency: 'EUR',
        oversellPolicy,
      });
      stores.push(store.id);
    }
    return { tenantId: signedUp.tenant.id, token, stores };
  };

  /**
   * Creates a catalog item and waits until inventory has registered its
   * variants (catalog event → outbox → relay → inventory's inbox).
   */
  const item = async (
    token: string,
    kind: 'menu' | 'retail' | 'ingredient',
    name: string,
    unit: 'each' | 'g' | 'ml' = 'each',
  ): Promise<string> => {
    const created = await ok(201, 'POST', '/api/v1/catalog/items', token, {
      name,
      kind,
      unit,
      variants: [{ name: 'Regular', priceMinor: kind === 'ingredient' ? 0 : 500 }],
    });
    const variantId = created.variants[0]!.id;
    await expect
      .poll(async () => (await call('GET', `/stock-items/${variantId}`, token)).statusCode)
      .toBe(200);
    return variantId;
  };

  const staff = async (ownerToken: string, roles: string[], storeIds?: string[]) =>
    (await http.staff(ownerToken, roles, storeIds ? { storeIds } : {})).accessToken;

  /** An Idempotency-Key header: stock movements, counts and transfers take one (fresh unless given). */
  const keyed = (key: string = randomUUID()) => ({ 'idempotency-key': key });

  const receive = (token: string, storeId: string, stockItemId: string, quantity: number) =>
    ok(
      201,
      'POST',
      '/movements',
      token,
      {
        storeId,
        kind: 'receipt',
        lines: [{ stockItemId, quantity }],
      },
      keyed(),
    );

  const level = (token: string, storeId: string, stockItemId: string) =>
    ok(200, 'GET', `/levels/${storeId}/${stockItemId}`, token);

  return { call, ok, tenant, item, staff, receive, level, keyed };
}

/** Collects the inventory events a server publishes on its bus. */
export function inventoryEventLog(server: StratumServer, name: string) {
  const events: EventEnvelope[] = [];
  server.bus.subscribe({
    name,
    types: Object.values(inventoryEvents).map((e) => e.type),
    handle: async (e) => {
      events.push(e);
    },
  });
  return (tenantId: string, type: string) =>
    events.filter((e) => e.tenantId === tenantId && e.type === type).map((e) => e.payload as Body);
}
