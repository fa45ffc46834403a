import { z } from 'zod';
import { callContextOf, pageOf, type StratumApp } from '@stratum/platform';
import {
  archiveStoreInput,
  createStoreInput,
  listStoresQuery,
  storeView,
  updateStoreInput,
  type StoreOpsApi,
} from '../../contract.ts';

export const base = '/api/v1/store-ops';
export const tags = ['store-ops'];
export const idParams = z.object({ id: z.uuid() });

/** Stores: create, read, list, change, archive. */
export function storeRoutes(app: StratumApp, api: StoreOpsApi): void {
  app.post(
    `${base}/stores`,
    {
      config: { access: { permission: 'stores:write' } },
      schema: {
        tags,
        summary: 'Create a store',
        body: createStoreInput,
        response: { 201: storeView },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await api.createStore(callContextOf(request), request.body)),
  );
  app.get(
    `${base}/stores`,
    {
      config: { access: { permission: 'stores:read' } },
      schema: {
        tags,
        summary: 'List the tenant’s stores',
        querystring: listStoresQuery,
        response: { 200: pageOf(storeView) },
      },
    },
    (request) => api.listStores(callContextOf(request), request.query),
  );
  app.get(
    `${base}/stores/:id`,
    {
      config: { access: { permission: 'stores:read' } },
      schema: { tags, summary: 'Get a store', params: idParams, response: { 200: storeView } },
    },
    (request) => api.getStore(callContextOf(request), request.params.id),
  );
  app.patch(
    `${base}/stores/:id`,
    {
      config: { access: { permission: 'stores:write' } },
      schema: {
        tags,
        summary: 'Change a store’s name, time zone, address, tax or oversell settings',
        params: idParams,
        body: updateStoreInput,
        response: { 200: storeView },
      },
    },
    (request) => api.updateStore(callContextOf(request), request.params.id, request.body),
  );
  app.post(
    `${base}/stores/:id/archive`,
    {
      config: { access: { permission: 'stores:write' } },
      schema: {
        tags,
        summary: 'Archive a store (every drawer must be closed)',
        params: idParams,
        body: archiveStoreInput.nullish(),
        response: { 200: storeView },
      },
    },
    (request) => api.archiveStore(callContextOf(request), request.params.id, request.body?.reason),
  );
}
