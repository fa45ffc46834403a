import { callContextOf, type StratumApp } from '@stratum/platform';
import { z } from 'zod';
import {
  kitchenTicketView,
  kitchenTicketsQuery,
  receiptView,
  type OrderingApi,
} from '../../contract.ts';
import {
  base,
  idParams,
  kitchenBump,
  kitchenRead,
  kitchenTags,
  read,
  storeParams,
  tags,
} from './shared.ts';

/** Kitchen tickets, receipts and the store's ordering settings. */
export function kitchenRoutes(app: StratumApp, api: OrderingApi): void {
  app.get(
    `${base}/stores/:storeId/kitchen/tickets`,
    {
      config: kitchenRead,
      schema: {
        tags: kitchenTags,
        summary: 'The store’s kitchen tickets: open ones oldest first, done ones newest first',
        params: storeParams,
        querystring: kitchenTicketsQuery,
        response: { 200: z.object({ items: z.array(kitchenTicketView) }) },
      },
    },
    async (request) => ({
      items: await api.getKitchenTickets(
        callContextOf(request),
        request.params.storeId,
        request.query,
      ),
    }),
  );
  app.post(
    `${base}/kitchen/tickets/:id/bump`,
    {
      config: kitchenBump,
      schema: {
        tags: kitchenTags,
        summary: 'Mark a kitchen ticket done',
        params: idParams,
        response: { 200: kitchenTicketView },
      },
    },
    (request) => api.bumpTicket(callContextOf(request), request.params.id),
  );

  app.get(
    `${base}/orders/:id/receipt`,
    {
      config: read,
      schema: {
        tags,
        summary: 'The receipt of a paid order, as data and as 80-column text',
        params: idParams,
        response: { 200: receiptView },
      },
    },
    (request) => api.getReceipt(callContextOf(request), request.params.id),
  );
  app.get(
    `${base}/orders/:id/receipt.txt`,
    {
      config: read,
      schema: {
        tags,
        summary: 'The receipt of a paid order as plain text, for a printer',
        params: idParams,
        produces: ['text/plain'],
        response: { 200: z.string() },
      },
    },
    async (request, reply) => {
      const receipt = await api.getReceipt(callContextOf(request), request.params.id);
      return reply.type('text/plain; charset=utf-8').send(receipt.text);
    },
  );
}
