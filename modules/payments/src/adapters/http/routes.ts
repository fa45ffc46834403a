import { z } from 'zod';
import { callContextOf, pageOf, type StratumApp } from '@stratum/platform';
import {
  listPaymentsQuery,
  paymentEventView,
  paymentView,
  refundLimitView,
  refundPaymentInput,
  setRefundLimitInput,
  voidPaymentInput,
  type PaymentsApi,
} from '../../contract.ts';
import type { IdempotencyStore } from '../../application/ports.ts';
import { idempotently } from './idempotency.ts';

export const base = '/api/v1/payments';
const tags = ['payments'];
const paymentParams = z.object({ paymentId: z.uuid() });
const storeParams = z.object({ storeId: z.uuid() });
const idempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .optional()
    .describe('Required: 1 to 255 printable characters; send the same key when retrying'),
});

const refund = { access: { permission: 'payments:refund' } } as const;
const read = { access: { permission: 'payments:read' } } as const;
const configure = { access: { permission: 'payments:configure' } } as const;
const reconcile = { access: { permission: 'payments:reconcile' } } as const;

/**
 * HTTP binding of the payments API under /api/v1/payments. Money is taken
 * only by ordering's checkout, which ties every payment to an order it
 * places and confirms (ADR 0015): there is no route that charges a card or
 * takes cash on its own. Voids, refunds and reads are here.
 */
export function paymentsRoutes(api: PaymentsApi, keys: IdempotencyStore) {
  return (app: StratumApp) => {
    app.post(
      `${base}/:paymentId/void`,
      {
        config: refund,
        schema: {
          tags,
          summary: 'Void an uncaptured payment (a captured one is refunded instead)',
          headers: idempotencyHeaders,
          params: paymentParams,
          body: voidPaymentInput.omit({ paymentId: true }),
          response: { 200: paymentView },
        },
      },
      async (request, reply) => {
        await idempotently(keys, request, reply, async () => ({
          status: 200,
          body: await api.voidPayment(callContextOf(request), {
            ...request.body,
            paymentId: request.params.paymentId,
          }),
        }));
      },
    );
    app.post(
      `${base}/:paymentId/refunds`,
      {
        config: refund,
        schema: {
          tags,
          summary: 'Refund (part of) a captured payment',
          description:
            'Above the store’s refund limit, or to another tender, a manager or owner must ' +
            'approve: `approval.token` is their access token from a PIN or password login.',
          headers: idempotencyHeaders,
          params: paymentParams,
          body: refundPaymentInput.omit({ paymentId: true }),
          response: { 201: paymentView },
        },
      },
      async (request, reply) => {
        await idempotently(keys, request, reply, async () => ({
          status: 201,
          body: await api.refundPayment(callContextOf(request), {
            ...request.body,
            paymentId: request.params.paymentId,
          }),
        }));
      },
    );
    app.post(
      `${base}/:paymentId/reconcile`,
      {
        config: reconcile,
        schema: {
          tags,
          summary: 'Find out from the processor what happened to a payment left pending',
          description:
            'For a card payment whose outcome a crash or a lost answer left unknown: asks the ' +
            'processor for payments under its reference and records what it did (authorized, ' +
            'captured, voided). One the processor does not know after the grace period is ' +
            'recorded as declined `not-processed`; within it, the payment stays pending. Any ' +
            'other payment is answered as it stands. Moves no money, so it takes no ' +
            'Idempotency-Key: a repeat finds the outcome already recorded. A processor that ' +
            'cannot be reached answers 503 and leaves the payment as it was.',
          params: paymentParams,
          response: { 200: paymentView },
        },
      },
      (request) => api.reconcile(callContextOf(request), request.params.paymentId),
    );

    app.get(
      base,
      {
        config: read,
        schema: {
          tags,
          summary: 'List payments, newest first',
          querystring: listPaymentsQuery,
          response: { 200: pageOf(paymentView) },
        },
      },
      (request) => api.listPayments(callContextOf(request), request.query),
    );
    app.get(
      `${base}/:paymentId`,
      {
        config: read,
        schema: {
          tags,
          summary: 'Get a payment',
          params: paymentParams,
          response: { 200: paymentView },
        },
      },
      (request) => api.getPayment(callContextOf(request), request.params.paymentId),
    );
    app.get(
      `${base}/:paymentId/events`,
      {
        config: read,
        schema: {
          tags,
          summary: 'The payment’s event stream, oldest first',
          params: paymentParams,
          response: { 200: z.object({ items: z.array(paymentEventView) }) },
        },
      },
      async (request) => ({
        items: await api.paymentEvents(callContextOf(request), request.params.paymentId),
      }),
    );

    app.get(
      `${base}/stores/:storeId/refund-limit`,
      {
        config: read,
        schema: {
          tags,
          summary: 'The largest refund staff may give in a store without a manager',
          params: storeParams,
          response: { 200: refundLimitView },
        },
      },
      (request) => api.getRefundLimit(callContextOf(request), request.params.storeId),
    );
    app.put(
      `${base}/stores/:storeId/refund-limit`,
      {
        config: configure,
        schema: {
          tags,
          summary: 'Set the largest refund staff may give in a store without a manager',
          params: storeParams,
          body: setRefundLimitInput,
          response: { 200: refundLimitView },
        },
      },
      (request) =>
        api.setRefundLimit(
          callContextOf(request),
          request.params.storeId,
          request.body.refundLimit,
        ),
    );
  };
}
