import type { z } from 'zod';
import {
  inboxSubscription,
  type Database,
  type Logger,
  type Subscription,
  type Tx,
  type RelayLink,
} from '@stratum/platform';
import { checkoutEvents, orderingEvents } from '@stratum/ordering/contract';
import { postToDrawer } from '../../application/drawer-postings.ts';
import type { StoreOpsRepository } from '../../application/ports.ts';
import { inbox } from '../postgres/schema.ts';
import { storeOpsRepository } from '../postgres/store.ts';

/**
 * Store-ops' reactions to ordering, each behind the inbox so that a
 * redelivered message changes nothing: a completed checkout (or a split-bill
 * part paid on its own) posts one sale per payment to the register's drawer,
 * a refund of an order one refund.
 * The payment or refund id is the movement's reference, so even the same
 * sale announced again in a new message is posted once. The last posting's
 * write leaves with the commit (`lastly`); a message already handled fails
 * its inbox row, and that commit is answered with a rollback.
 */
export function orderingSubscriptions(
  database: Database,
  wakeRelay: RelayLink,
  logger: Logger,
): Subscription[] {
  const repo = (tx: Tx, tenantId: string): StoreOpsRepository =>
    storeOpsRepository(tx, tenantId, wakeRelay);
  const common = { module: 'store-ops', database, inbox };
  const completed = checkoutEvents.checkoutCompleted;
  const partPaid = checkoutEvents.checkoutPartPaid;
  const refunded = orderingEvents.orderRefunded;
  /** One sale per payment of a checkout, into the drawer of the register that took it. */
  const postSales =
    (source: string) =>
    async (
      tx: Tx,
      payload: z.output<typeof completed.payload> | z.output<typeof partPaid.payload>,
      envelope: { tenantId: string; occurredAt: string },
    ) => {
      const r = repo(tx, envelope.tenantId);
      const { payments } = payload;
      for (const [i, payment] of payments.entries()) {
        const last = i === payments.length - 1;
        await postToDrawer(
          r,
          logger,
          {
            storeId: payload.storeId,
            registerId: payload.registerId,
            kind: 'sale',
            tender: payment.kind,
            // What the tender took in: a card's tip is in the card total (a cash tender has none).
            amountMinor: payment.amount + payment.tip,
            currency: payload.currency,
            reference: payment.paymentId,
            occurredAt: envelope.occurredAt,
            source,
          },
          { last },
        );
      }
    };
  return [
    inboxSubscription({
      ...common,
      name: 'store-ops.on-ordering-checkout-completed',
      event: completed,
      handle: postSales(completed.type),
    }),
    // A split-bill part paid on its own: its cash is in the drawer now, not when the bill is settled.
    inboxSubscription({
      ...common,
      name: 'store-ops.on-ordering-checkout-part-paid',
      event: partPaid,
      handle: postSales(partPaid.type),
    }),
    inboxSubscription({
      ...common,
      name: 'store-ops.on-ordering-order-refunded',
      event: refunded,
      async handle(tx, payload, envelope) {
        await postToDrawer(
          repo(tx, envelope.tenantId),
          logger,
          {
            storeId: payload.storeId,
            registerId: payload.registerId,
            kind: 'refund',
            tender: payload.tender,
            amountMinor: payload.amount,
            currency: payload.currency,
            reference: payload.refundId,
            occurredAt: envelope.occurredAt,
            source: refunded.type,
          },
          { last: true },
        );
      },
    }),
  ];
}
