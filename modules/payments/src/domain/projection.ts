import type { PaymentEvent, Tender } from './payment.ts';

export type PaymentStatus =
  | 'pending'
  | 'declined'
  | 'authorized'
  | 'capture-failed'
  | 'captured'
  | 'partially-refunded'
  | 'refunded'
  | 'voided';

/** The read model's row for one payment: what a receipt, a refund screen or a report needs. */
export interface PaymentView {
  readonly version: number;
  readonly status: PaymentStatus;
  readonly tender: Tender;
  readonly currency: string;
  readonly orderId: string;
  readonly storeId: string;
  readonly processorRef: string | null;
  readonly last4: string | null;
  /** The caller's own reference for the payment. */
  readonly reference: string | null;
  /** Cash handed over and change given back; null for cards. */
  readonly cash: { readonly given: number; readonly change: number } | null;
  /** The processor's reason for a decline. */
  readonly declineCode: string | null;
  /** All amounts in minor units of `currency`. The sale's own amount, tip excluded. */
  readonly amount: number;
  readonly authorized: number;
  /** Tip included. */
  readonly captured: number;
  readonly tip: number;
  readonly refunded: number;
  readonly refundable: number;
  readonly refundCount: number;
  /** Why it was voided or declined, or why the last capture failed. */
  readonly note: string | null;
}

/** Status follows from the amounts once captured: nothing, some or all refunded. */
export function capturedStatus(captured: number, refunded: number): PaymentStatus {
  if (refunded === 0) return 'captured';
  return refunded < captured ? 'partially-refunded' : 'refunded';
}

type Opening = Extract<
  PaymentEvent,
  { type: 'payment.authorization-requested' | 'payment.authorized' }
>;

/** The view after a request or an authorization: the first event, or an approval after a request. */
function started(view: PaymentView | null, event: Opening): PaymentView {
  const tip = event.tip ?? 0;
  const authorized = event.type === 'payment.authorized';
  if (view && !(authorized && view.status === 'pending')) {
    throw new Error(`invariant: ${event.type} cannot follow ${view.status}`);
  }
  return {
    version: event.version,
    status: authorized ? 'authorized' : 'pending',
    tender: event.tender,
    currency: event.currency,
    orderId: event.orderId,
    storeId: event.storeId,
    processorRef: (authorized && event.processorRef) || null,
    last4: event.last4 ?? null,
    reference: event.reference ?? null,
    cash: (authorized && event.cash) || null,
    declineCode: null,
    amount: event.amount - tip,
    authorized: authorized ? event.amount : 0,
    captured: 0,
    tip,
    refunded: 0,
    refundable: 0,
    refundCount: 0,
    note: null,
  };
}

/**
 * Applies one event to the view (null before the first). The read model calls
 * it for each event it receives, in order; a gap or a repeat is refused so a
 * lost or duplicated delivery cannot skew the totals unnoticed.
 */
export function projectEvent(view: PaymentView | null, event: PaymentEvent): PaymentView {
  const expected = (view?.version ?? 0) + 1;
  if (event.version !== expected) {
    throw new Error(`invariant: expected version ${expected}, got ${event.version}`);
  }
  if (event.type === 'payment.authorization-requested' || event.type === 'payment.authorized') {
    return started(view, event);
  }
  if (!view) throw new Error(`invariant: ${event.type} before payment.authorized`);
  const version = event.version;
  switch (event.type) {
    case 'payment.captured': {
      const captured = event.amount + (event.tip ?? 0);
      return {
        ...view,
        version,
        status: 'captured',
        amount: event.amount,
        captured,
        tip: event.tip ?? 0,
        refundable: captured,
        note: null,
      };
    }
    case 'payment.declined':
      return {
        ...view,
        version,
        status: 'declined',
        declineCode: event.declineCode,
        note: event.message,
      };
    case 'payment.capture-failed':
      return { ...view, version, status: 'capture-failed', note: event.reason };
    case 'payment.refunded': {
      const refunded = view.refunded + event.amount;
      return {
        ...view,
        version,
        status: capturedStatus(view.captured, refunded),
        refunded,
        refundable: view.captured - refunded,
        refundCount: view.refundCount + 1,
      };
    }
    case 'payment.voided':
      return { ...view, version, status: 'voided', note: event.reason };
  }
}

/** The current view of a payment from its whole stream; null for an empty stream. */
export function projectPayment(events: readonly PaymentEvent[]): PaymentView | null {
  return events.reduce<PaymentView | null>(projectEvent, null);
}
