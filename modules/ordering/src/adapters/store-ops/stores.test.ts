import { describe, expect, it } from 'vitest';
import { DomainError, newId, type CallContext } from '@stratum/platform';
import type { StoreView } from '@stratum/store-ops/contract';
import { storeOpsStores, toStoreInfo } from './stores.ts';

const store: StoreView = {
  id: newId(),
  name: 'Café Stratum',
  timezone: 'Europe/Berlin',
  currency: 'EUR',
  address: {
    line1: '1 Harbour Street',
    line2: 'Pier 3',
    city: 'Hamburg',
    postalCode: '20457',
    country: 'DE',
  },
  taxInclusive: true,
  taxRounding: 'per-order',
  oversellPolicy: 'block',
  status: 'archived',
  createdAt: new Date(0).toISOString(),
};
const ctx: CallContext = {
  tenantId: newId(),
  actor: { kind: 'user', id: 'u', roles: [], permissions: [], stores: ['*'] },
};

describe('the stores port on store-ops’ directory', () => {
  it('gives what an order and its receipt need, the address as printed lines', () => {
    expect(toStoreInfo(store)).toEqual({
      id: store.id,
      name: 'Café Stratum',
      currency: 'EUR',
      taxInclusive: true,
      rounding: 'per-order',
      timezone: 'Europe/Berlin',
      address: ['1 Harbour Street', 'Pier 3', '20457 Hamburg', 'DE'],
      active: false,
    });
    expect(toStoreInfo({ ...store, address: null, status: 'active' })).toMatchObject({
      address: [],
      active: true,
    });
  });

  it('answers an unknown store with ordering’s own store-not-found', async () => {
    const port = storeOpsStores({
      getStore: () => Promise.reject(new DomainError('store-not-found', 'gone', 'not-found')),
    });
    await expect(port.get(ctx, store.id)).rejects.toMatchObject({ code: 'store-not-found' });
  });
});
