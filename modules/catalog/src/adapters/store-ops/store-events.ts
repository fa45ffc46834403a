import type { Subscription } from '@stratum/platform';
import { storeOpsEvents } from '@stratum/store-ops/contract';

/**
 * A plain (not inbox-guarded) subscription: dropping a cache entry twice is
 * harmless, so it needs no transaction. A store's currency, tax mode or time
 * zone are part of its menu, yet do not move the catalog version.
 */
export function storeUpdatedSubscription(
  onStoreChanged: (tenantId: string, storeId: string) => Promise<void>,
): Subscription {
  const event = storeOpsEvents.storeUpdated;
  return {
    name: 'catalog.menu-cache.store-updated',
    types: [event.type],
    async handle(envelope) {
      if (envelope.version !== event.version) return;
      const store = event.payload.parse(envelope.payload);
      await onStoreChanged(envelope.tenantId, store.id);
    },
  };
}
