import { DomainError } from '@stratum/platform';
import type { StoreDirectory, StoreView } from '@stratum/store-ops/contract';
import { raise } from '../../contract.ts';
import type { StoreInfo, Stores } from '../../application/ports.ts';

/** How a receipt prints the store's address, one line each. */
function addressLines(address: StoreView['address']): string[] {
  if (!address) return [];
  return [
    address.line1,
    ...(address.line2 ? [address.line2] : []),
    `${address.postalCode} ${address.city}`,
    address.country,
  ];
}

export const toStoreInfo = (store: StoreView): StoreInfo => ({
  id: store.id,
  name: store.name,
  currency: store.currency,
  taxInclusive: store.taxInclusive,
  rounding: store.taxRounding,
  timezone: store.timezone,
  address: addressLines(store.address),
  active: store.status === 'active',
});

/** Ordering's `Stores` port on store-ops' `StoreDirectory`. */
export function storeOpsStores(directory: StoreDirectory): Stores {
  return {
    async get(ctx, storeId) {
      try {
        return toStoreInfo(await directory.getStore(ctx, storeId));
      } catch (err) {
        if (err instanceof DomainError && err.code === 'store-not-found') {
          raise('store-not-found', 'No such store.');
        }
        throw err;
      }
    },
  };
}
