import { cursorScope, newId, toPage } from '@stratum/platform';
import { catalogEvents, raise, type CatalogApi, type VariantInput } from '../contract.ts';
import { afterOf, type CatalogDeps } from './deps.ts';
import {
  assertGroupsExist,
  assertNoDuplicates,
  attachableTaxRates,
  liveItem,
} from './item-links.ts';
import type { CatalogRepository, VariantRecord } from './ports.ts';
import { itemView, itemViews } from './views.ts';

export function listItems(deps: CatalogDeps): CatalogApi['listItems'] {
  return (ctx, query) =>
    deps.store.read(ctx.tenantId, async (repo) => {
      const byName = query.sort === 'name' || query.sort === '-name';
      const cursors = cursorScope('items', query.sort);
      const after = afterOf(cursors, query.cursor, byName ? ['s', 'u'] : ['u']);
      const rows = await repo.listItems(query, query.limit + 1, after);
      const page = toPage(
        rows,
        query.limit,
        (r) => r,
        cursors.keyOf((r) => (byName ? [r.name, r.id] : [r.id])),
      );
      return { items: await itemViews(repo, page.items), nextCursor: page.nextCursor };
    });
}

export function getItem(deps: CatalogDeps): CatalogApi['getItem'] {
  return (ctx, itemId) =>
    deps.store.read(ctx.tenantId, async (repo) => {
      const item = await repo.findItem(itemId);
      if (!item) raise('item-not-found', 'No such item.');
      return itemView(repo, item);
    });
}

export function lookup(deps: CatalogDeps): CatalogApi['lookup'] {
  return (ctx, query) =>
    deps.store.read(ctx.tenantId, async (repo) => {
      const code = query.sku !== undefined ? { sku: query.sku } : { barcode: query.barcode ?? '' };
      const variant = await repo.findVariantByCode(code);
      const item = variant && (await repo.findItem(variant.itemId));
      if (!variant || !item) raise('item-not-found', 'No item has this code.');
      const view = await itemView(repo, item);
      return { item: view, variant: view.variants.find((v) => v.id === variant.id)! };
    });
}

/** Codes repeated within one request would only fail later, at the unique index. */
export function assertDistinctCodes(variants: readonly VariantInput[]): void {
  const skus = variants.flatMap((v) => (v.sku ? [v.sku] : []));
  const barcodes = variants.flatMap((v) => (v.barcode ? [v.barcode] : []));
  if (new Set(skus).size !== skus.length) raise('sku-taken', 'Each variant needs its own SKU.');
  if (new Set(barcodes).size !== barcodes.length) {
    raise('barcode-taken', 'Each variant needs its own barcode.');
  }
}

export const newVariant = (itemId: string, v: VariantInput, position: number): VariantRecord => ({
  id: newId(),
  itemId,
  name: v.name,
  sku: v.sku ?? null,
  barcode: v.barcode ?? null,
  priceMinor: v.priceMinor,
  position,
});

export const variantPayload = (v: VariantRecord) => ({
  variantId: v.id,
  name: v.name,
  sku: v.sku,
  barcode: v.barcode,
  priceMinor: v.priceMinor,
});

async function assertCategory(repo: CatalogRepository, categoryId: string | null | undefined) {
  if (categoryId && !(await repo.findCategory(categoryId))) {
    raise('category-not-found', 'No such category.');
  }
}

export function createItem(deps: CatalogDeps): CatalogApi['createItem'] {
  return (ctx, input) => {
    assertDistinctCodes(input.variants);
    assertNoDuplicates(input.modifierGroupIds, 'modifier group');
    return deps.store.write(ctx.tenantId, async (repo) => {
      await assertCategory(repo, input.categoryId);
      await assertGroupsExist(repo, input.modifierGroupIds);
      await attachableTaxRates(repo, input.taxRateIds);
      const item = await repo.insertItem({
        id: newId(),
        name: input.name,
        kind: input.kind,
        unit: input.unit,
        categoryId: input.categoryId ?? null,
        description: input.description ?? null,
        imageUrl: input.imageUrl ?? null,
        kitchenStation: input.kitchenStation ?? null,
      });
      const variants = await repo.insertVariants(
        input.variants.map((v, i) => newVariant(item.id, v, i)),
      );
      await repo.setGroupLinks(item.id, input.modifierGroupIds);
      await repo.setTaxLinks(item.id, input.taxRateIds);
      await repo.emit(catalogEvents.itemCreated, {
        itemId: item.id,
        name: item.name,
        kind: item.kind,
        unit: item.unit,
        categoryId: item.categoryId,
        variants: variants.map(variantPayload),
      });
      return itemView(repo, item);
    });
  };
}

export function updateItem(deps: CatalogDeps): CatalogApi['updateItem'] {
  return (ctx, itemId, input) =>
    deps.store.write(ctx.tenantId, async (repo) => {
      await liveItem(repo, itemId);
      await assertCategory(repo, input.categoryId);
      const updated = await repo.updateItem(itemId, input);
      await repo.emit(catalogEvents.itemUpdated, {
        itemId,
        name: updated.name,
        categoryId: updated.categoryId,
      });
      return itemView(repo, updated);
    });
}

export function archiveItem(deps: CatalogDeps): CatalogApi['archiveItem'] {
  return (ctx, itemId) =>
    deps.store.write(ctx.tenantId, async (repo) => {
      const item = await repo.findItem(itemId, { lock: true });
      if (!item) raise('item-not-found', 'No such item.');
      if (item.archivedAt) return itemView(repo, item);
      const archived = await repo.updateItem(itemId, { archived: true });
      await repo.emit(catalogEvents.itemArchived, { itemId });
      return itemView(repo, archived);
    });
}
