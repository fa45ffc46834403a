import { DomainError, type CallContext } from '@stratum/platform';
import { raise } from '../contract.ts';
import { decide, type Authorization, type PaymentCommand } from '../domain/payment.ts';
import type { PaymentsDeps, ProcessorPayment } from './ports.ts';
import { decideAll, principalOf, write, type Loaded } from './stream.ts';
import { declinedError } from './views.ts';

/** Processor idempotency keys, derived from our ids so that every retry sends the same one. */
export const processorKeys = {
  authorize: (paymentId: string) => `${paymentId}:authorize`,
  capture: (paymentId: string) => `${paymentId}:capture`,
  void: (paymentId: string) => `${paymentId}:void`,
  refund: (refundId: string) => `${refundId}:refund`,
};

/**
 * A refusal that says the processor did NOT do what was asked (a 4xx answer
 * it gave after looking at the request). Anything else — a timeout, a 5xx, a
 * circuit open, a key still in flight or reused under another body — leaves
 * the outcome unknown, and nothing may be recorded as failed on its strength.
 */
export function isDefiniteRefusal(error: unknown): error is DomainError {
  return (
    error instanceof DomainError &&
    error.kind !== 'unavailable' &&
    error.code !== 'idempotency-key-in-flight' &&
    error.code !== 'idempotency-key-reused'
  );
}

const processorCodeOf = (error: DomainError) =>
  typeof error.details?.['processorCode'] === 'string'
    ? error.details['processorCode']
    : error.code;

/**
 * Asks the processor to authorize the requested amount and, for a sale
 * (`capture`), to capture it in the same call, and records its answer: the
 * authorization, and the capture if it was one, in one write. The request is
 * already in the stream, so a crash before the answer is recorded is found by
 * `reconcile` (which records whatever the processor shows), and a retry sends
 * the same idempotency key: the processor answers it with the first answer
 * instead of charging again.
 */
export async function authorizeAtProcessor(
  deps: PaymentsDeps,
  ctx: CallContext,
  current: Loaded,
  card: { number: string },
  options: { capture: boolean } = { capture: false },
): Promise<Loaded> {
  const request = current.state.request;
  if (!request) throw new Error('invariant: no authorization request to send');
  const decision = { actor: principalOf(ctx), refundLimit: 0 };
  const record = (command: PaymentCommand) =>
    write(
      deps,
      ctx,
      current.paymentId,
      ({ state }) =>
        // Someone else recorded the answer meanwhile: the stream already says it.
        state.stage === 'requested' ? decide(state, command, decision) : [],
      current,
    );
  let result;
  try {
    result = await deps.processor.authorize({
      amount: request.amount,
      currency: request.currency,
      card,
      capture: options.capture,
      reference: current.paymentId,
      idempotencyKey: processorKeys.authorize(current.paymentId),
    });
  } catch (error) {
    if (!isDefiniteRefusal(error)) throw error;
    await record({
      type: 'record-decline',
      declineCode: processorCodeOf(error),
      message: error.message,
    });
    throw error;
  }
  if (result.outcome === 'declined') {
    const { declineCode, message } = result;
    const after = await record({ type: 'record-decline', declineCode, message });
    if (after.state.stage === 'declined') throw declinedError(after);
    return after;
  }
  if (options.capture)
    return recordProcessorState(deps, ctx, current.paymentId, result.payment, current);
  return record({
    type: 'record-authorization',
    processorRef: result.payment.id,
    last4: result.payment.last4,
  });
}

/** What to record for an authorization the processor shows as captured for `capturedAmount`. */
function captureOf(authorization: Authorization, capturedAmount: number): PaymentCommand {
  const tip = Math.max(0, Math.min(authorization.tip ?? 0, capturedAmount - 1));
  return { type: 'capture', amount: capturedAmount - tip, ...(tip > 0 && { tip }) };
}

/**
 * Captures the whole authorization (tip included) at the processor and
 * records it. A definite refusal is recorded as a failed capture (the
 * authorization is then voided by whoever owns the sale); an unknown outcome
 * leaves the payment authorized, for a retry or `reconcile`.
 */
export async function captureAtProcessor(
  deps: PaymentsDeps,
  ctx: CallContext,
  current: Loaded,
): Promise<Loaded> {
  const authorization = current.state.authorization;
  if (!authorization) throw new Error('invariant: nothing authorized to capture');
  const decision = { actor: principalOf(ctx), refundLimit: 0 };
  const capture = captureOf(authorization, authorization.amount);
  const record = (command: PaymentCommand) =>
    write(
      deps,
      ctx,
      current.paymentId,
      ({ state }) => (state.stage === 'authorized' ? decide(state, command, decision) : []),
      current,
    );
  if (authorization.tender === 'card' && authorization.processorRef) {
    try {
      await deps.processor.capture({
        paymentId: authorization.processorRef,
        amount: authorization.amount,
        idempotencyKey: processorKeys.capture(current.paymentId),
      });
    } catch (error) {
      if (!isDefiniteRefusal(error)) throw error;
      // Captured by an earlier attempt whose answer was lost under another key: it is captured.
      if (error.code !== 'payment-already-captured') {
        await record({ type: 'record-capture-failure', reason: error.message });
        raise('payment-capture-failed', 'The processor refused to capture the payment.', {
          processorCode: processorCodeOf(error),
        });
      }
    }
  }
  return record(capture);
}

/**
 * Records what the processor shows for a payment whose outcome the stream
 * lacks: the authorization (if still only requested), then its capture or
 * void. Refunds made at the processor outside payments are not imported.
 */
export function recordProcessorState(
  deps: PaymentsDeps,
  ctx: CallContext,
  paymentId: string,
  found: ProcessorPayment,
  /** The stream as the caller last wrote it, if it holds it (see `write`). */
  known?: Loaded,
): Promise<Loaded> {
  const decision = { actor: principalOf(ctx), refundLimit: 0 };
  return write(
    deps,
    ctx,
    paymentId,
    ({ state }) => {
      const commands: PaymentCommand[] = [];
      let authorization = state.authorization;
      if (state.stage === 'requested' && state.request) {
        commands.push({ type: 'record-authorization', processorRef: found.id, last4: found.last4 });
        authorization = { ...state.request, processorRef: found.id, last4: found.last4 };
      } else if (state.stage !== 'authorized' || authorization?.processorRef !== found.id) {
        return [];
      }
      if (found.status === 'voided') {
        commands.push({ type: 'void', reason: 'Voided at the processor.' });
      } else if (found.status !== 'authorized' && authorization) {
        commands.push(captureOf(authorization, found.capturedAmount));
      }
      return decideAll(state, commands, decision);
    },
    known,
  );
}
