import { cursorScope, toPage } from '@stratum/platform';
import { catalogEvents, raise, type CatalogApi } from '../contract.ts';
import { afterOf, type CatalogDeps } from './deps.ts';
import { liveItem } from './item-links.ts';
import { newVariant, variantPayload } from './items.ts';
import type { CatalogRepository, VariantRecord } from './ports.ts';
import { toPriceChangeView, toVariantView } from './views.ts';

async function variantOf(
  repo: CatalogRepository,
  itemId: string,
  variantId: string,
): Promise<VariantRecord> {
  await liveItem(repo, itemId);
  const variant = await repo.findVariant(variantId, { lock: true });
  if (!variant || variant.itemId !== itemId) raise('variant-not-found', 'No such variant.');
  return variant;
}

/** An item's variants are part of it: a change to one is a change to the item (`updatedAt`). */
const touchItem = (repo: CatalogRepository, itemId: string) => repo.updateItem(itemId, {});

export function addVariant(deps: CatalogDeps): CatalogApi['addVariant'] {
  return (ctx, itemId, input) =>
    deps.store.write(ctx.tenantId, async (repo) => {
      await liveItem(repo, itemId);
      const existing = await repo.variantsOf([itemId]);
      const position = existing.reduce((max, v) => Math.max(max, v.position + 1), 0);
      const [variant] = await repo.insertVariants([newVariant(itemId, input, position)]);
      await touchItem(repo, itemId);
      await repo.emit(catalogEvents.variantAdded, { itemId, ...variantPayload(variant!) });
      return toVariantView(variant!);
    });
}

export function updateVariant(deps: CatalogDeps): CatalogApi['updateVariant'] {
  return (ctx, itemId, variantId, input) =>
    deps.store.write(ctx.tenantId, async (repo) => {
      await variantOf(repo, itemId, variantId);
      const updated = await repo.updateVariant(variantId, input);
      await touchItem(repo, itemId);
      await repo.emit(catalogEvents.variantUpdated, { itemId, ...variantPayload(updated) });
      return toVariantView(updated);
    });
}

export function changeBasePrice(deps: CatalogDeps): CatalogApi['changeBasePrice'] {
  return (ctx, itemId, variantId, input) =>
    deps.store.write(ctx.tenantId, async (repo) => {
      const before = await variantOf(repo, itemId, variantId);
      if (before.priceMinor === input.priceMinor) return toVariantView(before);
      const updated = await repo.updateVariant(variantId, { priceMinor: input.priceMinor });
      await touchItem(repo, itemId);
      await repo.audit({
        action: 'price.changed',
        entityType: 'variant',
        entityId: variantId,
        before: { storeId: null, priceMinor: before.priceMinor },
        after: { storeId: null, priceMinor: updated.priceMinor },
        reason: input.reason ?? null,
      });
      await repo.emit(catalogEvents.priceChanged, {
        itemId,
        variantId,
        storeId: null,
        oldPriceMinor: before.priceMinor,
        newPriceMinor: updated.priceMinor,
      });
      return toVariantView(updated);
    });
}

/** Base and store price changes of a variant, newest first, from the audit log. */
export function priceHistory(deps: CatalogDeps): CatalogApi['priceHistory'] {
  return (ctx, variantId, query) =>
    deps.store.read(ctx.tenantId, async (repo) => {
      if (!(await repo.findVariant(variantId))) raise('variant-not-found', 'No such variant.');
      const cursors = cursorScope('price-history');
      const rows = await repo.priceHistory(
        'variant',
        variantId,
        query.limit + 1,
        afterOf(cursors, query.cursor, ['u']),
      );
      return toPage(
        rows,
        query.limit,
        toPriceChangeView,
        cursors.keyOf((r) => [r.id]),
      );
    });
}
