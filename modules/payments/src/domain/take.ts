import { raise } from '../contract.ts';
import type { PaymentCommand, PaymentEvent, Tender } from './payment-events.ts';
import { cashTender } from './tender.ts';

/** A payment as the till asks for it (the shape of `takePayment`'s input). */
export interface TakeInput {
  readonly orderId: string;
  readonly storeId: string;
  readonly currency: string;
  /** Minor units, tip excluded. */
  readonly amount: number;
  readonly tip?: number;
  readonly tender: { kind: 'cash'; given: number } | { kind: 'card'; card: { number: string } };
  readonly reference?: string;
  readonly registerId?: string;
}

/**
 * What a payment id was first used for, in terms the stream keeps. The card
 * number itself is never stored, so two requests are compared on its last
 * four digits: a retry with the same id is the same sale on the same card.
 */
export interface TakeRequest {
  readonly tender: Tender;
  readonly amount: number;
  readonly tip: number;
  readonly currency: string;
  readonly orderId: string;
  readonly storeId: string;
  readonly reference: string | null;
  /** The till that took it, if the caller said. */
  readonly registerId: string | null;
  /** Cash handed over (cash only). */
  readonly given: number | null;
  readonly last4: string | null;
}

/** The Luhn (mod 10) check that every payment card number passes (ISO/IEC 7812). */
export function passesLuhn(number: string): boolean {
  if (!/^\d{12,19}$/.test(number)) return false;
  let sum = 0;
  for (let i = 0; i < number.length; i += 1) {
    let digit = Number(number[number.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/**
 * Checks a take request before anything is recorded: a tip only on cards (a
 * cash tip goes in the jar, not through the till), a card number that can be
 * one, and enough cash for the amount due.
 */
export function takeRequest(input: TakeInput): TakeRequest {
  const tip = input.tip ?? 0;
  const common = {
    amount: input.amount,
    tip,
    currency: input.currency,
    orderId: input.orderId,
    storeId: input.storeId,
    reference: input.reference ?? null,
    registerId: input.registerId ?? null,
  };
  if (input.tender.kind === 'cash') {
    if (tip !== 0) raise('tip-not-allowed', 'Tips are taken on cards only.');
    const due = { amount: input.amount, currency: input.currency };
    cashTender(due, { amount: input.tender.given, currency: input.currency });
    return { ...common, tender: 'cash', given: input.tender.given, last4: null };
  }
  const number = input.tender.card.number;
  if (!passesLuhn(number)) raise('card-number-invalid', 'This is not a valid card number.');
  return { ...common, tender: 'card', given: null, last4: number.slice(-4) };
}

/** The request a stream was started for, read back from its first event. */
export function recordedRequest(first: PaymentEvent): TakeRequest {
  if (first.type !== 'payment.authorization-requested' && first.type !== 'payment.authorized') {
    throw new Error(`invariant: a payment stream cannot start with ${first.type}`);
  }
  const tip = first.tip ?? 0;
  return {
    tender: first.tender,
    amount: first.amount - tip,
    tip,
    currency: first.currency,
    orderId: first.orderId,
    storeId: first.storeId,
    reference: first.reference ?? null,
    registerId: first.registerId ?? null,
    given: first.type === 'payment.authorized' ? (first.cash?.given ?? null) : null,
    last4: first.last4 ?? null,
  };
}

const fields = [
  'tender',
  'amount',
  'tip',
  'currency',
  'orderId',
  'storeId',
  'reference',
  'given',
  'last4',
] as const satisfies readonly (keyof TakeRequest)[];

/**
 * Whether a retried request is the one the payment id was first used for.
 * Two different tills are different requests; a till on one side only is not
 * (a checkout begun before payments recorded the till, resumed after).
 */
export function sameTakeRequest(a: TakeRequest, b: TakeRequest): boolean {
  const sameTill = a.registerId === null || b.registerId === null || a.registerId === b.registerId;
  return sameTill && fields.every((field) => a[field] === b[field]);
}

/**
 * The commands that open a payment. Cash is authorized and captured in one
 * go, with the change recorded; a card starts with the request that is
 * written before the processor is called.
 */
export function openingCommands(request: TakeRequest): PaymentCommand[] {
  const base = {
    currency: request.currency,
    orderId: request.orderId,
    storeId: request.storeId,
    ...(request.registerId !== null && { registerId: request.registerId }),
    ...(request.reference !== null && { reference: request.reference }),
  };
  if (request.tender === 'cash') {
    const given = request.given ?? 0;
    return [
      {
        type: 'authorize',
        tender: 'cash',
        amount: request.amount,
        ...base,
        cash: { given, change: given - request.amount },
      },
      { type: 'capture' },
    ];
  }
  return [
    {
      type: 'request-authorization',
      tender: 'card',
      amount: request.amount + request.tip,
      ...base,
      ...(request.tip > 0 && { tip: request.tip }),
      ...(request.last4 !== null && { last4: request.last4 }),
    },
  ];
}
