import { z } from 'zod';
import {
  callContextOf,
  idempotencyKeyHeaders,
  markReplayed,
  pageOf,
  type StratumApp,
} from '@stratum/platform';
import {
  consistencyQuery,
  consistencyReport,
  countView,
  levelView,
  listLevelsQuery,
  listMovementsQuery,
  listStockItemsQuery,
  movementBatchView,
  movementView,
  recordCountInput,
  recordMovementsInput,
  setThresholdInput,
  stockItemView,
  type InventoryApi,
} from '../../contract.ts';

export const base = '/api/v1/inventory';
export const tags = ['inventory'];
export const idParams = z.object({ id: z.uuid() });
const levelParams = z.object({ storeId: z.uuid(), stockItemId: z.uuid() });

const read = { access: { permission: 'inventory:read' } } as const;
const write = { access: { permission: 'inventory:write' } } as const;

/** Stock items, levels, the ledger, counts and the consistency check. */
export function stockRoutes(app: StratumApp, api: InventoryApi): void {
  app.get(
    `${base}/stock-items`,
    {
      config: read,
      schema: {
        tags,
        summary: 'List stock items (catalog variants known to inventory)',
        querystring: listStockItemsQuery,
        response: { 200: pageOf(stockItemView) },
      },
    },
    (request) => api.listStockItems(callContextOf(request), request.query),
  );
  app.get(
    `${base}/stock-items/:id`,
    {
      config: read,
      schema: {
        tags,
        summary: 'Get a stock item',
        params: idParams,
        response: { 200: stockItemView },
      },
    },
    (request) => api.getStockItem(callContextOf(request), request.params.id),
  );

  app.get(
    `${base}/levels`,
    {
      config: read,
      schema: {
        tags,
        summary: 'List stock levels per store and item (on hand, reserved, available, in transit)',
        querystring: listLevelsQuery,
        response: { 200: pageOf(levelView) },
      },
    },
    (request) => api.listLevels(callContextOf(request), request.query),
  );
  app.get(
    `${base}/levels/:storeId/:stockItemId`,
    {
      config: read,
      schema: {
        tags,
        summary: 'Get the stock level of an item in a store',
        params: levelParams,
        response: { 200: levelView },
      },
    },
    (request) =>
      api.getLevel(callContextOf(request), request.params.storeId, request.params.stockItemId),
  );
  app.put(
    `${base}/levels/:storeId/:stockItemId/threshold`,
    {
      config: write,
      schema: {
        tags,
        summary: 'Set or clear the low-stock threshold of an item in a store',
        params: levelParams,
        body: setThresholdInput,
        response: { 200: levelView },
      },
    },
    (request) =>
      api.setThreshold(
        callContextOf(request),
        request.params.storeId,
        request.params.stockItemId,
        request.body,
      ),
  );

  app.get(
    `${base}/movements`,
    {
      config: read,
      schema: {
        tags,
        summary: 'List ledger movements',
        querystring: listMovementsQuery,
        response: { 200: pageOf(movementView) },
      },
    },
    (request) => api.listMovements(callContextOf(request), request.query),
  );
  app.post(
    `${base}/movements`,
    {
      config: write,
      schema: {
        tags,
        summary: 'Record a receipt, an adjustment (with a reason) or waste',
        description:
          'Moves stock, so it takes an Idempotency-Key (400 `idempotency-key-required` ' +
          'without one). The same request again under the key answers the batch first ' +
          'recorded, with `Idempotent-Replayed: true`, and moves nothing; another request ' +
          'under it is 422 `idempotency-key-reused`. Keys are per tenant.',
        headers: idempotencyKeyHeaders(
          'a retry with the same key gets the same batch, never a second one',
        ),
        body: recordMovementsInput,
        response: { 201: movementBatchView },
      },
    },
    async (request, reply) => {
      const { replayed, ...batch } = await api.recordMovements(
        callContextOf(request),
        request.body,
        request.headers['idempotency-key'],
      );
      markReplayed(reply, replayed);
      return reply.status(201).send(batch);
    },
  );

  app.post(
    `${base}/counts`,
    {
      config: write,
      schema: {
        tags,
        summary: 'Enter a stock count; differences become count-correction movements',
        description:
          'Moves stock, so it takes an Idempotency-Key (400 `idempotency-key-required` ' +
          'without one). The same request again under the key answers the count first ' +
          'recorded, with `Idempotent-Replayed: true`, and corrects nothing, even if stock ' +
          'moved since; another request under it is 422 `idempotency-key-reused`. Keys are ' +
          'per tenant.',
        headers: idempotencyKeyHeaders(
          'a retry with the same key gets the same count, never a second correction',
        ),
        body: recordCountInput,
        response: { 201: countView },
      },
    },
    async (request, reply) => {
      const { replayed, ...count } = await api.recordCount(
        callContextOf(request),
        request.body,
        request.headers['idempotency-key'],
      );
      markReplayed(reply, replayed);
      return reply.status(201).send(count);
    },
  );
  app.get(
    `${base}/counts/:id`,
    {
      config: read,
      schema: {
        tags,
        summary: 'Get a stock count',
        params: idParams,
        response: { 200: countView },
      },
    },
    (request) => api.getCount(callContextOf(request), request.params.id),
  );

  app.get(
    `${base}/consistency`,
    {
      config: write,
      schema: {
        tags,
        summary: 'Check that every level equals its ledger, active holds and open transfers',
        querystring: consistencyQuery,
        response: { 200: consistencyReport },
      },
    },
    (request) => api.checkConsistency(callContextOf(request), request.query),
  );
}
