import { cursorScope, newId, toPage } from '@stratum/platform';
import { catalogEvents, raise, type CatalogApi } from '../contract.ts';
import { isPermutationOf } from '../domain/ordering.ts';
import { afterOf, type CatalogDeps } from './deps.ts';
import { toCategoryView } from './views.ts';

export function listCategories(deps: CatalogDeps): CatalogApi['listCategories'] {
  return (ctx, query) =>
    deps.store.read(ctx.tenantId, async (repo) => {
      const cursors = cursorScope('categories');
      const after = afterOf(cursors, query.cursor, ['n', 'u']);
      const rows = await repo.listCategories(query.limit + 1, after);
      return toPage(
        rows,
        query.limit,
        toCategoryView,
        cursors.keyOf((c) => [c.position, c.id]),
      );
    });
}

export function createCategory(deps: CatalogDeps): CatalogApi['createCategory'] {
  return (ctx, input) =>
    deps.store.write(ctx.tenantId, async (repo) => {
      const existing = await repo.lockCategories();
      const position = existing.reduce((max, c) => Math.max(max, c.position + 1), 0);
      return toCategoryView(await repo.insertCategory({ id: newId(), name: input.name, position }));
    });
}

export function updateCategory(deps: CatalogDeps): CatalogApi['updateCategory'] {
  return (ctx, categoryId, input) =>
    deps.store.write(ctx.tenantId, async (repo) => {
      if (!(await repo.findCategory(categoryId))) raise('category-not-found', 'No such category.');
      return toCategoryView(await repo.updateCategory(categoryId, { name: input.name }));
    });
}

export function reorderCategories(deps: CatalogDeps): CatalogApi['reorderCategories'] {
  return (ctx, input) =>
    deps.store.write(ctx.tenantId, async (repo) => {
      const current = await repo.lockCategories();
      if (
        !isPermutationOf(
          current.map((c) => c.id),
          input.categoryIds,
        )
      ) {
        raise(
          'category-order-mismatch',
          'List every category exactly once: the order would otherwise be ambiguous.',
        );
      }
      const views = [];
      for (const [position, id] of input.categoryIds.entries()) {
        views.push(toCategoryView(await repo.updateCategory(id, { position })));
      }
      return views;
    });
}

export function deleteCategory(deps: CatalogDeps): CatalogApi['deleteCategory'] {
  return (ctx, categoryId) =>
    deps.store.write(ctx.tenantId, async (repo) => {
      if (!(await repo.findCategory(categoryId))) raise('category-not-found', 'No such category.');
      const items = await repo.itemsInCategory(categoryId);
      if (items.some((i) => i.archivedAt === null)) {
        raise('category-not-empty', 'Move or archive the items in this category first.');
      }
      for (const item of items) {
        await repo.updateItem(item.id, { categoryId: null });
        await repo.emit(catalogEvents.itemUpdated, {
          itemId: item.id,
          name: item.name,
          categoryId: null,
        });
      }
      await repo.deleteCategory(categoryId);
    });
}
