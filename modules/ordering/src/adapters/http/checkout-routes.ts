import type { z } from 'zod';
import {
  callContextOf,
  idempotencyKeyHeaders,
  markReplayed,
  type StratumApp,
} from '@stratum/platform';
import {
  checkoutInput,
  checkoutView,
  raiseCheckout,
  type CheckoutView,
} from '../../contract/checkout.ts';
import type { StartedCheckout } from '../../application/checkout/checkout.ts';
import type { CheckoutRecord } from '../../application/checkout/ports.ts';
import {
  orderView,
  refundOrderInput,
  type OrderView,
  type RefundOrderInput,
} from '../../contract.ts';
import { base, idParams, read, tags } from './shared.ts';

/** What the routes need of the checkout use cases. */
export interface CheckoutHttpApi {
  start(
    ctx: ReturnType<typeof callContextOf>,
    orderId: string,
    input: z.input<typeof checkoutInput>,
    idempotencyKey: string | undefined,
  ): Promise<StartedCheckout>;
  get(ctx: ReturnType<typeof callContextOf>, checkoutId: string): Promise<CheckoutRecord>;
  view(record: CheckoutRecord): CheckoutView;
  refund(
    ctx: ReturnType<typeof callContextOf>,
    orderId: string,
    input: RefundOrderInput,
    idempotencyKey: string | undefined,
  ): Promise<OrderView & { readonly replayed: boolean }>;
}

const idempotencyHeaders = idempotencyKeyHeaders(
  'a retry with the same key gets the same checkout, never a second charge',
);

/**
 * `POST …/orders/{id}/checkout` runs the checkout saga while the request
 * waits (ADR 0014): 201 once completed, a `checkout-failed` problem once
 * undone, 202 while it is still being retried (poll `GET …/checkouts/{id}`).
 */
export function checkoutRoutes(app: StratumApp, checkout: CheckoutHttpApi): void {
  app.post(
    `${base}/orders/:id/checkout`,
    {
      config: { access: { permission: 'ordering:checkout' } },
      schema: {
        tags,
        summary: 'Check out an order: reserve stock, take every tender, confirm, fire the kitchen',
        params: idParams,
        headers: idempotencyHeaders,
        body: checkoutInput,
        response: { 201: checkoutView, 202: checkoutView },
      },
    },
    async (request, reply) => {
      const record = await checkout.start(
        callContextOf(request),
        request.params.id,
        request.body,
        request.headers['idempotency-key'],
      );
      const view = checkout.view(record);
      markReplayed(reply, record.replayed);
      if (record.status === 'compensated') {
        raiseCheckout(
          'checkout-failed',
          `The checkout was undone (${view.failure?.code ?? 'failed'}): nothing was charged.`,
          { checkout: view },
        );
      }
      void reply.header('location', `${base}/checkouts/${record.id}`);
      return reply.status(record.status === 'completed' ? 201 : 202).send(view);
    },
  );

  app.get(
    `${base}/checkouts/:id`,
    {
      config: read,
      schema: {
        tags,
        summary: 'A checkout: where its saga stands, its tenders and its failure, if any',
        params: idParams,
        response: { 200: checkoutView },
      },
    },
    async (request) => checkout.view(await checkout.get(callContextOf(request), request.params.id)),
  );

  app.post(
    `${base}/orders/:id/refunds`,
    {
      config: { access: { permission: 'ordering:refund' } },
      schema: {
        tags,
        summary: 'Refund items of a paid order to the original tender, with a manager’s approval',
        params: idParams,
        headers: idempotencyHeaders,
        body: refundOrderInput,
        response: { 201: orderView },
      },
    },
    async (request, reply) => {
      const { replayed, ...order } = await checkout.refund(
        callContextOf(request),
        request.params.id,
        request.body,
        request.headers['idempotency-key'],
      );
      markReplayed(reply, replayed);
      return reply.status(201).send(order);
    },
  );
}
