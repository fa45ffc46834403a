import type { StratumServer } from '@stratum/server';
import { httpClient } from '@stratum/testing';

// Support code is not a test file, so it may not import @stratum/testing
// (boundaries): it signs tenants up through the API itself.
let counter = 0;

/** A loosely typed response body: the fields the catalog tests read, and anything else. */
export interface Body {
  id: string;
  name: string;
  code: string;
  reason: string;
  until: string | null;
  priceMinor: number;
  archived: boolean;
  variants: Body[];
  options: Body[];
  items: Body[];
  taxRateIds: string[];
  nextCursor: string | null;
  [field: string]: unknown;
}

/** A small HTTP client for catalog flows in one test server. */
export function catalogClient(server: StratumServer) {
  const http = httpClient<Body>(server, '/api/v1/catalog');
  const { call, ok } = http;

  /** A fresh tenant whose owner has stores in the given time zones. */
  const signUp = async () => {
    counter += 1;
    const email = `cat-owner-${process.pid}-${Date.now()}-${counter}@example.test`;
    const body = await ok<{
      tenant: { id: string };
      user: { id: string };
      tokens: { accessToken: string };
    }>(201, 'POST', '/api/v1/identity/signup', '', {
      businessName: `Catalog test ${counter}`,
      ownerEmail: email,
      password: 'a long owner password',
    });
    return { tenantId: body.tenant.id, userId: body.user.id, accessToken: body.tokens.accessToken };
  };

  const tenantWithStores = async (timezones: string[] = ['Europe/Paris', 'America/New_York']) => {
    const owner = await signUp();
    const token = owner.accessToken;
    const stores: Body[] = [];
    for (const [i, timezone] of timezones.entries()) {
      stores.push(
        await ok(201, 'POST', '/api/v1/store-ops/stores', token, {
          name: `Store ${i + 1}`,
          timezone,
          currency: 'EUR',
          taxInclusive: true,
        }),
      );
    }
    return { owner, token, stores };
  };

  /** Creates a staff user with the roles (and optional store scope) and logs them in. */
  const staff = async (ownerToken: string, roles: string[], storeIds?: string[]) =>
    (await http.staff(ownerToken, roles, storeIds ? { storeIds } : {})).accessToken;

  /** GET the menu of a store, optionally conditional. */
  const menu = (token: string, storeId: string, ifNoneMatch?: string) =>
    call('GET', `/stores/${storeId}/menu`, token, undefined, {
      ...(ifNoneMatch && { 'if-none-match': ifNoneMatch }),
    });

  return { call, ok, tenantWithStores, staff, menu };
}

export type CatalogClient = ReturnType<typeof catalogClient>;

/** Two categories, a burger with variants, modifiers and a tax, a drink, an ingredient, an archived item. */
export async function smallCatalog(c: CatalogClient, token: string) {
  const burgers = await c.ok(201, 'POST', '/categories', token, { name: 'Burgers' });
  const drinks = await c.ok(201, 'POST', '/categories', token, { name: 'Drinks' });
  await c.ok(200, 'PUT', '/categories/order', token, { categoryIds: [drinks.id, burgers.id] });
  const vat = await c.ok(201, 'POST', '/tax-rates', token, {
    name: 'VAT 10',
    rateBps: 1000,
    inclusive: true,
  });
  const sauces = await c.ok(201, 'POST', '/modifier-groups', token, {
    name: 'Sauces',
    minSelections: 1,
    maxSelections: 2,
    options: [{ name: 'Ketchup' }, { name: 'Aioli', priceDeltaMinor: 30 }],
  });
  const extras = await c.ok(201, 'POST', '/modifier-groups', token, {
    name: 'Extras',
    minSelections: 0,
    maxSelections: 3,
    options: [{ name: 'Extra cheese', priceDeltaMinor: 50 }],
  });
  const burger = await c.ok(201, 'POST', '/items', token, {
    name: 'Classic burger',
    kind: 'menu',
    categoryId: burgers.id,
    kitchenStation: 'grill',
    variants: [
      { name: 'Single', priceMinor: 900, sku: 'BRG-1' },
      { name: 'Double', priceMinor: 1200, sku: 'BRG-2' },
    ],
    modifierGroupIds: [sauces.id, extras.id],
    taxRateIds: [vat.id],
  });
  const cola = await c.ok(201, 'POST', '/items', token, {
    name: 'Cola',
    kind: 'retail',
    categoryId: drinks.id,
    variants: [{ name: '0.33 l', priceMinor: 300, barcode: '4006381333931' }],
    taxRateIds: [vat.id],
  });
  await c.ok(201, 'POST', '/items', token, {
    name: 'Brioche bun',
    kind: 'ingredient',
    unit: 'each',
    variants: [{ priceMinor: 0 }],
  });
  const old = await c.ok(201, 'POST', '/items', token, {
    name: 'Retired burger',
    kind: 'menu',
    categoryId: burgers.id,
    variants: [{ priceMinor: 800 }],
  });
  await c.ok(200, 'POST', `/items/${old.id}/archive`, token);
  return { burgers, drinks, vat, sauces, extras, burger, cola };
}
