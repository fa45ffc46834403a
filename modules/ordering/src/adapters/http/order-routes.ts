import { z } from 'zod';
import { callContextOf, pageOf, type StratumApp } from '@stratum/platform';
import {
  createOrderInput,
  fireCourseResult,
  listOrdersQuery,
  orderSummaryView,
  orderView,
  setDiscountInput,
  setServiceChargeInput,
  setTipInput,
  splitBillInput,
  splitView,
  voidOrderInput,
  type OrderingApi,
} from '../../contract.ts';
import {
  base,
  commandOptions,
  idParams,
  ifMatchHeaders,
  read,
  sendOrder,
  tags,
  write,
} from './shared.ts';

const courseParams = idParams.extend({ course: z.coerce.number().int().min(1).max(20) });

/** Orders: creation, reads and the commands on the whole order. */
export function orderRoutes(app: StratumApp, api: OrderingApi): void {
  app.post(
    `${base}/orders`,
    {
      config: write,
      schema: {
        tags,
        summary: 'Open an order (idempotent on a client-chosen orderId)',
        body: createOrderInput,
        response: { 201: orderView },
      },
    },
    async (request, reply) =>
      sendOrder(reply, await api.createOrder(callContextOf(request), request.body), 201),
  );
  app.get(
    `${base}/orders`,
    {
      config: read,
      schema: {
        tags,
        summary: 'List orders, newest first, by store, register and status',
        querystring: listOrdersQuery,
        response: { 200: pageOf(orderSummaryView) },
      },
    },
    (request) => api.listOrders(callContextOf(request), request.query),
  );
  app.get(
    `${base}/orders/:id`,
    {
      config: read,
      schema: { tags, summary: 'Get an order', params: idParams, response: { 200: orderView } },
    },
    async (request, reply) =>
      sendOrder(reply, await api.getOrder(callContextOf(request), request.params.id)),
  );

  const command = <B extends z.ZodType>(
    path: string,
    summary: string,
    body: B,
    run: (
      ctx: ReturnType<typeof callContextOf>,
      id: string,
      body: z.output<B>,
      options: ReturnType<typeof commandOptions>,
    ) => ReturnType<OrderingApi['getOrder']>,
  ) =>
    app.put(
      `${base}/orders/:id/${path}`,
      {
        config: write,
        schema: {
          tags,
          summary,
          params: idParams,
          headers: ifMatchHeaders,
          body,
          response: { 200: orderView },
        },
      },
      async (request, reply) =>
        sendOrder(
          reply,
          await run(
            callContextOf(request),
            request.params.id,
            request.body as z.output<B>,
            commandOptions(request.headers),
          ),
        ),
    );
  command('discount', 'Set or clear the order discount', setDiscountInput, (ctx, id, b, o) =>
    api.setOrderDiscount(ctx, id, b, o),
  );
  command(
    'service-charge',
    'Set or clear the service charge (a percentage, taxed like the lines)',
    setServiceChargeInput,
    (ctx, id, b, o) => api.setServiceCharge(ctx, id, b, o),
  );
  command('tip', 'Set the tip (never taxed)', setTipInput, (ctx, id, b, o) =>
    api.setTip(ctx, id, b, o),
  );

  app.post(
    `${base}/orders/:id/courses/:course/fire`,
    {
      config: write,
      schema: {
        tags,
        summary: 'Fire a course: one kitchen ticket per station',
        params: courseParams,
        headers: ifMatchHeaders,
        response: { 200: fireCourseResult },
      },
    },
    async (request, reply) => {
      const { id, course } = request.params;
      const result = await api.fireCourse(
        callContextOf(request),
        id,
        course,
        commandOptions(request.headers),
      );
      return reply.header('etag', `"${result.order.version}"`).send(result);
    },
  );
  app.post(
    `${base}/orders/:id/void`,
    {
      config: write,
      schema: {
        tags,
        summary: 'Void an unpaid order (a manager’s approval once the kitchen saw a line)',
        params: idParams,
        headers: ifMatchHeaders,
        body: voidOrderInput,
        response: { 200: orderView },
      },
    },
    async (request, reply) =>
      sendOrder(
        reply,
        await api.voidOrder(
          callContextOf(request),
          request.params.id,
          request.body,
          commandOptions(request.headers),
        ),
      ),
  );
  app.post(
    `${base}/orders/:id/close`,
    {
      config: write,
      schema: {
        tags,
        summary: 'Close a paid order (also once refunded: the status keeps the refund)',
        params: idParams,
        headers: ifMatchHeaders,
        response: { 200: orderView },
      },
    },
    async (request, reply) =>
      sendOrder(
        reply,
        await api.closeOrder(
          callContextOf(request),
          request.params.id,
          commandOptions(request.headers),
        ),
      ),
  );
  app.post(
    `${base}/orders/:id/split`,
    {
      config: write,
      schema: {
        tags,
        summary: 'Split the bill evenly or by item; each part is paid on its own',
        params: idParams,
        headers: ifMatchHeaders,
        body: splitBillInput,
        response: { 200: splitView },
      },
    },
    (request) =>
      api.splitBill(
        callContextOf(request),
        request.params.id,
        request.body,
        commandOptions(request.headers),
      ),
  );
}
