import {
  callContextOf,
  idempotencyKeyHeaders,
  markReplayed,
  pageOf,
  type StratumApp,
} from '@stratum/platform';
import {
  dispatchResult,
  dispatchTransferInput,
  listTransfersQuery,
  transferView,
  type InventoryApi,
} from '../../contract.ts';
import { base, idParams, tags } from './stock-routes.ts';

const read = { access: { permission: 'inventory:read' } } as const;
const write = { access: { permission: 'inventory:write' } } as const;

/** Transfers between stores: dispatched, then received. */
export function transferRoutes(app: StratumApp, api: InventoryApi): void {
  app.post(
    `${base}/transfers`,
    {
      config: write,
      schema: {
        tags,
        summary: 'Dispatch stock to another store (it is in transit until received)',
        description:
          'Moves stock, so it takes an Idempotency-Key (400 `idempotency-key-required` ' +
          'without one). The same request again under the key answers the transfer first ' +
          'dispatched, with `Idempotent-Replayed: true`, and dispatches nothing; another ' +
          'request under it is 422 `idempotency-key-reused`. Keys are per tenant.',
        headers: idempotencyKeyHeaders(
          'a retry with the same key gets the same transfer, never a second one',
        ),
        body: dispatchTransferInput,
        response: { 201: dispatchResult },
      },
    },
    async (request, reply) => {
      const { replayed, ...dispatched } = await api.dispatchTransfer(
        callContextOf(request),
        request.body,
        request.headers['idempotency-key'],
      );
      markReplayed(reply, replayed);
      return reply.status(201).send(dispatched);
    },
  );
  app.get(
    `${base}/transfers`,
    {
      config: read,
      schema: {
        tags,
        summary: 'List transfers',
        querystring: listTransfersQuery,
        response: { 200: pageOf(transferView) },
      },
    },
    (request) => api.listTransfers(callContextOf(request), request.query),
  );
  app.get(
    `${base}/transfers/:id`,
    {
      config: read,
      schema: {
        tags,
        summary: 'Get a transfer',
        params: idParams,
        response: { 200: transferView },
      },
    },
    (request) => api.getTransfer(callContextOf(request), request.params.id),
  );
  app.post(
    `${base}/transfers/:id/receive`,
    {
      config: write,
      schema: {
        tags,
        summary: 'Receive a dispatched transfer at its destination',
        params: idParams,
        response: { 200: transferView },
      },
    },
    (request) => api.receiveTransfer(callContextOf(request), request.params.id),
  );
}
