import {
  inboxSubscription,
  type Actor,
  type Database,
  type Logger,
  type RelayLink,
  type Subscription,
} from '@stratum/platform';
import { paymentsEvents } from '@stratum/payments/contract';
import { recordPaymentRefundIn } from '../../application/refund-order.ts';
import type { OrderingDeps } from '../../application/ports.ts';
import { inbox } from '../postgres/schema.ts';
import { orderingRepository } from '../postgres/store.ts';

/** Who the order's event log names for refunds learnt from payments. */
const paymentsFollower: Actor = {
  kind: 'system',
  id: 'ordering.payment-refunds',
  roles: [],
  permissions: [],
  stores: ['*'],
};

/**
 * Ordering follows payments' refunds behind its inbox, so that money given
 * back through payments' own refund route is counted on the order it paid
 * (its `refundedAmount`) and reaches the drawer like any refund of the order.
 */
export function paymentsSubscriptions(
  database: Database,
  wakeRelay: RelayLink,
  deps: Pick<OrderingDeps, 'clock'>,
  logger: Logger,
): Subscription[] {
  const refunded = paymentsEvents.paymentRefunded;
  return [
    inboxSubscription({
      module: 'ordering',
      database,
      inbox,
      name: 'ordering.on-payments-payment-refunded',
      event: refunded,
      async handle(tx, payload, envelope) {
        const ctx = { tenantId: envelope.tenantId, actor: paymentsFollower };
        const repo = orderingRepository(tx, envelope.tenantId, wakeRelay);
        const outcome = await recordPaymentRefundIn(deps, repo, ctx, payload);
        if (outcome === 'recorded') {
          logger.info(
            { orderId: payload.orderId, refundId: payload.refundId, amount: payload.amount },
            'a refund made through payments was counted on its order',
          );
        }
      },
    }),
  ];
}
