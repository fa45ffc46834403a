import { raise, takePaymentInput, type PaymentsApi } from '../contract.ts';
import { openingCommands, recordedRequest, sameTakeRequest, takeRequest } from '../domain/take.ts';
import type { PaymentsDeps } from './ports.ts';
import { authorizeAtProcessor, captureAtProcessor } from './processor-steps.ts';
import { assertStoreAccess, decideAll, fold, principalOf, write, type Loaded } from './stream.ts';
import { declinedError, loadedView } from './views.ts';

/**
 * Takes a payment, as a sequence of short steps that each commit before the
 * next one talks to the processor:
 *
 *   1. transaction: append the opening events. Cash: `authorized` (with the
 *      change) + `captured`, done. Card: `authorization-requested`.
 *   2. no transaction: processor.authorize with capture (a card-present sale),
 *      key `<paymentId>:authorize`.
 *   3. transaction: append `authorized` + `captured` (payments.payment-captured
 *      in the outbox), or `declined` (and raise card-declined).
 *
 * A stream left `authorized` (by an older authorize-only request, or by
 * `reconcile` finding an authorization) is captured as its own step:
 * processor.capture, key `<paymentId>:capture`, then `captured`.
 *
 * A crash or a processor outage between two steps leaves the stream at the
 * last committed step. Calling again with the same input resumes from there,
 * and the processor answers the repeated keys with its first answers, so the
 * card is charged once; `reconcile` does the same without the card number.
 */
export function takePayment(deps: PaymentsDeps): PaymentsApi['takePayment'] {
  return async (ctx, raw) => {
    const input = takePaymentInput.parse(raw);
    assertStoreAccess(ctx, input.storeId);
    const request = takeRequest(input);
    const decision = { actor: principalOf(ctx), refundLimit: 0 };
    // Assumed new (the common case); a stream that exists makes the append conflict and is read.
    let current: Loaded = await write(
      deps,
      ctx,
      input.paymentId,
      ({ state, events }) => {
        const first = events[0];
        if (!first) return decideAll(state, openingCommands(request), decision);
        if (!sameTakeRequest(recordedRequest(first.event), request)) {
          raise('payment-id-reused', 'This payment id was used for a different payment.');
        }
        return [];
      },
      fold(input.paymentId, []),
    );
    // Each pass moves the stream one step on; a card payment needs at most two.
    for (let pass = 0; pass < 4; pass += 1) {
      switch (current.state.stage) {
        case 'requested':
          if (input.tender.kind !== 'card') throw new Error('invariant: cash is never requested');
          // A sale: authorized and captured in one call to the processor.
          current = await authorizeAtProcessor(deps, ctx, current, input.tender.card, {
            capture: true,
          });
          break;
        case 'authorized':
          current = await captureAtProcessor(deps, ctx, current);
          break;
        case 'declined':
          throw declinedError(current);
        case 'capture-failed':
          return raise('payment-capture-failed', current.view?.note ?? 'The capture failed.');
        default:
          // Captured, refunded or voided since: the payment as it stands.
          return loadedView(current);
      }
    }
    throw new Error(`invariant: payment ${input.paymentId} did not settle`);
  };
}
