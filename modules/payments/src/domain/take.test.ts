import { describe, expect, it } from 'vitest';
import { DomainError } from '@stratum/platform';
import { decide, evolve, initialPayment, type PaymentEvent } from './payment.ts';
import {
  openingCommands,
  passesLuhn,
  recordedRequest,
  sameTakeRequest,
  takeRequest,
  type TakeInput,
} from './take.ts';

const card: TakeInput = {
  orderId: 'o-1',
  storeId: 's-1',
  currency: 'EUR',
  amount: 2_000,
  tip: 300,
  tender: { kind: 'card', card: { number: '4242424242424242' } },
  reference: 'table 4',
};
const cash: TakeInput = { ...card, tip: undefined, tender: { kind: 'cash', given: 5_000 } };
const context = { actor: { id: 'u', roles: ['cashier'], stores: ['*'] }, refundLimit: 0 };

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  throw new Error('expected a refusal');
}

/** The events the opening commands of a request produce. */
function open(input: TakeInput): PaymentEvent[] {
  let state = initialPayment;
  const events: PaymentEvent[] = [];
  for (const command of openingCommands(takeRequest(input))) {
    for (const event of decide(state, command, context)) {
      state = evolve(state, event);
      events.push(event);
    }
  }
  return events;
}

describe('a take request', () => {
  it('keeps only the last four digits of a card', () => {
    expect(takeRequest(card)).toEqual({
      tender: 'card',
      amount: 2_000,
      tip: 300,
      currency: 'EUR',
      orderId: 'o-1',
      storeId: 's-1',
      reference: 'table 4',
      registerId: null,
      given: null,
      last4: '4242',
    });
  });

  it('refuses a tip on cash, too little cash, and a number that is no card number', () => {
    expect(codeOf(() => takeRequest({ ...cash, tip: 100 }))).toBe('tip-not-allowed');
    expect(codeOf(() => takeRequest({ ...cash, tender: { kind: 'cash', given: 1_999 } }))).toBe(
      'cash-insufficient',
    );
    const bad = {
      ...card,
      tender: { kind: 'card', card: { number: '4242424242424241' } },
    } as const;
    expect(codeOf(() => takeRequest(bad))).toBe('card-number-invalid');
  });

  it('checks card numbers with Luhn, 12 to 19 digits', () => {
    expect(passesLuhn('4242424242424242')).toBe(true);
    expect(passesLuhn('4000000000009995')).toBe(true);
    expect(passesLuhn('4242424242424241')).toBe(false);
    expect(passesLuhn('42424242424')).toBe(false);
    expect(passesLuhn('4242 4242 4242 4242')).toBe(false);
  });
});

describe('opening a payment', () => {
  it('authorizes and captures cash at once, recording the change', () => {
    expect(open(cash)).toEqual([
      {
        type: 'payment.authorized',
        version: 1,
        tender: 'cash',
        amount: 2_000,
        currency: 'EUR',
        orderId: 'o-1',
        storeId: 's-1',
        reference: 'table 4',
        cash: { given: 5_000, change: 3_000 },
      },
      { type: 'payment.captured', version: 2, amount: 2_000 },
    ]);
  });

  it('only requests a card authorization, for the amount plus the tip', () => {
    expect(open(card)).toEqual([
      {
        type: 'payment.authorization-requested',
        version: 1,
        tender: 'card',
        amount: 2_300,
        tip: 300,
        currency: 'EUR',
        orderId: 'o-1',
        storeId: 's-1',
        reference: 'table 4',
        last4: '4242',
      },
    ]);
  });

  it('reads the request back from the first event, so a retry can be compared with it', () => {
    for (const input of [card, cash]) {
      const recorded = recordedRequest(open(input)[0]!);
      expect(sameTakeRequest(recorded, takeRequest(input))).toBe(true);
      expect(sameTakeRequest(recorded, takeRequest({ ...input, amount: 2_001 }))).toBe(false);
      expect(sameTakeRequest(recorded, takeRequest({ ...input, orderId: 'o-2' }))).toBe(false);
    }
    const otherCard = { ...card, tender: { kind: 'card', card: { number: '4000000000009995' } } };
    expect(
      sameTakeRequest(recordedRequest(open(card)[0]!), takeRequest(otherCard as TakeInput)),
    ).toBe(false);
  });

  it('records the till that took it, and tells a retry at another till from the same sale', () => {
    for (const input of [card, cash]) {
      const atBar = { ...input, registerId: 'r-bar' };
      const [first] = open(atBar);
      expect(first).toMatchObject({ registerId: 'r-bar' });
      const recorded = recordedRequest(first!);
      expect(sameTakeRequest(recorded, takeRequest(atBar))).toBe(true);
      expect(sameTakeRequest(recorded, takeRequest({ ...input, registerId: 'r-terrace' }))).toBe(
        false,
      );
      // A checkout begun before the till was recorded, or resumed by a caller that does not say.
      expect(sameTakeRequest(recorded, takeRequest(input))).toBe(true);
      expect(sameTakeRequest(recordedRequest(open(input)[0]!), takeRequest(atBar))).toBe(true);
    }
  });

  it('keeps the till through the card’s authorization', () => {
    const [requested] = open({ ...card, registerId: 'r-bar' });
    let state = evolve(initialPayment, requested!);
    const [authorized] = decide(
      state,
      { type: 'record-authorization', processorRef: 'p-1' },
      context,
    );
    state = evolve(state, authorized!);
    expect(state.authorization).toMatchObject({ registerId: 'r-bar', processorRef: 'p-1' });
  });
});
