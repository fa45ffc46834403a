import { describe, expect, it } from 'vitest';
import { checkoutInput, passesLuhn } from './checkout.ts';

describe('a card number at the till', () => {
  it('passes the Luhn check when its check digit is right, and only then', () => {
    for (const good of [
      '4242424242424242',
      '4000000000009995',
      '5555555555554444',
      '79927398713',
    ]) {
      expect(passesLuhn(good)).toBe(true);
    }
    for (const bad of ['4242424242424241', '4242424242424224', '79927398710']) {
      expect(passesLuhn(bad)).toBe(false);
    }
  });

  it('is refused by the checkout request when mistyped, with where it is', () => {
    const request = (number: string) => ({
      registerId: '01900000-0000-7000-8000-0000000000dd',
      tenders: [{ kind: 'card', amount: 100, card: { number } }],
    });
    expect(checkoutInput.safeParse(request('4242424242424242')).success).toBe(true);
    const typo = checkoutInput.safeParse(request('4242424242424241'));
    expect(typo.success).toBe(false);
    expect(typo.error?.issues[0]).toMatchObject({
      path: ['tenders', 0, 'card', 'number'],
      message: expect.stringContaining('check digit') as string,
    });
  });
});
