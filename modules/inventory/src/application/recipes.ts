import { cursorScope, toPage } from '@stratum/platform';
import { raise, type InventoryApi } from '../contract.ts';
import { validateRecipe } from '../domain/recipe.ts';
import type { InventoryDeps } from './ports.ts';
import { toRecipeView } from './views.ts';

export function listRecipes(deps: InventoryDeps): InventoryApi['listRecipes'] {
  return async (ctx, query) => {
    const cursors = cursorScope('recipes');
    const after = cursors.decodeId(query.cursor);
    return deps.store.inTenant(ctx, async (repo) => {
      const rows = await repo.listRecipes({ ...query, limit: query.limit + 1 }, after);
      return toPage(
        rows,
        query.limit,
        toRecipeView,
        cursors.keyOf((r) => [r.variantId]),
      );
    });
  };
}

export function getRecipe(deps: InventoryDeps): InventoryApi['getRecipe'] {
  return (ctx, variantId) =>
    deps.store.inTenant(ctx, async (repo) => {
      const recipe = await repo.findRecipe(variantId);
      if (!recipe) raise('recipe-not-found', 'This variant has no recipe.');
      return toRecipeView(recipe);
    });
}

/**
 * Replaces a menu variant's recipe. Reservations already made keep the
 * ingredients they were made with; new ones use this recipe.
 */
export function setRecipe(deps: InventoryDeps): InventoryApi['setRecipe'] {
  return (ctx, variantId, input) =>
    deps.store.inTenant(ctx, async (repo) => {
      const ids = [variantId, ...input.components.map((c) => c.stockItemId)];
      const items = await repo.findStockItems(ids);
      validateRecipe(items.get(variantId), input.components, items);
      const before = await repo.findRecipe(variantId);
      const saved = await repo.saveRecipe(variantId, input.components);
      await repo.audit({
        action: 'recipe.set',
        entityType: 'recipe',
        entityId: variantId,
        before: before?.components ?? null,
        after: saved.components,
      });
      return toRecipeView(saved);
    });
}

export function deleteRecipe(deps: InventoryDeps): InventoryApi['deleteRecipe'] {
  return (ctx, variantId) =>
    deps.store.inTenant(ctx, async (repo) => {
      const before = await repo.findRecipe(variantId);
      if (!before || !(await repo.deleteRecipe(variantId))) {
        raise('recipe-not-found', 'This variant has no recipe.');
      }
      await repo.audit({
        action: 'recipe.deleted',
        entityType: 'recipe',
        entityId: variantId,
        before: before.components,
      });
    });
}
