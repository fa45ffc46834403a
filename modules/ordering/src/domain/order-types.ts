import type { Discount, PricingSettings, ServiceCharge } from './pricing.ts';

export const orderStatuses = [
  'open',
  'sent',
  'paid',
  'closed',
  'voided',
  'partially-refunded',
  'refunded',
] as const;
/** open → sent → paid → closed, plus voided and (partially) refunded. */
export type OrderStatus = (typeof orderStatuses)[number];

/** How the order reaches the customer; each kind carries what it cannot do without. */
export type Fulfilment =
  | {
      readonly type: 'dine-in';
      /** A floor-plan table's id, or a label the floor knows the table by. */
      readonly tableId: string;
      /** The floor-plan table's name, when `tableId` is one's id. */
      readonly tableName?: string;
      readonly covers?: number;
    }
  | { readonly type: 'takeaway'; readonly customerName?: string }
  | {
      readonly type: 'delivery';
      readonly recipientName: string;
      readonly address: string;
      readonly phone?: string;
    }
  | { readonly type: 'retail' };
export type OrderType = Fulfilment['type'];

/** A manager's (or owner's) say-so, given at the till. The application checks it is real. */
export interface Approval {
  readonly approvedBy: string;
  readonly role: string;
}

export interface ModifierSnapshot {
  readonly optionId?: string;
  readonly name: string;
  readonly priceDelta: number;
}

export interface TaxRateSnapshot {
  readonly id: string;
  readonly name: string;
  readonly bps: number;
  readonly inclusive: boolean;
}

/** What the catalog said about the item when it was rung up; never looked up again. */
export interface LineSnapshot {
  readonly itemId: string;
  readonly variantId: string;
  readonly name: string;
  readonly variantName: string;
  /** The variant's effective price for one unit, before modifiers. */
  readonly unitPrice: number;
  readonly modifiers: readonly ModifierSnapshot[];
  readonly taxRates: readonly TaxRateSnapshot[];
  readonly kitchenStation: string | null;
}

export interface LineVoid {
  readonly reason: string;
  readonly approval: Approval;
  readonly at: string;
}

export interface OrderLine extends LineSnapshot {
  readonly lineId: string;
  readonly quantity: number;
  /** 1 for starters, 2 for mains, …; a retail line simply stays in course 1. */
  readonly course: number;
  readonly notes: string | null;
  readonly discount: Discount | null;
  readonly firedAt: string | null;
  /**
   * Set when a line the kitchen has already seen is taken off the order. It
   * stays on the order for the kitchen and the audit trail, priced at nothing.
   */
  readonly voided: LineVoid | null;
}

export interface KitchenTicketItem {
  readonly lineId: string;
  readonly name: string;
  readonly variantName: string;
  /** What the kitchen is to make: the fired quantity, or less once it was reduced. */
  readonly quantity: number;
  /** Modifier names as the cook reads them ("Oat milk", "No onions"). */
  readonly modifiers: readonly string[];
  readonly notes: string | null;
  /** Set when the line (or its order) was voided after it was fired. */
  readonly voided?: { readonly reason: string; readonly at: string };
  /** Set when the line's quantity went down after it was fired: `from` is what was fired. */
  readonly reduced?: { readonly from: number; readonly reason: string; readonly at: string };
}

/** One station's share of a fired course: what the grill, the bar, … must make now. */
export interface KitchenTicket {
  readonly orderId: string;
  readonly orderNumber: string | null;
  readonly station: string;
  readonly course: number;
  readonly fulfilment: Fulfilment;
  readonly firedAt: string;
  readonly items: readonly KitchenTicketItem[];
}

export interface PaymentRef {
  readonly paymentId: string;
  readonly amount: number;
  /** A tip given with the payment (a card's), on top of `amount`. */
  readonly tip?: number;
}

/** A payment of one part of a split bill, with what the order's receipt prints for it. */
export interface PartPaymentRef extends PaymentRef {
  /** How the receipt names the tender: "Cash", "Card •••• 4242". */
  readonly label?: string;
  /** Cash handed over, when more than `amount`. */
  readonly tendered?: number;
}

/** One part of a split bill, paid on its own before the rest of the bill. */
export interface PaidPart {
  readonly partId: string;
  /** What the part paid of the order's total (tips excluded). */
  readonly amount: number;
  readonly payments: readonly PartPaymentRef[];
  readonly at: string;
}

/** Units of one line given back by a refund. */
export interface RefundLine {
  readonly lineId: string;
  readonly quantity: number;
}

/**
 * The part of a refund one payment gives back. A refund goes back to one
 * payment when one can take it; when none can (a split tender), it is shared
 * out, each portion a refund of its own at payments (`refundId`: the first
 * portion's is the refund's own id).
 */
export interface RefundPortion {
  readonly paymentId: string;
  /** The payment's tender as payments names it: `cash`, `card`. */
  readonly tender: string;
  readonly refundId: string;
  readonly amount: number;
}

export interface RefundRecord {
  readonly refundId: string;
  readonly amount: number;
  /** Where the money went, when the order planned it (absent on older refunds). */
  readonly portions?: readonly RefundPortion[];
  /** The units given back: a line's units are refunded once at most. */
  readonly lines: readonly RefundLine[];
  readonly reason: string;
  readonly approval: Approval;
  readonly at: string;
}

/**
 * A refund whose money is being given back by payments: its units are
 * spoken for, so no other refund can give them back meanwhile. One at a time.
 */
export interface PendingRefund {
  readonly refundId: string;
  readonly lines: readonly RefundLine[];
  readonly amount: number;
  readonly reason: string;
  readonly approval: Approval;
  /** The register whose drawer a cash refund leaves, when one was named. */
  readonly registerId?: string;
  /** Where the money goes, payment by payment (absent on refunds begun by older code). */
  readonly portions?: readonly RefundPortion[];
  readonly at: string;
  /** Past this instant (ISO), a refund that never came back may be settled by another. */
  readonly until: string;
}

export interface Order {
  readonly orderId: string;
  readonly storeId: string;
  readonly orderNumber: string | null;
  readonly fulfilment: Fulfilment;
  readonly status: OrderStatus;
  /** ISO 4217; every amount on the order is in its minor unit. */
  readonly currency: string;
  /** The store's pricing settings when the order was placed; later changes do not reprice it. */
  readonly settings: PricingSettings;
  readonly openedBy: string;
  readonly openedAt: string;
  readonly lines: readonly OrderLine[];
  readonly orderDiscount: Discount | null;
  readonly serviceCharge: ServiceCharge | null;
  readonly tip: number;
  /** Every payment, the parts' paid first (in order) included. */
  readonly payments: readonly PaymentRef[];
  /**
   * What was paid of the total: while open or sent, the split parts paid so
   * far (the order is partly paid); once paid, the priced total.
   */
  readonly paidAmount: number;
  /** Split-bill parts paid so far, in order; absent on orders stored before parts were paid alone. */
  readonly paidParts?: readonly PaidPart[];
  readonly paidAt: string | null;
  readonly closedAt: string | null;
  readonly voided: {
    readonly reason: string;
    readonly approval: Approval | null;
    readonly at: string;
  } | null;
  readonly refunds: readonly RefundRecord[];
  readonly refundedAmount: number;
  /** Absent or null when no refund's money is on its way back. */
  readonly pendingRefund?: PendingRefund | null;
  /**
   * The checkout paying the order now, if any: until it pays the order (or
   * the part) or is undone, the bill cannot change under it.
   */
  readonly checkout?: { readonly checkoutId: string; readonly since: string } | null;
}

export type NewLine = LineSnapshot & {
  readonly lineId: string;
  readonly quantity: number;
  readonly course?: number;
  readonly notes?: string | null;
  readonly discount?: Discount | null;
};

export type OrderCommand =
  | {
      readonly type: 'place-order';
      readonly orderId: string;
      readonly storeId: string;
      readonly orderNumber?: string | null;
      readonly fulfilment: Fulfilment;
      readonly currency: string;
      readonly settings: PricingSettings;
      readonly openedBy: string;
    }
  | { readonly type: 'add-line'; readonly line: NewLine }
  | {
      readonly type: 'change-quantity';
      readonly lineId: string;
      readonly quantity: number;
      readonly reason?: string;
      readonly approval?: Approval;
    }
  | {
      readonly type: 'remove-line';
      readonly lineId: string;
      readonly reason?: string;
      readonly approval?: Approval;
    }
  | {
      readonly type: 'set-line-discount';
      readonly lineId: string;
      readonly discount: Discount | null;
    }
  | { readonly type: 'set-order-discount'; readonly discount: Discount | null }
  | { readonly type: 'set-service-charge'; readonly serviceCharge: ServiceCharge | null }
  | { readonly type: 'set-tip'; readonly amount: number }
  | { readonly type: 'fire-course'; readonly course: number }
  /** Every payment of the order, the parts' already on it first; they add up to its total. */
  | { readonly type: 'pay'; readonly payments: readonly PaymentRef[] }
  /** One part of a split bill; the rest of the bill is still owed. */
  | {
      readonly type: 'pay-part';
      readonly partId: string;
      readonly amount: number;
      readonly payments: readonly PartPaymentRef[];
    }
  | { readonly type: 'close' }
  | {
      readonly type: 'void';
      readonly reason: string;
      readonly approval?: Approval;
      /** Required for a paid order: payments has voided every payment of it. */
      readonly paymentsVoided?: boolean;
    }
  /** A checkout starts paying the order (see `Order.checkout`); the same checkout again is a no-op. */
  | { readonly type: 'hold-for-checkout'; readonly checkoutId: string }
  /** The checkout was undone: the order is free to change again. */
  | { readonly type: 'release-checkout'; readonly checkoutId: string }
  /** Speaks for a refund's units before its money moves (see `PendingRefund`). */
  | {
      readonly type: 'begin-refund';
      readonly refundId: string;
      readonly lines: readonly RefundLine[];
      readonly amount: number;
      readonly reason: string;
      readonly approval?: Approval;
      readonly registerId?: string;
      readonly portions?: readonly RefundPortion[];
      readonly until: string;
    }
  /** The refund's money did not move: its units are free again. */
  | { readonly type: 'cancel-refund'; readonly refundId: string }
  /**
   * Money given back by payments outside the order's own refunds (an amount,
   * no units): the order counts it, whatever it comes to, since it moved.
   */
  | {
      readonly type: 'record-payment-refund';
      readonly refundId: string;
      readonly amount: number;
      readonly reason: string;
      /** Who approved it at payments, if anyone did (under its limit nobody needs to). */
      readonly approvedBy: string | null;
    }
  | {
      readonly type: 'refund';
      readonly refundId: string;
      /** The units given back, and what they come to (`refundAmount`). */
      readonly lines: readonly RefundLine[];
      readonly amount: number;
      readonly reason: string;
      readonly approval?: Approval;
    };
