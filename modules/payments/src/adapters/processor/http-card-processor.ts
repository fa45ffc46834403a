import { z } from 'zod';
import {
  DomainError,
  createCallPolicy,
  isTransientFailure,
  tracedRequest,
  type CallPolicy,
  type CallPolicyOptions,
} from '@stratum/platform';
import { paymentErrors, type PaymentErrorCode } from '../../contract.ts';
import type {
  AuthorizeResult,
  CardProcessor,
  ProcessorPayment,
  ProcessorRefund,
} from '../../application/ports.ts';

export interface HttpCardProcessorOptions {
  /** e.g. `http://127.0.0.1:4010` */
  baseUrl: string;
  apiKey: string;
  /** Names the dependency in errors and events; defaults to `card-processor`. */
  name?: string;
  /** Timeouts, retries, breaker and bulkhead of every call. */
  policy?: CallPolicyOptions;
}

/** A 5xx or an unreadable answer: the request may or may not have been processed. */
export class ProcessorUnavailableError extends Error {
  readonly status: number;
  readonly processorCode: string | undefined;
  constructor(status: number, processorCode: string | undefined) {
    super(`The card processor answered ${status}${processorCode ? ` ${processorCode}` : ''}.`);
    this.name = 'ProcessorUnavailableError';
    this.status = status;
    this.processorCode = processorCode;
  }
}

const payment = z
  .object({
    id: z.string(),
    status: z.enum(['authorized', 'captured', 'partially_refunded', 'refunded', 'voided']),
    amount: z.number().int(),
    currency: z.string(),
    capturedAmount: z.number().int(),
    refundedAmount: z.number().int(),
    authorizationCode: z.string(),
    last4: z.string(),
    reference: z.string().nullable(),
    createdAt: z.string(),
  })
  .transform((p): ProcessorPayment => ({
    ...p,
    status: p.status === 'partially_refunded' ? 'partially-refunded' : p.status,
  }));
const refund = z.object({
  id: z.string(),
  paymentId: z.string(),
  amount: z.number().int(),
  payment,
});
const paymentList = z.object({ items: z.array(payment) });
const errorBody = z.looseObject({ code: z.string(), message: z.string().optional() });
const decline = z.object({ declineCode: z.string(), message: z.string() });

/** The processor's refusals that mean the same as one of ours keep our code. */
const sameMeaning: Record<string, PaymentErrorCode> = {
  'payment-not-found': 'payment-not-found',
  'payment-voided': 'payment-voided',
  'already-captured': 'payment-already-captured',
  'not-refundable': 'payment-not-captured',
  'refund-exceeds-captured': 'refund-exceeds-captured',
  'capture-exceeds-authorized': 'capture-exceeds-authorized',
  'invalid-card-number': 'card-number-invalid',
  'idempotency-key-reused': 'idempotency-key-reused',
  'idempotency-key-in-flight': 'idempotency-key-in-flight',
};

function refusal(status: number, body: unknown): Error {
  const parsed = errorBody.safeParse(body);
  const code = parsed.success ? parsed.data.code : undefined;
  if (status >= 500 || !code) return new ProcessorUnavailableError(status, code);
  const details = { processorCode: code, processorStatus: status };
  const message = parsed.success ? parsed.data.message : undefined;
  const ours = sameMeaning[code];
  if (ours) return paymentErrors.error(ours, message, details);
  if (status === 401) return paymentErrors.error('processor-unauthorized', message, details);
  if (status === 409) return paymentErrors.error('processor-conflict', message, details);
  return paymentErrors.error('processor-rejected', message, details);
}

/**
 * Retry what may succeed next time: 5xx, timeouts, network failures, and a
 * request still in flight at the processor (an earlier attempt of this very
 * call that timed out on our side). Never a refusal: it would only repeat.
 */
function isTransient(error: unknown): boolean {
  if (error instanceof DomainError) return error.code === 'idempotency-key-in-flight';
  return isTransientFailure(error);
}

/**
 * The CardProcessor port over HTTP, against the sandbox processor's API (and
 * any processor that speaks it). Every call runs under one shared call policy.
 * All calls are retried: the money-moving ones always send an Idempotency-Key,
 * and a retry sends the SAME key, so the processor replays rather than repeats.
 */
export function httpCardProcessor(
  options: HttpCardProcessorOptions,
): CardProcessor & { readonly policy: CallPolicy } {
  const policy = createCallPolicy(options.name ?? 'card-processor', {
    ...options.policy,
    isTransient,
  });

  const peer = { 'peer.service': policy.name };
  /**
   * One call under the policy; each attempt is its own CLIENT span (named
   * after the `route` template, never the ids in `path`) whose context the
   * processor continues.
   */
  const call = <T>(
    method: 'GET' | 'POST',
    route: string,
    path: string,
    request: { body?: object; idempotencyKey?: string },
    read: (status: number, body: unknown) => T,
  ): Promise<T> =>
    policy.execute(
      async (signal) => {
        const url = new URL(path, options.baseUrl);
        const response = await tracedRequest(
          url,
          {
            method,
            signal,
            headers: {
              accept: 'application/json',
              authorization: `Bearer ${options.apiKey}`,
              ...(request.body && { 'content-type': 'application/json' }),
              ...(request.idempotencyKey && { 'idempotency-key': request.idempotencyKey }),
            },
            ...(request.body && { body: JSON.stringify(request.body) }),
          },
          { route, attributes: peer },
        );
        let body: unknown;
        try {
          body = response.text ? response.json() : undefined;
        } catch {
          throw new ProcessorUnavailableError(response.status, undefined);
        }
        return read(response.status, body);
      },
      { idempotent: true },
    );

  const answerAs =
    <T>(schema: z.ZodType<T>) =>
    (status: number, body: unknown): T => {
      if (status >= 300) throw refusal(status, body);
      return schema.parse(body);
    };
  const segment = encodeURIComponent;

  return {
    policy,
    authorize({ idempotencyKey, ...body }) {
      // A decline is the processor's answer, stored under the key like an approval.
      const read = (status: number, answer: unknown): AuthorizeResult =>
        status === 402
          ? { outcome: 'declined', ...decline.parse(answer) }
          : { outcome: 'approved', payment: answerAs(payment)(status, answer) };
      return call('POST', '/v1/payments', '/v1/payments', { body, idempotencyKey }, read);
    },
    capture({ paymentId, amount, idempotencyKey }) {
      const path = `/v1/payments/${segment(paymentId)}/capture`;
      const route = '/v1/payments/{id}/capture';
      return call('POST', route, path, { body: { amount }, idempotencyKey }, answerAs(payment));
    },
    void({ paymentId, idempotencyKey }) {
      const path = `/v1/payments/${segment(paymentId)}/void`;
      const route = '/v1/payments/{id}/void';
      return call('POST', route, path, { body: {}, idempotencyKey }, answerAs(payment));
    },
    refund({ paymentId, amount, idempotencyKey }): Promise<ProcessorRefund> {
      const path = `/v1/payments/${segment(paymentId)}/refunds`;
      const route = '/v1/payments/{id}/refunds';
      return call('POST', route, path, { body: { amount }, idempotencyKey }, answerAs(refund));
    },
    async findByReference(reference) {
      const path = `/v1/payments?reference=${segment(reference)}`;
      return (await call('GET', '/v1/payments', path, {}, answerAs(paymentList))).items;
    },
  };
}
