import { paymentErrors, type PaymentEventView, type PaymentView } from '../contract.ts';
import type { PaymentView as Projection } from '../domain/projection.ts';
import type { Loaded } from './stream.ts';
import type { PaymentRecord, StoredEvent } from './ports.ts';

export function toPaymentView(
  id: string,
  view: Projection,
  createdAt: Date,
  updatedAt: Date,
): PaymentView {
  return {
    id,
    orderId: view.orderId,
    storeId: view.storeId,
    status: view.status,
    tender: view.tender,
    currency: view.currency,
    amount: view.amount,
    tip: view.tip,
    authorized: view.authorized,
    captured: view.captured,
    refunded: view.refunded,
    refundable: view.refundable,
    refundCount: view.refundCount,
    cash: view.cash && { given: view.cash.given, change: view.cash.change },
    card: view.tender === 'card' ? { last4: view.last4, processorRef: view.processorRef } : null,
    declineCode: view.declineCode,
    note: view.note,
    reference: view.reference,
    version: view.version,
    createdAt: createdAt.toISOString(),
    updatedAt: updatedAt.toISOString(),
  };
}

export const recordView = (r: PaymentRecord) =>
  toPaymentView(r.id, r.view, r.createdAt, r.updatedAt);

/** The view of a stream that has events. */
export function loadedView(loaded: Loaded): PaymentView {
  if (!loaded.view || !loaded.createdAt || !loaded.updatedAt) {
    throw new Error(`invariant: payment ${loaded.paymentId} has no events`);
  }
  return toPaymentView(loaded.paymentId, loaded.view, loaded.createdAt, loaded.updatedAt);
}

export function toEventView(stored: StoredEvent): PaymentEventView {
  const { type, version, ...data } = stored.event;
  return {
    version,
    type,
    occurredAt: stored.occurredAt.toISOString(),
    actorId: stored.actorId,
    data,
  };
}

/** The decline the stream recorded, raised again for a caller that retries the payment. */
export function declinedError(loaded: Loaded) {
  const declined = loaded.events.find((e) => e.event.type === 'payment.declined')?.event;
  const declineCode = declined?.type === 'payment.declined' ? declined.declineCode : 'unknown';
  const message = declined?.type === 'payment.declined' ? declined.message : 'Declined.';
  return paymentErrors.error('card-declined', message, {
    declineCode,
    paymentId: loaded.paymentId,
  });
}
