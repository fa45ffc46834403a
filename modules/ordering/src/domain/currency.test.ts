import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { currencyExponent, formatBps, formatMinor } from './currency.ts';

describe('formatting minor units', () => {
  it('puts the decimal point where the currency’s exponent says', () => {
    expect(formatMinor(1234, 'EUR')).toBe('12.34');
    expect(formatMinor(1234, 'USD')).toBe('12.34');
    expect(formatMinor(1234, 'JPY')).toBe('1234');
    expect(formatMinor(1234, 'KWD')).toBe('1.234');
  });

  it('keeps leading zeros of the fraction and the sign of small negatives', () => {
    expect(formatMinor(5, 'EUR')).toBe('0.05');
    expect(formatMinor(-5, 'EUR')).toBe('-0.05');
    expect(formatMinor(0, 'EUR')).toBe('0.00');
    expect(formatMinor(-150, 'EUR')).toBe('-1.50');
  });

  it('prints the exact digits of any safe amount, however large', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
        (n) => {
          const text = formatMinor(n, 'EUR');
          expect(text).toMatch(/^-?\d+\.\d{2}$/);
          expect(BigInt(text.replace('.', ''))).toBe(BigInt(n));
        },
      ),
    );
  });

  it('refuses fractions of a minor unit and codes that are not ISO 4217', () => {
    expect(() => formatMinor(1.5, 'EUR')).toThrow(
      expect.objectContaining({ code: 'invalid-amount' }),
    );
    expect(() => currencyExponent('eur')).toThrow(
      expect.objectContaining({ code: 'invalid-currency' }),
    );
  });
});

describe('formatting basis points', () => {
  it('prints whole percentages without decimals and trims trailing zeros', () => {
    expect(formatBps(700)).toBe('7%');
    expect(formatBps(550)).toBe('5.5%');
    expect(formatBps(1925)).toBe('19.25%');
    expect(formatBps(5)).toBe('0.05%');
  });
});
