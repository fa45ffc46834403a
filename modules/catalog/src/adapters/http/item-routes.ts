import { z } from 'zod';
import { callContextOf, pageOf, type StratumApp } from '@stratum/platform';
import {
  changePriceInput,
  createItemInput,
  itemView,
  listItemsQuery,
  lookupQuery,
  lookupView,
  priceChangeView,
  priceHistoryQuery,
  setItemModifierGroupsInput,
  setItemTaxRatesInput,
  updateItemInput,
  updateVariantInput,
  variantInput,
  variantView,
  type CatalogApi,
} from '../../contract.ts';
import { base, itemParams, prices, read, tags, variantParams, write } from './shared.ts';

/** Items, variants and base prices. */
export function itemRoutes(api: CatalogApi) {
  return (app: StratumApp) => {
    const ctx = callContextOf;
    app.get(
      `${base}/items`,
      {
        config: read,
        schema: {
          tags,
          summary: 'List items (filters, sort, cursor)',
          querystring: listItemsQuery,
          response: { 200: pageOf(itemView) },
        },
      },
      (r) => api.listItems(ctx(r), r.query),
    );
    app.get(
      `${base}/items/lookup`,
      {
        config: read,
        schema: {
          tags,
          summary: 'Find the item and variant with a SKU or barcode',
          querystring: lookupQuery,
          response: { 200: lookupView },
        },
      },
      (r) => api.lookup(ctx(r), r.query),
    );
    app.get(
      `${base}/items/:itemId`,
      {
        config: read,
        schema: { tags, summary: 'Get an item', params: itemParams, response: { 200: itemView } },
      },
      (r) => api.getItem(ctx(r), r.params.itemId),
    );
    app.post(
      `${base}/items`,
      {
        config: write,
        schema: {
          tags,
          summary: 'Create an item with its variants',
          body: createItemInput,
          response: { 201: itemView },
        },
      },
      async (r, reply) => reply.status(201).send(await api.createItem(ctx(r), r.body)),
    );
    app.patch(
      `${base}/items/:itemId`,
      {
        config: write,
        schema: {
          tags,
          summary: 'Change an item',
          params: itemParams,
          body: updateItemInput,
          response: { 200: itemView },
        },
      },
      (r) => api.updateItem(ctx(r), r.params.itemId, r.body),
    );
    app.post(
      `${base}/items/:itemId/archive`,
      {
        config: write,
        schema: {
          tags,
          summary: 'Archive an item (items are never deleted)',
          params: itemParams,
          response: { 200: itemView },
        },
      },
      (r) => api.archiveItem(ctx(r), r.params.itemId),
    );
    app.put(
      `${base}/items/:itemId/modifier-groups`,
      {
        config: write,
        schema: {
          tags,
          summary: 'Set the item’s modifier groups, in order',
          params: itemParams,
          body: setItemModifierGroupsInput,
          response: { 200: itemView },
        },
      },
      (r) => api.setItemModifierGroups(ctx(r), r.params.itemId, r.body.modifierGroupIds),
    );
    app.put(
      `${base}/items/:itemId/tax-rates`,
      {
        config: write,
        schema: {
          tags,
          summary: 'Set the item’s tax rates (marks them used)',
          params: itemParams,
          body: setItemTaxRatesInput,
          response: { 200: itemView },
        },
      },
      (r) => api.setItemTaxRates(ctx(r), r.params.itemId, r.body.taxRateIds),
    );

    app.post(
      `${base}/items/:itemId/variants`,
      {
        config: write,
        schema: {
          tags,
          summary: 'Add a variant',
          params: itemParams,
          body: variantInput,
          response: { 201: variantView },
        },
      },
      async (r, reply) =>
        reply.status(201).send(await api.addVariant(ctx(r), r.params.itemId, r.body)),
    );
    app.patch(
      `${base}/items/:itemId/variants/:variantId`,
      {
        config: write,
        schema: {
          tags,
          summary: 'Change a variant’s name, SKU or barcode',
          params: variantParams,
          body: updateVariantInput,
          response: { 200: variantView },
        },
      },
      (r) => api.updateVariant(ctx(r), r.params.itemId, r.params.variantId, r.body),
    );
    app.put(
      `${base}/items/:itemId/variants/:variantId/price`,
      {
        config: prices,
        schema: {
          tags,
          summary: 'Change a variant’s base price (audited)',
          params: variantParams,
          body: changePriceInput,
          response: { 200: variantView },
        },
      },
      (r) => api.changeBasePrice(ctx(r), r.params.itemId, r.params.variantId, r.body),
    );
    app.get(
      `${base}/variants/:variantId/price-history`,
      {
        config: prices,
        schema: {
          tags,
          summary: 'Base and store price changes of a variant, newest first',
          params: z.object({ variantId: z.uuid() }),
          querystring: priceHistoryQuery,
          response: { 200: pageOf(priceChangeView) },
        },
      },
      (r) => api.priceHistory(ctx(r), r.params.variantId, r.query),
    );
  };
}
