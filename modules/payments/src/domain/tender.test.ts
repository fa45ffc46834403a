import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '@stratum/platform';
import { cashTender, changeDue } from './tender.ts';

const eur = (amount: number) => ({ amount, currency: 'EUR' });

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('cash tender', () => {
  it('gives back what was handed over beyond the amount due', () => {
    expect(changeDue(eur(1_250), eur(2_000))).toEqual(eur(750));
    expect(cashTender(eur(1_250), eur(1_250))).toEqual({
      applied: eur(1_250),
      given: eur(1_250),
      change: eur(0),
    });
  });

  it('refuses less cash than the amount due, and says how much is missing', () => {
    let error: unknown;
    try {
      changeDue(eur(1_250), eur(1_000));
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({
      code: 'cash-insufficient',
      details: { due: 1_250, given: 1_000, short: 250 },
    });
  });

  it('refuses cash in another currency, fractional or negative amounts, and nothing due', () => {
    expect(codeOf(() => changeDue(eur(100), { amount: 200, currency: 'USD' }))).toBe(
      'currency-mismatch',
    );
    expect(codeOf(() => changeDue(eur(100.5), eur(200)))).toBe('invalid-amount');
    expect(codeOf(() => changeDue(eur(100), eur(-1)))).toBe('invalid-amount');
    expect(codeOf(() => changeDue(eur(0), eur(100)))).toBe('invalid-amount');
    expect(codeOf(() => changeDue({ amount: 1, currency: 'euro' }, eur(100)))).toBe(
      'invalid-currency',
    );
  });

  it('always balances: amount due plus change equals the cash given', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000 }), fc.nat(10_000_000), (due, extra) => {
        const { applied, change, given } = cashTender(eur(due), eur(due + extra));
        expect(applied.amount + change.amount).toBe(given.amount);
        expect(change.amount).toBeGreaterThanOrEqual(0);
      }),
    );
  });
});
