import { z } from 'zod';
import { defineEvent } from '@stratum/platform';
import { kitchenTicketView, ticketChangeView } from './kitchen.ts';
import { orderStatus } from './orders.ts';

const int = z.number().int();
const fulfilmentType = z.enum(['dine-in', 'takeaway', 'delivery', 'retail']);
const taxAmount = z.object({ rateId: z.string(), bps: int, inclusive: z.boolean(), amount: int });

/**
 * Integration events of ordering. Amounts are integer minor units of the
 * order's currency. A breaking change to a payload is a new version,
 * published beside the old one.
 */
export const orderingEvents = {
  orderPlaced: defineEvent(
    'ordering.order-placed',
    1,
    z.object({
      orderId: z.uuid(),
      storeId: z.uuid(),
      registerId: z.uuid(),
      orderNumber: z.string().nullable(),
      fulfilment: fulfilmentType,
      currency: z.string(),
      openedBy: z.string(),
      openedAt: z.iso.datetime(),
    }),
  ),
  /** A course was fired: one event per station ticket, for kitchen displays and printers. */
  kitchenTicketFired: defineEvent(
    'ordering.kitchen-ticket-fired',
    1,
    z.object({ storeId: z.uuid(), ticket: kitchenTicketView }),
  ),
  /** The kitchen marked a ticket done. */
  kitchenTicketBumped: defineEvent(
    'ordering.kitchen-ticket-bumped',
    1,
    z.object({
      storeId: z.uuid(),
      ticketId: z.uuid(),
      orderId: z.uuid(),
      station: z.string(),
      course: int,
      bumpedAt: z.iso.datetime(),
      bumpedBy: z.string(),
    }),
  ),
  /**
   * A fired ticket still open in the kitchen changed: a line on it was voided
   * or reduced, or its order was voided. `ticket` is the ticket as it stands
   * now (displays replace theirs by `ticketId`); `change` says what changed,
   * for a printer's "VOID" slip.
   */
  kitchenTicketChanged: defineEvent(
    'ordering.kitchen-ticket-changed',
    1,
    z.object({ storeId: z.uuid(), ticket: kitchenTicketView, change: ticketChangeView }),
  ),
  /** What reporting needs of a sale: lines as sold, discounts, taxes per rate, tip, staff. */
  orderPaid: defineEvent(
    'ordering.order-paid',
    1,
    z.object({
      orderId: z.uuid(),
      storeId: z.uuid(),
      registerId: z.uuid(),
      orderNumber: z.string().nullable(),
      fulfilment: fulfilmentType,
      currency: z.string(),
      openedBy: z.string(),
      receiptNumber: int,
      paidAt: z.iso.datetime(),
      /** `tip`: given with the payment on top of the order's total (a card's); 0 if absent. */
      payments: z.array(z.object({ paymentId: z.string(), amount: int, tip: int.default(0) })),
      lines: z.array(
        z.object({
          lineId: z.string(),
          itemId: z.string(),
          variantId: z.string(),
          name: z.string(),
          variantName: z.string(),
          quantity: int,
          gross: int,
          discount: int,
          net: int,
          tax: int,
        }),
      ),
      discountTotal: int,
      serviceCharge: int,
      taxes: z.array(taxAmount),
      taxTotal: int,
      tip: int,
      total: int,
    }),
  ),
  orderVoided: defineEvent(
    'ordering.order-voided',
    1,
    z.object({
      orderId: z.uuid(),
      storeId: z.uuid(),
      registerId: z.uuid(),
      from: orderStatus,
      reason: z.string(),
      /** Who approved it; null for an order nothing was fired or paid for. */
      approvedBy: z.string().nullable(),
      /** The total the order had when it was voided. */
      total: int,
      voidedAt: z.iso.datetime(),
    }),
  ),
  /**
   * Money given back on a paid order, one event per payment it went back to
   * (a refund no single payment could take is shared out over several, each
   * share under its own `refundId`): what the cash drawer of `registerId`
   * must pay out (cash) or total (other tenders).
   */
  orderRefunded: defineEvent(
    'ordering.order-refunded',
    1,
    z.object({
      orderId: z.uuid(),
      storeId: z.uuid(),
      /** The register that gave the money back: the one named by the refund, else the order's. */
      registerId: z.uuid(),
      /** The refund payments made: the order's refund, or its share given back by this payment. */
      refundId: z.uuid(),
      /** The payment refunded; the money goes back to its own tender. */
      paymentId: z.uuid(),
      /** That payment's tender as payments names it: `cash`, `card`. */
      tender: z.string().min(1),
      amount: int,
      currency: z.string(),
      /** Everything refunded on the order so far, this share included. */
      refundedTotal: int,
      reason: z.string(),
      approvedBy: z.string(),
      refundedAt: z.iso.datetime(),
    }),
  ),
  orderClosed: defineEvent(
    'ordering.order-closed',
    1,
    z.object({ orderId: z.uuid(), storeId: z.uuid(), closedAt: z.iso.datetime() }),
  ),
} as const;
