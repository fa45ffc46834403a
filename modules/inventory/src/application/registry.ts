import { cursorScope, toPage } from '@stratum/platform';
import { raise, type InventoryApi, type ItemKind, type StockUnit } from '../contract.ts';
import type { InventoryDeps, InventoryRepository } from './ports.ts';
import { toStockItemView } from './views.ts';

interface CatalogVariant {
  variantId: string;
  name: string;
  sku: string | null;
}

/**
 * catalog.item-created: remember the item (variants added later need its kind
 * and unit) and register each variant as a stock item.
 */
export async function onItemCreated(
  repo: InventoryRepository,
  item: {
    itemId: string;
    name: string;
    kind: ItemKind;
    unit: StockUnit;
    variants: CatalogVariant[];
  },
): Promise<void> {
  await repo.insertItem({
    id: item.itemId,
    name: item.name,
    kind: item.kind,
    unit: item.unit,
    archived: false,
  });
  const known = await repo.findItem(item.itemId);
  if (!known) throw new Error(`item ${item.itemId} vanished`);
  await repo.insertStockItems(
    item.variants.map((v) => ({
      id: v.variantId,
      itemId: known.id,
      itemName: known.name,
      variantName: v.name,
      sku: v.sku,
      unit: known.unit,
      kind: known.kind,
      archived: known.archived,
    })),
  );
}

/**
 * catalog.variant-added. Delivery order is not guaranteed: if the item is not
 * known yet, fail so the message is retried after item-created has arrived.
 */
export async function onVariantAdded(
  repo: InventoryRepository,
  variant: CatalogVariant & { itemId: string },
): Promise<void> {
  const item = await repo.findItem(variant.itemId);
  if (!item) {
    throw new Error(`variant ${variant.variantId} of unknown item ${variant.itemId}: retry later`);
  }
  await repo.insertStockItems([
    {
      id: variant.variantId,
      itemId: item.id,
      itemName: item.name,
      variantName: variant.name,
      sku: variant.sku,
      unit: item.unit,
      kind: item.kind,
      archived: item.archived,
    },
  ]);
}

/** catalog.variant-updated: the stock item follows the variant's name and SKU. */
export async function onVariantUpdated(
  repo: InventoryRepository,
  variant: CatalogVariant,
): Promise<void> {
  const known = await repo.updateStockItem(variant.variantId, {
    variantName: variant.name,
    sku: variant.sku,
  });
  if (!known) throw new Error(`updated variant ${variant.variantId} is unknown: retry later`);
}

/** catalog.item-updated: stock items show the item's current name. */
export async function onItemUpdated(
  repo: InventoryRepository,
  item: { itemId: string; name: string },
): Promise<void> {
  if (await repo.findItem(item.itemId)) await repo.updateItem(item.itemId, { name: item.name });
}

/** catalog.item-archived: its variants can no longer be reserved; their stock stays on the books. */
export async function onItemArchived(
  repo: InventoryRepository,
  item: { itemId: string },
): Promise<void> {
  if (!(await repo.findItem(item.itemId))) {
    throw new Error(`archived item ${item.itemId} is unknown: retry later`);
  }
  await repo.updateItem(item.itemId, { archived: true });
}

export function listStockItems(deps: InventoryDeps): InventoryApi['listStockItems'] {
  return (ctx, query) =>
    deps.store.inTenant(ctx, async (repo) => {
      const cursors = cursorScope('stock-items', query.sort);
      const after = cursors.decodeId(query.cursor);
      const rows = await repo.listStockItems({ ...query, limit: query.limit + 1 }, after);
      return toPage(
        rows,
        query.limit,
        toStockItemView,
        cursors.keyOf((s) => [s.id]),
      );
    });
}

export function getStockItem(deps: InventoryDeps): InventoryApi['getStockItem'] {
  return (ctx, id) =>
    deps.store.inTenant(ctx, async (repo) => {
      const item = (await repo.findStockItems([id])).get(id);
      if (!item) raise('stock-item-not-found', 'No such stock item.');
      return toStockItemView(item);
    });
}
