import type { Discount, PricingSettings, ServiceCharge } from './pricing.ts';
import type {
  Approval,
  Fulfilment,
  KitchenTicket,
  OrderLine,
  OrderStatus,
  PartPaymentRef,
  PaymentRef,
  PendingRefund,
  RefundLine,
  RefundPortion,
} from './order-types.ts';

/** Every event names its order and the instant it happened (an ISO string passed in). */
type Stamped<T> = T & { readonly orderId: string; readonly at: string };

export type OrderPlaced = Stamped<{
  readonly type: 'OrderPlaced';
  readonly storeId: string;
  readonly orderNumber: string | null;
  readonly fulfilment: Fulfilment;
  readonly currency: string;
  readonly settings: PricingSettings;
  readonly openedBy: string;
}>;
export type LineAdded = Stamped<{ readonly type: 'LineAdded'; readonly line: OrderLine }>;
export type LineQuantityChanged = Stamped<{
  readonly type: 'LineQuantityChanged';
  readonly lineId: string;
  readonly from: number;
  readonly to: number;
  /** Only when the line had been fired: the reason and who allowed it. */
  readonly reason: string | null;
  readonly approval: Approval | null;
}>;
/** A fired line stays on the order, voided, with why and who allowed it; an unfired one is gone. */
export type LineRemoved = Stamped<
  { readonly type: 'LineRemoved'; readonly lineId: string } & (
    | { readonly fired: true; readonly reason: string; readonly approval: Approval }
    | { readonly fired: false; readonly reason: null; readonly approval: null }
  )
>;
export type LineDiscountSet = Stamped<{
  readonly type: 'LineDiscountSet';
  readonly lineId: string;
  readonly discount: Discount | null;
}>;
export type OrderDiscountSet = Stamped<{
  readonly type: 'OrderDiscountSet';
  readonly discount: Discount | null;
}>;
export type ServiceChargeSet = Stamped<{
  readonly type: 'ServiceChargeSet';
  readonly serviceCharge: ServiceCharge | null;
}>;
export type TipSet = Stamped<{ readonly type: 'TipSet'; readonly amount: number }>;
export type CourseFired = Stamped<{
  readonly type: 'CourseFired';
  readonly course: number;
  readonly lineIds: readonly string[];
  readonly tickets: readonly KitchenTicket[];
}>;
export type OrderPaid = Stamped<{
  readonly type: 'OrderPaid';
  readonly payments: readonly PaymentRef[];
  readonly amount: number;
}>;
/** One part of a split bill paid; the order stays open until the rest is. */
export type OrderPartPaid = Stamped<{
  readonly type: 'OrderPartPaid';
  readonly partId: string;
  readonly amount: number;
  readonly payments: readonly PartPaymentRef[];
}>;
export type OrderClosed = Stamped<{ readonly type: 'OrderClosed' }>;
export type OrderVoided = Stamped<{
  readonly type: 'OrderVoided';
  readonly from: OrderStatus;
  readonly reason: string;
  readonly approval: Approval | null;
}>;
export type OrderRefunded = Stamped<{
  readonly type: 'OrderRefunded';
  readonly refundId: string;
  /** Absent on refunds recorded before units were kept per line. */
  readonly lines?: readonly RefundLine[];
  readonly amount: number;
  /** The payments it went back to, when the order planned them. */
  readonly portions?: readonly RefundPortion[];
  readonly refundedTotal: number;
  readonly reason: string;
  readonly approval: Approval;
}>;

export type RefundBegun = Stamped<{
  readonly type: 'RefundBegun';
  readonly refund: Omit<PendingRefund, 'at'>;
}>;
export type RefundCancelled = Stamped<{
  readonly type: 'RefundCancelled';
  readonly refundId: string;
}>;

/** A checkout started paying the order: the bill is held as it is until the checkout ends. */
export type CheckoutHeld = Stamped<{ readonly type: 'CheckoutHeld'; readonly checkoutId: string }>;
/** The checkout ended without paying (it was undone): the bill may change again. */
export type CheckoutReleased = Stamped<{
  readonly type: 'CheckoutReleased';
  readonly checkoutId: string;
}>;

export type OrderEvent =
  | OrderPlaced
  | LineAdded
  | LineQuantityChanged
  | LineRemoved
  | LineDiscountSet
  | OrderDiscountSet
  | ServiceChargeSet
  | TipSet
  | CourseFired
  | OrderPaid
  | OrderPartPaid
  | OrderClosed
  | OrderVoided
  | RefundBegun
  | RefundCancelled
  | OrderRefunded
  | CheckoutHeld
  | CheckoutReleased;
