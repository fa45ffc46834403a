import { together, type CallContext } from '@stratum/platform';
import { paymentsEvents } from '../contract.ts';
import type { PaymentEvent } from '../domain/payment.ts';
import type { PaymentView as Projection } from '../domain/projection.ts';
import type { PaymentRepository } from './ports.ts';

const auditState = (view: Projection | null) =>
  view && { status: view.status, captured: view.captured, refunded: view.refunded };

/**
 * What one appended event tells the rest of the system, in the transaction
 * that appends it: integration events to the outbox, and audit entries for
 * the operations that move money back (refunds) or cancel a payment (voids).
 * Requests, authorizations and failed captures stay inside payments.
 *
 * Its statements are among the last of the append's transaction, whose commit
 * may leave with them (`lastly`): they are started together, never one after
 * another's answer.
 */
export async function announce(
  repo: PaymentRepository,
  ctx: CallContext,
  change: {
    paymentId: string;
    event: PaymentEvent;
    before: Projection | null;
    after: Projection;
    /** The till that took the payment, if it was recorded. */
    registerId: string | null;
  },
): Promise<void> {
  const { paymentId, event, before, after } = change;
  const common = {
    tenantId: ctx.tenantId,
    paymentId,
    orderId: after.orderId,
    storeId: after.storeId,
    tender: after.tender,
    currency: after.currency,
  };
  switch (event.type) {
    case 'payment.captured':
      await repo.emit(paymentsEvents.paymentCaptured, {
        ...common,
        amount: event.amount,
        tip: event.tip ?? 0,
        captured: after.captured,
        change: after.cash?.change ?? null,
      });
      return;
    case 'payment.declined':
      await repo.emit(paymentsEvents.paymentDeclined, {
        ...common,
        amount: after.amount + after.tip,
        declineCode: event.declineCode,
      });
      return;
    case 'payment.refunded':
      await together([
        repo.emit(paymentsEvents.paymentRefunded, {
          ...common,
          refundId: event.refundId,
          amount: event.amount,
          refundedTotal: after.refunded,
          refundable: after.refundable,
          toOriginalTender: event.toOriginalTender,
          approvedBy: event.approvedBy ?? null,
          reason: event.reason,
          registerId: change.registerId,
        }),
        repo.audit({
          action: 'payment.refunded',
          entityType: 'payment',
          entityId: paymentId,
          before: auditState(before),
          after: {
            ...auditState(after),
            refundId: event.refundId,
            amount: event.amount,
            toOriginalTender: event.toOriginalTender,
            approvedBy: event.approvedBy ?? null,
          },
          reason: event.reason,
        }),
      ]);
      return;
    case 'payment.voided':
      await together([
        repo.emit(paymentsEvents.paymentVoided, {
          ...common,
          amount: after.authorized,
          reason: event.reason,
        }),
        repo.audit({
          action: 'payment.voided',
          entityType: 'payment',
          entityId: paymentId,
          before: auditState(before),
          after: auditState(after),
          reason: event.reason,
        }),
      ]);
      return;
    default:
      return;
  }
}
