import { maxPriceMinor, raise, type CatalogApi } from '../contract.ts';
import { isUnavailableAt } from '../domain/availability.ts';
import { checkSelection, type SelectionResult } from '../domain/modifiers.ts';
import { effectivePrice } from '../domain/pricing.ts';
import { lineQuote, quoteFromMenu, type MenuQuote } from '../domain/quote.ts';
import { assertStoreAccess, type CatalogDeps } from './deps.ts';
import { cachedMenu, menuQuotes, readMenu } from './menu.ts';

const ordered = <T extends { id: string }>(ids: readonly string[], rows: readonly T[]): T[] =>
  ids.flatMap((id) => rows.filter((r) => r.id === id));

function invalidSelection(selection: Extract<SelectionResult, { ok: false }>): never {
  raise('invalid-selection', `The chosen options do not fit the item (${selection.reason}).`, {
    reason: selection.reason,
    ...(selection.groupId && { groupId: selection.groupId }),
  });
}

/** Why a line has no quote, as the catalog's error. */
function refuse(refusal: Extract<MenuQuote, { ok: false }>): never {
  switch (refusal.reason) {
    case 'negative-unit-price':
    case 'unit-price-too-large':
      // Ordering refuses such a line anyway; saying so here names the cause.
      return raise(
        'unit-price-out-of-range',
        `With these options the unit price is below zero or above ${maxPriceMinor}.`,
        { reason: refusal.reason, maxPriceMinor },
      );
    default:
      return invalidSelection(refusal);
  }
}

/**
 * Prices one order line as the store sells it now, for ordering to snapshot:
 * the variant's store price plus the chosen options, checked against the
 * item's modifier groups, and the item's active tax rates.
 *
 * Answered from the store's cached POS menu, which holds all of that: a hot
 * store costs no SQL and no store-ops call per line. The catalog's own writes
 * drop the cached version when they commit (`invalidatingWrites`), so a price
 * change or an 86 applies to the very next quote. A variant the menu does not
 * show goes to the database, which tells the caller precisely why.
 */
export function quoteLine(deps: CatalogDeps): CatalogApi['quoteLine'] {
  const cached = cachedMenu(deps);
  const read = readMenu(deps);
  const fromCatalog = quoteFromCatalog(deps);
  return async (ctx, storeId, input) => {
    assertStoreAccess(ctx, storeId);
    const entry = cached(ctx, storeId) ?? (await read(ctx, storeId));
    const quote = quoteFromMenu(menuQuotes(entry), input.variantId, input.optionIds);
    if (quote === undefined) return fromCatalog(ctx, storeId, input);
    if (!quote.ok) refuse(quote);
    return quote.quote;
  };
}

/** The same quote read from the catalog's tables: the reference the menu path must match. */
export function quoteFromCatalog(deps: CatalogDeps): CatalogApi['quoteLine'] {
  return async (ctx, storeId, input) => {
    assertStoreAccess(ctx, storeId);
    await deps.stores.get(ctx, storeId);
    return deps.store.read(ctx.tenantId, async (repo) => {
      const variant = await repo.findVariant(input.variantId);
      if (!variant) raise('variant-not-found', 'No such variant.');
      const item = await repo.findItem(variant.itemId);
      if (!item || item.archivedAt || item.kind === 'ingredient') {
        raise('item-not-sellable', 'Archived items and ingredients are not sold.');
      }
      const override = await repo.findOverride(storeId, variant.id);
      const groupIds = (await repo.groupLinksOf([item.id]))
        .sort((a, b) => a.position - b.position)
        .map((l) => l.targetId);
      const groups = ordered(groupIds, await repo.findGroups(groupIds));
      const options = groupIds.length ? await repo.optionsOf(groupIds) : [];
      const selection = checkSelection(
        groups.map((g) => ({ ...g, options: options.filter((o) => o.groupId === g.id) })),
        input.optionIds,
      );
      if (!selection.ok) invalidSelection(selection);
      const rateIds = (await repo.taxLinksOf([item.id]))
        .sort((a, b) => a.position - b.position)
        .map((l) => l.targetId);
      const rates = ordered(rateIds, await repo.findTaxRates(rateIds)).filter((r) => r.active);
      const chosen = ordered(input.optionIds, options);
      const unavailable = await repo.findUnavailable(storeId, item.id);
      const variantPriceMinor = effectivePrice(variant.priceMinor, override?.priceMinor);
      const now = deps.clock.now().getTime();
      const quote = lineQuote({
        item,
        variant,
        priceMinor: variantPriceMinor,
        chosen,
        taxRates: rates,
        available: !(
          unavailable &&
          isUnavailableAt({ itemId: item.id, until: unavailable.until?.getTime() ?? null }, now)
        ),
      });
      if (!quote.ok) refuse(quote);
      return quote.quote;
    });
  };
}
