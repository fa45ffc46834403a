import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maxPriceMinor } from '../contract.ts';
import { effectivePrice, unitPrice } from './pricing.ts';

const minor = fc.integer({ min: 0, max: 10_000_000 });

describe('effective price', () => {
  it('is the store override when the store has one', () => {
    expect(effectivePrice(450, 500)).toBe(500);
  });

  it('is the base price when the store has no override', () => {
    expect(effectivePrice(450, undefined)).toBe(450);
    expect(effectivePrice(450, null)).toBe(450);
  });

  it('honours an override of zero (a free item in that store) rather than falling back', () => {
    expect(effectivePrice(450, 0)).toBe(0);
  });

  it('is always one of the two prices, and an integer', () => {
    fc.assert(
      fc.property(minor, fc.option(minor, { nil: undefined }), (base, override) => {
        const price = effectivePrice(base, override);
        expect(Number.isInteger(price)).toBe(true);
        expect(price).toBe(override === undefined ? base : override);
      }),
    );
  });
});

describe('unit price', () => {
  it('adds the chosen options’ deltas, negative ones included, to the variant price', () => {
    expect(unitPrice(900, [50, 50, -20])).toEqual({ ok: true, unitPriceMinor: 980 });
  });

  it('does not depend on the order the options were chosen in', () => {
    fc.assert(
      fc.property(minor, fc.array(fc.integer({ min: -1000, max: 1000 })), (price, deltas) => {
        expect(unitPrice(price, [...deltas].reverse())).toEqual(unitPrice(price, deltas));
      }),
    );
  });

  it('may come to zero (a free line) but never below it', () => {
    expect(unitPrice(30, [-30])).toEqual({ ok: true, unitPriceMinor: 0 });
    expect(unitPrice(30, [-50])).toEqual({ ok: false, reason: 'negative-unit-price' });
  });

  it('may reach the price cap but not pass it, nor the safe integer range', () => {
    expect(unitPrice(maxPriceMinor - 50, [50])).toEqual({
      ok: true,
      unitPriceMinor: maxPriceMinor,
    });
    expect(unitPrice(maxPriceMinor, [1])).toEqual({ ok: false, reason: 'unit-price-too-large' });
    // A base price stored before prices were capped.
    expect(unitPrice(Number.MAX_SAFE_INTEGER, [30])).toEqual({
      ok: false,
      reason: 'unit-price-too-large',
    });
  });

  it('is exact, whatever capped price and deltas it adds, or refused', () => {
    const capped = fc.integer({ min: 0, max: maxPriceMinor });
    const delta = fc.integer({ min: -maxPriceMinor, max: maxPriceMinor });
    fc.assert(
      fc.property(capped, fc.array(delta, { maxLength: 100 }), (price, deltas) => {
        const exact = deltas.reduce((sum, d) => sum + BigInt(d), BigInt(price));
        const unit = unitPrice(price, deltas);
        if (exact < 0n || exact > BigInt(maxPriceMinor)) expect(unit.ok).toBe(false);
        else expect(unit).toEqual({ ok: true, unitPriceMinor: Number(exact) });
      }),
    );
  });
});
