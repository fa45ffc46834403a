import {
  inboxSubscription,
  type Database,
  type Subscription,
  type Tx,
  type RelayLink,
} from '@stratum/platform';
import { catalogEvents } from '@stratum/catalog/contract';
import type { InventoryRepository } from '../../application/ports.ts';
import {
  onItemArchived,
  onItemCreated,
  onItemUpdated,
  onVariantAdded,
  onVariantUpdated,
} from '../../application/registry.ts';
import { inbox } from '../postgres/schema.ts';
import { inventoryRepository } from '../postgres/store.ts';

/**
 * Inventory's reactions to the catalog, each behind the inbox so that a
 * redelivered message changes nothing: new items and variants become stock
 * items; renames and archiving follow.
 */
export function catalogSubscriptions(database: Database, wakeRelay: RelayLink): Subscription[] {
  const repo = (tx: Tx, tenantId: string): InventoryRepository =>
    inventoryRepository(tx, tenantId, wakeRelay);
  const common = { module: 'inventory', database, inbox };
  return [
    inboxSubscription({
      ...common,
      name: 'inventory.on-catalog-item-created',
      event: catalogEvents.itemCreated,
      handle: (tx, payload, envelope) => onItemCreated(repo(tx, envelope.tenantId), payload),
    }),
    inboxSubscription({
      ...common,
      name: 'inventory.on-catalog-variant-added',
      event: catalogEvents.variantAdded,
      handle: (tx, payload, envelope) => onVariantAdded(repo(tx, envelope.tenantId), payload),
    }),
    inboxSubscription({
      ...common,
      name: 'inventory.on-catalog-variant-updated',
      event: catalogEvents.variantUpdated,
      handle: (tx, payload, envelope) => onVariantUpdated(repo(tx, envelope.tenantId), payload),
    }),
    inboxSubscription({
      ...common,
      name: 'inventory.on-catalog-item-updated',
      event: catalogEvents.itemUpdated,
      handle: (tx, payload, envelope) => onItemUpdated(repo(tx, envelope.tenantId), payload),
    }),
    inboxSubscription({
      ...common,
      name: 'inventory.on-catalog-item-archived',
      event: catalogEvents.itemArchived,
      handle: (tx, payload, envelope) => onItemArchived(repo(tx, envelope.tenantId), payload),
    }),
  ];
}
