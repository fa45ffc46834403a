import { describe, expect, it } from 'vitest';
import {
  changeDue,
  compensationSteps,
  forwardSteps,
  canCompensate,
  nextCompensation,
  nextForward,
  type PlannedTender,
} from './checkout.ts';

const cash: PlannedTender = {
  index: 0,
  paymentId: 'p0',
  kind: 'cash',
  amount: 700,
  tip: 0,
  given: 1000,
};
const card: PlannedTender = {
  index: 1,
  paymentId: 'p1',
  kind: 'card',
  amount: 1150,
  tip: 100,
  card: { number: '4242424242424242' },
};

describe('the checkout saga steps', () => {
  it('runs place, reserve, one payment per tender, confirm (which fires the kitchen) and confirm stock in that order', () => {
    expect(forwardSteps([cash, card])).toEqual([
      'place',
      'reserve-stock',
      'pay:0',
      'pay:1',
      'confirm-order',
      'confirm-stock',
    ]);
    expect(nextForward('pay:1', [cash, card])).toBe('confirm-order');
    expect(nextForward('confirm-order', [cash, card])).toBe('confirm-stock');
    expect(nextForward('confirm-stock', [cash, card])).toBeNull();
  });

  it('goes on from fire-kitchen, where an earlier version left a saga, to confirm-stock', () => {
    expect(nextForward('fire-kitchen', [cash, card])).toBe('confirm-stock');
    expect(nextForward('fire-kitchen', [card], 'rest')).toBe('confirm-stock');
    expect(canCompensate('fire-kitchen', [cash, card])).toBe(false);
  });

  it('undoes a failure up to and including confirm-order and none after it', () => {
    expect(canCompensate('pay:1', [cash, card])).toBe(true);
    expect(canCompensate('confirm-order', [cash, card])).toBe(true);
    expect(canCompensate('confirm-stock', [cash, card])).toBe(false);
  });

  it('undoes a failed second payment by refunding both payments, releasing stock and the order', () => {
    expect(compensationSteps('pay:1', [cash, card])).toEqual([
      'refund:1',
      'refund:0',
      'release-stock',
      'release-order',
    ]);
    expect(nextCompensation('refund:0', 'pay:1', [cash, card])).toBe('release-stock');
    expect(nextCompensation('release-stock', 'pay:1', [cash, card])).toBe('release-order');
    expect(nextCompensation('release-order', 'pay:1', [cash, card])).toBeNull();
    // A saga an earlier version stopped at cancel-order goes on to release the order.
    expect(nextCompensation('cancel-order', 'pay:1', [cash, card])).toBe('release-order');
  });

  it('refunds every payment when the order cannot be confirmed', () => {
    expect(compensationSteps('confirm-order', [cash, card])).toEqual([
      'refund:1',
      'refund:0',
      'release-stock',
      'release-order',
    ]);
  });

  it('undoes every step up to the pivot whichever failed: later ones may have run before a crash', () => {
    const all = ['refund:1', 'refund:0', 'release-stock', 'release-order'];
    expect(compensationSteps('reserve-stock', [cash, card])).toEqual(all);
    expect(compensationSteps('place', [cash, card])).toEqual(all);
    expect(compensationSteps('pay:0', [cash, card])).toEqual(all);
  });

  it('refuses to compensate a checkout past its pivot', () => {
    expect(() => compensationSteps('confirm-stock', [cash])).toThrow(/not compensated/);
    expect(() => compensationSteps('fire-kitchen', [cash])).toThrow(/not compensated/);
  });

  it('takes only the money of a part that leaves some of the bill owed, and gives only it back', () => {
    expect(forwardSteps([cash, card], 'part')).toEqual([
      'place',
      'pay:0',
      'pay:1',
      'confirm-order',
    ]);
    expect(nextForward('confirm-order', [cash, card], 'part')).toBeNull();
    expect(compensationSteps('confirm-order', [cash, card], 'part')).toEqual([
      'refund:1',
      'refund:0',
      'release-order',
    ]);
    expect(nextCompensation('release-order', 'pay:1', [cash, card], 'part')).toBeNull();
  });

  it('sells the stock with what settles a partly paid bill, and never cancels that order', () => {
    expect(forwardSteps([card], 'rest')).toEqual(forwardSteps([card], 'whole'));
    expect(compensationSteps('pay:1', [card], 'rest')).toEqual([
      'refund:1',
      'release-stock',
      'release-order',
    ]);
    expect(canCompensate('confirm-stock', [card], 'rest')).toBe(false);
  });

  it('gives change only on cash tenders', () => {
    expect(changeDue([cash, card])).toBe(300);
    expect(changeDue([card])).toBe(0);
  });
});
