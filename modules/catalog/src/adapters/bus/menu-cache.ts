import type { Subscription } from '@stratum/platform';
import { catalogEvents } from '../../contract.ts';

/**
 * The catalog listens to its own events to invalidate its read cache. A plain
 * subscription, not an inbox: deleting a cached version is idempotent and
 * touches no table. Every write emits catalog-changed; the other types are
 * listed too so that a write path can never invalidate less than it announces.
 */
export function menuCacheSubscription(
  onChanged: (tenantId: string) => Promise<void>,
): Subscription {
  return {
    name: 'catalog.menu-cache.catalog-events',
    types: Object.values(catalogEvents).map((e) => e.type),
    handle: (envelope) => onChanged(envelope.tenantId),
  };
}
