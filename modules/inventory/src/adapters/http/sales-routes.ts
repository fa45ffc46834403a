import { callContextOf, pageOf, type StratumApp } from '@stratum/platform';
import { z } from 'zod';
import {
  confirmResult,
  listRecipesQuery,
  recipeView,
  reservationView,
  reserveInput,
  reserveResult,
  setRecipeInput,
  sweepResult,
  type InventoryApi,
} from '../../contract.ts';
import { base, idParams, tags } from './stock-routes.ts';

const variantParams = z.object({ variantId: z.uuid() });
const read = { access: { permission: 'inventory:read' } } as const;
const reserve = { access: { permission: 'inventory:reserve' } } as const;
const write = { access: { permission: 'inventory:write' } } as const;

/** Reservations for the checkout saga, and the recipes that sales deplete. */
export function salesRoutes(app: StratumApp, api: InventoryApi): void {
  app.post(
    `${base}/reservations`,
    {
      config: reserve,
      schema: {
        tags,
        summary: 'Reserve stock for a sale, per the store’s oversell policy',
        body: reserveInput,
        response: { 201: reserveResult },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await api.reserve(callContextOf(request), request.body)),
  );
  app.get(
    `${base}/reservations/:id`,
    {
      config: read,
      schema: {
        tags,
        summary: 'Get a reservation',
        params: idParams,
        response: { 200: reservationView },
      },
    },
    (request) => api.getReservation(callContextOf(request), request.params.id),
  );
  app.post(
    `${base}/reservations/:id/confirm`,
    {
      config: reserve,
      schema: {
        tags,
        summary: 'Confirm a reservation: its holds become sale movements',
        params: idParams,
        response: { 200: confirmResult },
      },
    },
    (request) => api.confirmReservation(callContextOf(request), request.params.id),
  );
  app.post(
    `${base}/reservations/:id/release`,
    {
      config: reserve,
      schema: {
        tags,
        summary: 'Release a reservation: the held stock becomes available again',
        params: idParams,
        response: { 200: reservationView },
      },
    },
    (request) => api.releaseReservation(callContextOf(request), request.params.id),
  );
  app.post(
    `${base}/reservations/expire-due`,
    {
      config: write,
      schema: {
        tags,
        summary: 'Expire lapsed reservations now (a background sweeper also does)',
        response: { 200: sweepResult },
      },
    },
    (request) => api.sweepExpiredReservations(callContextOf(request)),
  );

  app.get(
    `${base}/recipes`,
    {
      config: read,
      schema: {
        tags,
        summary: 'List recipes',
        querystring: listRecipesQuery,
        response: { 200: pageOf(recipeView) },
      },
    },
    (request) => api.listRecipes(callContextOf(request), request.query),
  );
  app.get(
    `${base}/recipes/:variantId`,
    {
      config: read,
      schema: {
        tags,
        summary: 'Get the recipe of a menu variant',
        params: variantParams,
        response: { 200: recipeView },
      },
    },
    (request) => api.getRecipe(callContextOf(request), request.params.variantId),
  );
  app.put(
    `${base}/recipes/:variantId`,
    {
      config: write,
      schema: {
        tags,
        summary: 'Set the recipe of a menu variant (the ingredients one unit consumes)',
        params: variantParams,
        body: setRecipeInput,
        response: { 200: recipeView },
      },
    },
    (request) => api.setRecipe(callContextOf(request), request.params.variantId, request.body),
  );
  app.delete(
    `${base}/recipes/:variantId`,
    {
      config: write,
      schema: {
        tags,
        summary: 'Delete the recipe of a menu variant',
        params: variantParams,
        response: { 204: z.null().describe('Deleted') },
      },
    },
    async (request, reply) => {
      await api.deleteRecipe(callContextOf(request), request.params.variantId);
      return reply.status(204).send(null);
    },
  );
}
