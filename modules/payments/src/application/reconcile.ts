import type { CallContext } from '@stratum/platform';
import type { PaymentsApi } from '../contract.ts';
import { decide } from '../domain/payment.ts';
import type { PaymentsDeps } from './ports.ts';
import { recordProcessorState } from './processor-steps.ts';
import { loadExisting, principalOf, write, type Loaded } from './stream.ts';
import { loadedView } from './views.ts';

/**
 * Finds out what happened to a card payment whose stream stops at a step the
 * processor may have completed without our commit following (a crash, a
 * timeout, a lost answer), and records it:
 *
 * - `requested`: the processor is asked for payments under our reference (the
 *   payment id). Found: its authorization is recorded, and its capture or void
 *   if it went that far. Not found once `reconcileGraceMs` has passed since the
 *   request: it was never processed (a declined card leaves no payment there
 *   either), and a decline `not-processed` is recorded so the saga can move on.
 *   Within the grace period the request may still be in flight: left pending.
 * - `authorized`: a capture or void the processor shows is recorded.
 *
 * Any other stage is already settled and is returned as it is.
 */
export async function reconcileLoaded(
  deps: PaymentsDeps,
  ctx: CallContext,
  current: Loaded,
): Promise<Loaded> {
  const { state, paymentId } = current;
  const card = state.request?.tender === 'card' || state.authorization?.tender === 'card';
  if (!card || (state.stage !== 'requested' && state.stage !== 'authorized')) return current;
  const found = (await deps.processor.findByReference(paymentId)).filter(
    (p) => p.reference === paymentId,
  );
  const match =
    state.stage === 'authorized'
      ? found.find((p) => p.id === state.authorization?.processorRef)
      : found.at(0);
  if (match) return recordProcessorState(deps, ctx, paymentId, match);
  const requestedAt = current.events[0]?.occurredAt.getTime() ?? 0;
  const waited = deps.clock.now().getTime() - requestedAt;
  if (state.stage !== 'requested' || waited < deps.settings.reconcileGraceMs) return current;
  return write(deps, ctx, paymentId, ({ state: fresh }) =>
    fresh.stage === 'requested'
      ? decide(
          fresh,
          {
            type: 'record-decline',
            declineCode: 'not-processed',
            message: 'The processor has no record of this authorization.',
          },
          { actor: principalOf(ctx), refundLimit: 0 },
        )
      : [],
  );
}

export function reconcile(deps: PaymentsDeps): PaymentsApi['reconcile'] {
  return async (ctx, paymentId) => {
    const current = await loadExisting(deps, ctx, paymentId);
    return loadedView(await reconcileLoaded(deps, ctx, current));
  };
}
