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
