import { describe, expect, it } from 'vitest';
import { DomainError, newId, type CallContext } from '@stratum/platform';
import type { CatalogApi, QuoteView } from '@stratum/catalog/contract';
import { catalogQuotes } from './catalog.ts';

const ctx: CallContext = {
  tenantId: newId(),
  actor: { kind: 'user', id: 'u', roles: ['cashier'], permissions: [], stores: ['*'] },
};
const quote: QuoteView = {
  itemId: newId(),
  itemName: 'Flat white',
  variantId: newId(),
  variantName: 'Large',
  variantPriceMinor: 450,
  options: [{ id: newId(), groupId: newId(), name: 'Oat milk', priceDeltaMinor: 50 }],
  unitPriceMinor: 500,
  taxRates: [{ id: newId(), name: 'VAT', rateBps: 700, inclusive: true }],
  kitchenStation: 'bar',
  available: false,
};
const catalogOf = (answer: () => Promise<QuoteView>): Pick<CatalogApi, 'quoteLine'> => ({
  quoteLine: answer,
});

describe('the catalog port on the catalog’s quoteLine', () => {
  it('turns a quote into the snapshot a line keeps: price before modifiers, deltas apart', async () => {
    const port = catalogQuotes(catalogOf(() => Promise.resolve(quote)));
    expect(await port.quote(ctx, newId(), { variantId: quote.variantId, optionIds: [] })).toEqual({
      itemId: quote.itemId,
      variantId: quote.variantId,
      name: 'Flat white',
      variantName: 'Large',
      unitPrice: 450,
      modifiers: [{ optionId: quote.options[0]!.id, name: 'Oat milk', priceDelta: 50 }],
      taxRates: [{ id: quote.taxRates[0]!.id, name: 'VAT', bps: 700, inclusive: true }],
      kitchenStation: 'bar',
      available: false,
    });
  });

  it('passes the catalog’s refusals on under ordering’s codes, with their details', async () => {
    const refusing = (code: string, kind: 'not-found' | 'unprocessable') =>
      catalogQuotes(
        catalogOf(() => Promise.reject(new DomainError(code, 'no', kind, { reason: 'why' }))),
      ).quote(ctx, newId(), { variantId: newId(), optionIds: [] });
    await expect(refusing('variant-not-found', 'not-found')).rejects.toMatchObject({
      code: 'variant-not-found',
      kind: 'unprocessable',
    });
    await expect(refusing('invalid-selection', 'unprocessable')).rejects.toMatchObject({
      code: 'invalid-selection',
      details: { reason: 'why' },
    });
    await expect(refusing('item-not-sellable', 'unprocessable')).rejects.toMatchObject({
      code: 'item-not-sellable',
    });
  });

  it('lets anything else through untouched (an open circuit, a timeout)', async () => {
    const down = new DomainError('dependency-unavailable', 'down', 'unavailable');
    const port = catalogQuotes(catalogOf(() => Promise.reject(down)));
    await expect(port.quote(ctx, newId(), { variantId: newId(), optionIds: [] })).rejects.toBe(
      down,
    );
  });
});
