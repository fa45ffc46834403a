import { raise } from '../contract.ts';
import { assertUnique } from './movement.ts';
import type { Component, StockItemFacts } from './reservation.ts';

/**
 * A recipe belongs to a menu variant and lists stocked items (retail items or
 * ingredients, never another menu item, so depletion is one level deep).
 */
export function validateRecipe(
  variant: StockItemFacts | undefined,
  components: readonly Component[],
  items: ReadonlyMap<string, StockItemFacts>,
): void {
  if (!variant) raise('stock-item-not-found', 'Unknown variant.');
  if (variant.kind !== 'menu') {
    raise('recipe-not-allowed', 'Only menu items have recipes; stocked items deplete themselves.');
  }
  assertUnique(components.map((c) => c.stockItemId));
  for (const c of components) {
    const item = items.get(c.stockItemId);
    if (!item) raise('stock-item-not-found', `Unknown stock item ${c.stockItemId}.`);
    if (item.kind === 'menu') {
      raise('recipe-not-allowed', 'A recipe component must be a retail item or an ingredient.');
    }
    if (item.archived) raise('stock-item-archived', `Stock item ${c.stockItemId} is archived.`);
  }
}
