import { DomainError } from '@stratum/platform';
import type { CatalogApi } from '@stratum/catalog/contract';
import { raise, type OrderingErrorCode } from '../../contract.ts';
import type { Catalog } from '../../application/ports.ts';

/** The catalog's codes that ordering passes on under its own name. */
const translated: Partial<Record<string, OrderingErrorCode>> = {
  'variant-not-found': 'variant-not-found',
  'item-not-sellable': 'item-not-sellable',
  'invalid-selection': 'invalid-selection',
  'store-not-found': 'store-not-found',
  'store-not-allowed': 'store-not-allowed',
};

/**
 * Ordering's `Catalog` port on the catalog's `quoteLine` (in process or
 * remote alike): the quote becomes the snapshot an order line keeps.
 */
export function catalogQuotes(catalog: Pick<CatalogApi, 'quoteLine'>): Catalog {
  return {
    async quote(ctx, storeId, line) {
      try {
        const q = await catalog.quoteLine(ctx, storeId, {
          variantId: line.variantId,
          optionIds: [...line.optionIds],
        });
        return {
          itemId: q.itemId,
          variantId: q.variantId,
          name: q.itemName,
          variantName: q.variantName,
          unitPrice: q.variantPriceMinor,
          modifiers: q.options.map((o) => ({
            optionId: o.id,
            name: o.name,
            priceDelta: o.priceDeltaMinor,
          })),
          taxRates: q.taxRates.map((r) => ({
            id: r.id,
            name: r.name,
            bps: r.rateBps,
            inclusive: r.inclusive,
          })),
          kitchenStation: q.kitchenStation,
          available: q.available,
        };
      } catch (err) {
        // The catalog's error codes are its own; callers of ordering see ordering's.
        const code = err instanceof DomainError ? translated[err.code] : undefined;
        if (err instanceof DomainError && code) raise(code, err.message, err.details);
        throw err;
      }
    },
  };
}
