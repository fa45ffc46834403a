import { z } from 'zod';
import { callContextOf, pageOf, type StratumApp } from '@stratum/platform';
import {
  availabilityView,
  changePriceInput,
  listStorePricesQuery,
  listUnavailableQuery,
  quoteLineInput,
  quoteView,
  removeOverrideQuery,
  setAvailabilityInput,
  storePriceView,
  type CatalogApi,
} from '../../contract.ts';
import { base, prices, read, storeParams, tags, write } from './shared.ts';

const priceParams = z.object({ storeId: z.uuid(), variantId: z.uuid() });
const availabilityParams = z.object({ storeId: z.uuid(), itemId: z.uuid() });

/** What differs per store without copying the catalog: prices, availability. */
export function storeRoutes(api: CatalogApi) {
  return (app: StratumApp) => {
    const ctx = callContextOf;
    app.get(
      `${base}/stores/:storeId/prices`,
      {
        config: read,
        schema: {
          tags,
          summary: 'The store’s own prices',
          params: storeParams,
          querystring: listStorePricesQuery,
          response: { 200: pageOf(storePriceView) },
        },
      },
      (r) => api.listStorePrices(ctx(r), r.params.storeId, r.query),
    );
    app.put(
      `${base}/stores/:storeId/prices/:variantId`,
      {
        config: prices,
        schema: {
          tags,
          summary: 'Set the store’s price for a variant (audited)',
          params: priceParams,
          body: changePriceInput,
          response: { 200: storePriceView },
        },
      },
      (r) => api.setStorePrice(ctx(r), r.params.storeId, r.params.variantId, r.body),
    );
    app.delete(
      `${base}/stores/:storeId/prices/:variantId`,
      {
        config: prices,
        schema: {
          tags,
          summary: 'Go back to the base price in this store (audited)',
          params: priceParams,
          querystring: removeOverrideQuery,
          response: { 204: z.null().describe('The store sells the variant at its base price') },
        },
      },
      async (r, reply) => {
        await api.removeStorePrice(ctx(r), r.params.storeId, r.params.variantId, r.query.reason);
        return reply.status(204).send(null);
      },
    );
    app.put(
      `${base}/stores/:storeId/items/:itemId/availability`,
      {
        config: write,
        schema: {
          tags,
          summary: '86 an item in this store (for today by default), or bring it back',
          params: availabilityParams,
          body: setAvailabilityInput,
          response: { 200: availabilityView },
        },
      },
      (r) => api.setAvailability(ctx(r), r.params.storeId, r.params.itemId, r.body),
    );
    app.get(
      `${base}/stores/:storeId/unavailable`,
      {
        config: read,
        schema: {
          tags,
          summary: 'Items unavailable in this store now',
          params: storeParams,
          querystring: listUnavailableQuery,
          response: { 200: pageOf(availabilityView) },
        },
      },
      (r) => api.listUnavailable(ctx(r), r.params.storeId, r.query),
    );
    app.post(
      `${base}/stores/:storeId/quote`,
      {
        config: read,
        schema: {
          tags,
          summary: 'Price one order line in this store and check its options',
          params: storeParams,
          body: quoteLineInput,
          response: { 200: quoteView },
        },
      },
      (r) => api.quoteLine(ctx(r), r.params.storeId, r.body),
    );
  };
}
