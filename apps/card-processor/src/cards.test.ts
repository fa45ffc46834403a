import { describe, expect, it } from 'vitest';
import { approvedTestCard, checkCard, decliningCards, passesLuhn } from './cards.ts';

describe('passesLuhn', () => {
  it('accepts the published test card numbers', () => {
    for (const number of [approvedTestCard, ...Object.keys(decliningCards), '5555555555554444']) {
      expect(passesLuhn(number), number).toBe(true);
    }
  });

  it('rejects a number whose check digit is wrong', () => {
    expect(passesLuhn('4242424242424241')).toBe(false);
  });

  it('catches two adjacent digits swapped', () => {
    // 4242… with the first pair swapped: the doubling of every second digit detects it.
    expect(passesLuhn('2442424242424242')).toBe(false);
  });

  it('rejects anything that is not only digits', () => {
    expect(passesLuhn('4242 4242 4242 4242')).toBe(false);
    expect(passesLuhn('')).toBe(false);
  });
});

describe('checkCard', () => {
  it('approves 4242424242424242', () => {
    expect(checkCard('4242424242424242')).toEqual({ outcome: 'approved' });
  });

  it('approves any other number that passes the Luhn check', () => {
    expect(checkCard('5555555555554444')).toEqual({ outcome: 'approved' });
    expect(checkCard('378282246310005')).toEqual({ outcome: 'approved' });
  });

  it.each([
    ['4000000000000002', 'generic_decline'],
    ['4000000000009995', 'insufficient_funds'],
    ['4000000000000069', 'expired_card'],
    ['4000000000000127', 'incorrect_cvc'],
  ])('declines %s with %s', (number, declineCode) => {
    expect(checkCard(number)).toMatchObject({ outcome: 'declined', declineCode });
  });

  it('calls a number failing the Luhn check invalid rather than declined', () => {
    expect(checkCard('4000000000000003')).toEqual({ outcome: 'invalid' });
  });
});
