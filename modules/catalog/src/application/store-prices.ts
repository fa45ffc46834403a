import { cursorScope, toPage } from '@stratum/platform';
import { catalogEvents, raise, type CatalogApi } from '../contract.ts';
import { afterOf, assertStoreAccess, type CatalogDeps } from './deps.ts';
import type { CatalogRepository, VariantRecord } from './ports.ts';
import { toStorePriceView } from './views.ts';

async function sellableVariant(repo: CatalogRepository, variantId: string): Promise<VariantRecord> {
  const variant = await repo.findVariant(variantId, { lock: true });
  if (!variant) raise('variant-not-found', 'No such variant.');
  const item = await repo.findItem(variant.itemId);
  if (item?.archivedAt) raise('item-archived', 'An archived item cannot be priced.');
  return variant;
}

export function listStorePrices(deps: CatalogDeps): CatalogApi['listStorePrices'] {
  return (ctx, storeId, query) => {
    assertStoreAccess(ctx, storeId);
    return deps.store.read(ctx.tenantId, async (repo) => {
      const cursors = cursorScope('store-prices');
      const after = afterOf(cursors, query.cursor, ['u']);
      const rows = await repo.listOverrides(storeId, query.limit + 1, after);
      return toPage(
        rows,
        query.limit,
        toStorePriceView,
        cursors.keyOf((r) => [r.variantId]),
      );
    });
  };
}

/**
 * A store's own price for a variant. The store is checked with store-ops
 * before the transaction opens: no other module is called inside it.
 */
export function setStorePrice(deps: CatalogDeps): CatalogApi['setStorePrice'] {
  return async (ctx, storeId, variantId, input) => {
    assertStoreAccess(ctx, storeId);
    const store = await deps.stores.get(ctx, storeId);
    if (!store.active) raise('store-archived', 'The store is archived.');
    return deps.store.write(ctx.tenantId, async (repo) => {
      const variant = await sellableVariant(repo, variantId);
      const before = await repo.findOverride(storeId, variantId);
      const override = await repo.upsertOverride(storeId, variantId, input.priceMinor);
      if (before?.priceMinor !== input.priceMinor) {
        await repo.audit({
          action: 'store-price.set',
          entityType: 'variant',
          entityId: variantId,
          before: { storeId, priceMinor: before?.priceMinor ?? null },
          after: { storeId, priceMinor: input.priceMinor },
          reason: input.reason ?? null,
        });
        await repo.emit(catalogEvents.priceChanged, {
          itemId: variant.itemId,
          variantId,
          storeId,
          oldPriceMinor: before?.priceMinor ?? null,
          newPriceMinor: input.priceMinor,
        });
      }
      return toStorePriceView(override);
    });
  };
}

export function removeStorePrice(deps: CatalogDeps): CatalogApi['removeStorePrice'] {
  return (ctx, storeId, variantId, reason) => {
    assertStoreAccess(ctx, storeId);
    return deps.store.write(ctx.tenantId, async (repo) => {
      const variant = await repo.findVariant(variantId, { lock: true });
      if (!variant) raise('variant-not-found', 'No such variant.');
      const before = await repo.findOverride(storeId, variantId);
      if (!before) return;
      await repo.deleteOverride(storeId, variantId);
      await repo.audit({
        action: 'store-price.removed',
        entityType: 'variant',
        entityId: variantId,
        before: { storeId, priceMinor: before.priceMinor },
        after: { storeId, priceMinor: null },
        reason: reason ?? null,
      });
      await repo.emit(catalogEvents.priceChanged, {
        itemId: variant.itemId,
        variantId,
        storeId,
        oldPriceMinor: before.priceMinor,
        newPriceMinor: null,
      });
    });
  };
}
