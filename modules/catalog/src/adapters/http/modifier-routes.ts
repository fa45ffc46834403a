import { z } from 'zod';
import { callContextOf, pageOf, type StratumApp } from '@stratum/platform';
import {
  changeDeltaInput,
  createModifierGroupInput,
  createTaxRateInput,
  listModifierGroupsQuery,
  listTaxRatesQuery,
  modifierGroupView,
  modifierOptionInput,
  taxRateView,
  updateModifierGroupInput,
  updateModifierOptionInput,
  updateTaxRateInput,
  type CatalogApi,
} from '../../contract.ts';
import { base, prices, read, tags, write } from './shared.ts';

const groupParams = z.object({ groupId: z.uuid() });
const optionParams = z.object({ groupId: z.uuid(), optionId: z.uuid() });
const rateParams = z.object({ taxRateId: z.uuid() });

/** Modifier groups with their options, and tax rates. */
export function modifierRoutes(api: CatalogApi) {
  return (app: StratumApp) => {
    const ctx = callContextOf;
    app.get(
      `${base}/modifier-groups`,
      {
        config: read,
        schema: {
          tags,
          summary: 'List modifier groups',
          querystring: listModifierGroupsQuery,
          response: { 200: pageOf(modifierGroupView) },
        },
      },
      (r) => api.listModifierGroups(ctx(r), r.query),
    );
    app.post(
      `${base}/modifier-groups`,
      {
        config: write,
        schema: {
          tags,
          summary: 'Create a modifier group ("choose 1–2 sauces") with its options',
          body: createModifierGroupInput,
          response: { 201: modifierGroupView },
        },
      },
      async (r, reply) => reply.status(201).send(await api.createModifierGroup(ctx(r), r.body)),
    );
    app.get(
      `${base}/modifier-groups/:groupId`,
      {
        config: read,
        schema: {
          tags,
          summary: 'Get a modifier group',
          params: groupParams,
          response: { 200: modifierGroupView },
        },
      },
      (r) => api.getModifierGroup(ctx(r), r.params.groupId),
    );
    app.patch(
      `${base}/modifier-groups/:groupId`,
      {
        config: write,
        schema: {
          tags,
          summary: 'Rename a group or change its bounds',
          params: groupParams,
          body: updateModifierGroupInput,
          response: { 200: modifierGroupView },
        },
      },
      (r) => api.updateModifierGroup(ctx(r), r.params.groupId, r.body),
    );
    app.post(
      `${base}/modifier-groups/:groupId/options`,
      {
        config: write,
        schema: {
          tags,
          summary: 'Add an option',
          params: groupParams,
          body: modifierOptionInput,
          response: { 201: modifierGroupView },
        },
      },
      async (r, reply) =>
        reply.status(201).send(await api.addModifierOption(ctx(r), r.params.groupId, r.body)),
    );
    app.patch(
      `${base}/modifier-groups/:groupId/options/:optionId`,
      {
        config: write,
        schema: {
          tags,
          summary: 'Rename an option',
          params: optionParams,
          body: updateModifierOptionInput,
          response: { 200: modifierGroupView },
        },
      },
      (r) => api.renameModifierOption(ctx(r), r.params.groupId, r.params.optionId, r.body.name),
    );
    app.put(
      `${base}/modifier-groups/:groupId/options/:optionId/price`,
      {
        config: prices,
        schema: {
          tags,
          summary: 'Change an option’s price delta (audited)',
          params: optionParams,
          body: changeDeltaInput,
          response: { 200: modifierGroupView },
        },
      },
      (r) => api.changeModifierOptionPrice(ctx(r), r.params.groupId, r.params.optionId, r.body),
    );
    app.delete(
      `${base}/modifier-groups/:groupId/options/:optionId`,
      {
        config: write,
        schema: {
          tags,
          summary: 'Remove an option',
          params: optionParams,
          response: { 200: modifierGroupView },
        },
      },
      (r) => api.removeModifierOption(ctx(r), r.params.groupId, r.params.optionId),
    );

    app.get(
      `${base}/tax-rates`,
      {
        config: read,
        schema: {
          tags,
          summary: 'List tax rates',
          querystring: listTaxRatesQuery,
          response: { 200: pageOf(taxRateView) },
        },
      },
      (r) => api.listTaxRates(ctx(r), r.query),
    );
    app.post(
      `${base}/tax-rates`,
      {
        config: write,
        schema: {
          tags,
          summary: 'Create a tax rate',
          body: createTaxRateInput,
          response: { 201: taxRateView },
        },
      },
      async (r, reply) => reply.status(201).send(await api.createTaxRate(ctx(r), r.body)),
    );
    app.patch(
      `${base}/tax-rates/:taxRateId`,
      {
        config: write,
        schema: {
          tags,
          summary: 'Change a tax rate (a used rate may only be deactivated or reactivated)',
          params: rateParams,
          body: updateTaxRateInput,
          response: { 200: taxRateView },
        },
      },
      (r) => api.updateTaxRate(ctx(r), r.params.taxRateId, r.body),
    );
    app.delete(
      `${base}/tax-rates/:taxRateId`,
      {
        config: write,
        schema: {
          tags,
          summary: 'Delete a tax rate that was never attached to an item',
          params: rateParams,
          response: { 204: z.null().describe('Deleted') },
        },
      },
      async (r, reply) => {
        await api.deleteTaxRate(ctx(r), r.params.taxRateId);
        return reply.status(204).send(null);
      },
    );
  };
}
