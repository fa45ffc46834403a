import { callContextOf, type StratumApp } from '@stratum/platform';
import {
  addLineInput,
  changeQuantityInput,
  orderView,
  removeLineInput,
  setDiscountInput,
  type OrderingApi,
} from '../../contract.ts';
import {
  base,
  commandOptions,
  idParams,
  ifMatchHeaders,
  lineParams,
  sendOrder,
  tags,
  write,
} from './shared.ts';

/** Order lines: add (priced by the catalog now), change quantity, remove, discount. */
export function lineRoutes(app: StratumApp, api: OrderingApi): void {
  app.post(
    `${base}/orders/:id/lines`,
    {
      config: write,
      schema: {
        tags,
        summary: 'Add a line, snapshotting the catalog’s price, modifiers, taxes and station',
        params: idParams,
        headers: ifMatchHeaders,
        body: addLineInput,
        response: { 200: orderView },
      },
    },
    async (request, reply) =>
      sendOrder(
        reply,
        await api.addLine(
          callContextOf(request),
          request.params.id,
          request.body,
          commandOptions(request.headers),
        ),
      ),
  );
  app.patch(
    `${base}/orders/:id/lines/:lineId`,
    {
      config: write,
      schema: {
        tags,
        summary: 'Change a line’s quantity (a fired line only down, with approval)',
        params: lineParams,
        headers: ifMatchHeaders,
        body: changeQuantityInput,
        response: { 200: orderView },
      },
    },
    async (request, reply) =>
      sendOrder(
        reply,
        await api.changeLineQuantity(
          callContextOf(request),
          request.params.id,
          request.params.lineId,
          request.body,
          commandOptions(request.headers),
        ),
      ),
  );
  app.post(
    `${base}/orders/:id/lines/:lineId/remove`,
    {
      config: write,
      schema: {
        tags,
        summary: 'Remove a line (a fired one is voided: reason and manager’s approval)',
        params: lineParams,
        headers: ifMatchHeaders,
        body: removeLineInput,
        response: { 200: orderView },
      },
    },
    async (request, reply) =>
      sendOrder(
        reply,
        await api.removeLine(
          callContextOf(request),
          request.params.id,
          request.params.lineId,
          request.body,
          commandOptions(request.headers),
        ),
      ),
  );
  app.put(
    `${base}/orders/:id/lines/:lineId/discount`,
    {
      config: write,
      schema: {
        tags,
        summary: 'Set or clear a line’s discount',
        params: lineParams,
        headers: ifMatchHeaders,
        body: setDiscountInput,
        response: { 200: orderView },
      },
    },
    async (request, reply) =>
      sendOrder(
        reply,
        await api.setLineDiscount(
          callContextOf(request),
          request.params.id,
          request.params.lineId,
          request.body,
          commandOptions(request.headers),
        ),
      ),
  );
}
