import { raise, voidPaymentInput, type PaymentsApi } from '../contract.ts';
import { decide } from '../domain/payment.ts';
import type { PaymentsDeps } from './ports.ts';
import { processorKeys } from './processor-steps.ts';
import { reconcileLoaded } from './reconcile.ts';
import { loadExisting, principalOf, write, type Loaded } from './stream.ts';
import { loadedView } from './views.ts';

/**
 * Releases an uncaptured authorization: at the processor first (key
 * `<paymentId>:void`, outside any transaction), then in the stream with the
 * payments.payment-voided event and an audit entry. A payment whose
 * authorization is still awaiting the processor's answer is reconciled
 * first. Voiding a voided payment returns it as it is.
 */
export function voidPayment(deps: PaymentsDeps): PaymentsApi['voidPayment'] {
  return async (ctx, raw) => {
    const input = voidPaymentInput.parse(raw);
    let current: Loaded = await loadExisting(deps, ctx, input.paymentId);
    if (current.state.stage === 'requested') {
      current = await reconcileLoaded(deps, ctx, current);
      if (current.state.stage === 'requested') {
        raise('payment-pending', 'The processor has not answered yet; try again shortly.');
      }
    }
    if (current.state.stage === 'voided') return loadedView(current);
    const command = { type: 'void', reason: input.reason } as const;
    const decision = { actor: principalOf(ctx), refundLimit: 0 };
    decide(current.state, command, decision);
    const authorization = current.state.authorization;
    if (authorization?.tender === 'card' && authorization.processorRef) {
      await deps.processor.void({
        paymentId: authorization.processorRef,
        idempotencyKey: processorKeys.void(input.paymentId),
      });
    }
    const after = await write(deps, ctx, input.paymentId, ({ state }) =>
      state.stage === 'voided' ? [] : decide(state, command, decision),
    );
    return loadedView(after);
  };
}
