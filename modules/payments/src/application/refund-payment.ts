import { DomainError, type CallContext } from '@stratum/platform';
import { raise, refundPaymentInput, refundPaymentOptions, type PaymentsApi } from '../contract.ts';
import {
  decide,
  type Authorization,
  type DecideContext,
  type PaymentCommand,
} from '../domain/payment.ts';
import { paysOutCash, type Principal } from '../domain/refund-policy.ts';
import type { PaymentRepository, PaymentsDeps } from './ports.ts';
import { processorKeys } from './processor-steps.ts';
import { assertStoreAccess, fold, principalOf, write, type Loaded } from './stream.ts';
import { loadedView } from './views.ts';
import { refundLimitOf } from './refund-limit.ts';

const rejectedApproval = new Set(['unauthenticated', 'forbidden', 'invalid', 'not-found']);

/**
 * The approving manager, from their access token. Verified before any
 * transaction opens (it may call identity). A token that does not verify, or
 * that belongs to another tenant, is `refund-approval-invalid`; whether its
 * holder may approve is for the refund rules to say.
 */
async function approverOf(deps: PaymentsDeps, ctx: CallContext, token: string): Promise<Principal> {
  let actor;
  try {
    actor = await deps.approvals.verify(ctx, token);
  } catch (error) {
    if (error instanceof DomainError && rejectedApproval.has(error.kind)) {
      raise('refund-approval-invalid', 'The approval is not a valid token of this business.');
    }
    throw error;
  }
  if (actor.kind !== 'user') raise('refund-approval-invalid', 'Only a person can approve.');
  return { id: actor.id, roles: actor.roles, stores: actor.stores };
}

/** The refund recorded under `refundId`, if any. */
function recordedRefund(current: Loaded, refundId: string) {
  for (const { event } of current.events) {
    if (event.type === 'payment.refunded' && event.refundId === refundId) return event;
  }
  return undefined;
}

/**
 * Cash handed back leaves the drawer of the till that took the payment:
 * ordering counts the refund on the order and store-ops posts it to that
 * drawer (ADR 0007), which skips it when no session is open, so the cash
 * would leave unaccounted. Asked of store-ops outside any transaction.
 */
async function requireOpenDrawer(
  deps: PaymentsDeps,
  ctx: CallContext,
  authorization: Authorization,
  toOriginalTender: boolean,
): Promise<void> {
  if (!paysOutCash(authorization.tender, toOriginalTender)) return;
  const { registerId } = authorization;
  if (registerId === undefined) {
    raise(
      'payment-register-unknown',
      'This payment does not say which till took it, so no drawer can pay its cash back: ' +
        'refund it through its order, at a till whose drawer is open.',
    );
  }
  if (!(await deps.drawers.isOpen(ctx, registerId))) {
    raise(
      'drawer-not-open',
      'A cash refund is paid out of the register’s drawer: open the drawer first.',
      { registerId },
    );
  }
}

/**
 * Gives money back. The rules (refundable amount, store limit, approval) are
 * decided on a fresh read first; a refund that pays cash out then needs the
 * drawer of the payment's till open (unless the caller saw to it); a card
 * refund to the original tender then goes to the processor (key
 * `<refundId>:refund`, outside any transaction); the refund is recorded
 * last, decided again on a fresh read, with payments.payment-refunded and an
 * audit entry. Cash refunds, and refunds to another tender, are only
 * recorded: the money leaves the drawer.
 *
 * A crash between the processor's refund and our commit is repaired by the
 * caller's retry with the same `refundId`: the processor replays its refund
 * and the stream records it once. A retry of a recorded refund returns the
 * payment; the same `refundId` with another amount is `refund-already-recorded`.
 */
export function refundPayment(
  deps: PaymentsDeps,
  options: { reversal?: boolean } = {},
): PaymentsApi['refundPayment'] {
  return async (ctx, raw, rawOptions) => {
    const input = refundPaymentInput.parse(raw);
    const { drawerChecked = false } = refundPaymentOptions.parse(rawOptions ?? {});
    const approver = input.approval ? await approverOf(deps, ctx, input.approval.token) : undefined;
    const command: PaymentCommand = {
      type: 'refund',
      refundId: input.refundId,
      amount: input.amount,
      reason: input.reason,
      toOriginalTender: input.toOriginalTender,
    };
    const contextIn = async (repo: PaymentRepository, storeId: string): Promise<DecideContext> => ({
      actor: principalOf(ctx),
      ...(approver && { approver }),
      ...(options.reversal && { reversal: true }),
      refundLimit: await refundLimitOf(deps, repo, storeId),
    });
    const replayOrDecide = async (current: Loaded, repo: PaymentRepository) => {
      const recorded = recordedRefund(current, input.refundId);
      if (recorded) {
        if (recorded.amount === input.amount) return [];
        raise('refund-already-recorded', 'This refund id was used for another amount.', {
          refundId: input.refundId,
        });
      }
      return decide(current.state, command, await contextIn(repo, current.view!.storeId));
    };

    const { before, checked } = await deps.store.inTenant(ctx, async (repo) => {
      const current = fold(input.paymentId, await repo.readStream(input.paymentId));
      if (!current.view) raise('payment-not-found', 'No such payment.');
      assertStoreAccess(ctx, current.view.storeId);
      return { before: current, checked: await replayOrDecide(current, repo) };
    });
    if (checked.length === 0) return loadedView(before);
    const authorization = before.state.authorization;
    if (!authorization) throw new Error('invariant: a refund was decided without an authorization');
    // A reversal gives back a sale that never happened: its cash never reached a drawer.
    if (!options.reversal && !drawerChecked) {
      await requireOpenDrawer(deps, ctx, authorization, input.toOriginalTender);
    }
    if (authorization.tender === 'card' && input.toOriginalTender && authorization.processorRef) {
      await deps.processor.refund({
        paymentId: authorization.processorRef,
        amount: input.amount,
        idempotencyKey: processorKeys.refund(input.refundId),
      });
    }
    return loadedView(await write(deps, ctx, input.paymentId, replayOrDecide));
  };
}
