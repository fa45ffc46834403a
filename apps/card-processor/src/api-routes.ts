import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { checkCard } from './cards.ts';
import { ProcessorError } from './errors.ts';
import { pause, parse, sendError } from './http.ts';
import { handleIdempotently } from './idempotent.ts';
import {
  authorizePayment,
  capturePayment,
  refundPayment,
  voidPayment,
  type Payment,
} from './payments.ts';
import type { ProcessorState } from './state.ts';

const amount = z.int().positive();

const createPaymentBody = z.strictObject({
  amount,
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be 3 uppercase letters (ISO 4217)'),
  card: z.strictObject({
    number: z.string().regex(/^\d{12,19}$/, 'must be 12 to 19 digits'),
  }),
  capture: z.boolean().default(false),
  reference: z.string().max(200).optional(),
});
const captureBody = z.strictObject({ amount: amount.optional() });
const voidBody = z.strictObject({});
const refundBody = z.strictObject({ amount });
const paymentParams = z.object({ id: z.string() });
const listQuery = z.strictObject({ reference: z.string().max(200).optional() });

const digest = (value: string) => createHash('sha256').update(value).digest();

function newId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('hex')}`;
}

/** Issuers answer an approval with a six-character authorization code. */
function newAuthorizationCode(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';
  return Array.from({ length: 6 }, () => alphabet[randomInt(alphabet.length)]).join('');
}

/** The /v1 API: api key, early faults and processing time, then the payment use cases. */
export function apiRoutes(state: ProcessorState) {
  const expectedKey = digest(state.apiKey);

  const find = (id: string): Payment => {
    const payment = state.ledger.get(id);
    if (!payment) throw new ProcessorError('payment-not-found', `No payment ${id}.`);
    return payment;
  };

  const changePayment = (id: string, change: (payment: Payment) => Payment) => {
    const payment = change(find(id));
    state.ledger.save(payment);
    return payment;
  };

  return (app: FastifyInstance) => {
    app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      state.counter.count(`${request.method} ${request.routeOptions.url}`);
      // The scheme is case-insensitive (RFC 9110). Keys are compared as digests: equal
      // length and constant time, as a real processor would.
      const token = /^bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1] ?? '';
      const presented = digest(token);
      if (!timingSafeEqual(presented, expectedKey)) {
        return sendError(
          reply,
          new ProcessorError('unauthorized', 'Send Authorization: Bearer <api key>.'),
        );
      }
    });

    // Before the body is looked at, like an outage in front of the processor.
    app.addHook('preHandler', async (_request: FastifyRequest, reply: FastifyReply) => {
      const fault = state.faults.earlyFault();
      if (fault === 'error') {
        throw new ProcessorError('processor-unavailable', 'The processor is unavailable.');
      }
      if (fault === 'timeout') {
        reply.hijack();
        await pause(state.faults.settings.hangMs, state.closing);
        // Destroying the response destroys its socket: the client sees the connection drop.
        reply.raw.destroy();
        return reply;
      }
    });

    app.post('/payments', (request, reply) =>
      handleIdempotently(state, request, reply, createPaymentBody, (input) => {
        const card = checkCard(input.card.number);
        if (card.outcome === 'invalid') {
          throw new ProcessorError('invalid-card-number', 'The card number is not valid.');
        }
        if (card.outcome === 'declined') {
          throw new ProcessorError('card-declined', card.message, {
            declineCode: card.declineCode,
          });
        }
        const payment = authorizePayment({
          id: newId('pay'),
          amount: input.amount,
          currency: input.currency,
          cardNumber: input.card.number,
          capture: input.capture,
          reference: input.reference ?? null,
          authorizationCode: newAuthorizationCode(),
          createdAt: state.now().toISOString(),
        });
        state.ledger.save(payment);
        return { status: 201, body: payment };
      }),
    );

    app.post('/payments/:id/capture', (request, reply) => {
      const { id } = parse(paymentParams, request.params, 'params');
      return handleIdempotently(state, request, reply, captureBody, (input) => ({
        status: 200,
        body: changePayment(id, (p) => capturePayment(p, input.amount)),
      }));
    });

    app.post('/payments/:id/void', (request, reply) => {
      const { id } = parse(paymentParams, request.params, 'params');
      return handleIdempotently(state, request, reply, voidBody, () => ({
        status: 200,
        body: changePayment(id, voidPayment),
      }));
    });

    app.post('/payments/:id/refunds', (request, reply) => {
      const { id } = parse(paymentParams, request.params, 'params');
      return handleIdempotently(state, request, reply, refundBody, (input) => {
        const payment = changePayment(id, (p) => refundPayment(p, input.amount));
        return {
          status: 201,
          body: { id: newId('re'), paymentId: id, amount: input.amount, payment },
        };
      });
    });

    app.get('/payments/:id', async (request) => {
      const { id } = parse(paymentParams, request.params, 'params');
      await pause(state.faults.latency(), state.closing);
      return find(id);
    });

    // For reconciliation: after a crash, a client finds what it created by its own reference.
    app.get('/payments', async (request) => {
      const query = parse(listQuery, request.query, 'query');
      await pause(state.faults.latency(), state.closing);
      return { items: state.ledger.list(query) };
    });
  };
}
