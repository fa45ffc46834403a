import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  apportion,
  apportionRatios,
  divRoundHalfUp,
  mulDivRoundHalfUp,
  percentOf,
  ratio,
  roundRatioSum,
} from './money.ts';

const invalidAmount = expect.objectContaining({ code: 'invalid-amount' });

describe('half-up division', () => {
  it('rounds a tie away from zero and everything else to the nearest unit', () => {
    expect(divRoundHalfUp(5, 2)).toBe(3);
    expect(divRoundHalfUp(-5, 2)).toBe(-3);
    expect(divRoundHalfUp(7, 3)).toBe(2);
    expect(divRoundHalfUp(8, 3)).toBe(3);
    expect(divRoundHalfUp(-8, 3)).toBe(-3);
    expect(divRoundHalfUp(149, 100)).toBe(1);
    expect(divRoundHalfUp(150, 100)).toBe(2);
  });

  it('never answers negative zero', () => {
    expect(Object.is(divRoundHalfUp(-1, 3), 0)).toBe(true);
  });

  it('refuses fractions, unsafe integers and a divisor that is not positive', () => {
    expect(() => divRoundHalfUp(0.5, 1)).toThrow(invalidAmount);
    expect(() => divRoundHalfUp(2 ** 53, 1)).toThrow(invalidAmount);
    expect(() => divRoundHalfUp(1, 0)).toThrow(invalidAmount);
    expect(() => divRoundHalfUp(1, -2)).toThrow(invalidAmount);
  });

  it('is the nearest integer, with a tie going away from zero', () => {
    const n = fc.integer({ min: -1e12, max: 1e12 });
    const d = fc.integer({ min: 1, max: 1e6 });
    fc.assert(
      fc.property(n, d, (num, den) => {
        const q = divRoundHalfUp(num, den);
        const off = 2 * Math.abs(num - q * den);
        expect(off).toBeLessThanOrEqual(den);
        if (off === den) expect(Math.abs(q * den)).toBeGreaterThan(Math.abs(num));
      }),
    );
  });
});

describe('multiply then divide', () => {
  it('stays exact when the product passes 2^53', () => {
    const a = 9_007_199_254_740; // ×1 000 is past 2^53
    expect(mulDivRoundHalfUp(a, 1_000, 1_000)).toBe(a);
    expect(mulDivRoundHalfUp(a, 1_001, 1_000)).toBe(Number((BigInt(a) * 1001n + 500n) / 1000n));
  });

  it('takes basis points of an amount, rounding half-up', () => {
    expect(percentOf(1500, 1000)).toBe(150);
    expect(percentOf(5, 1000)).toBe(1);
    expect(percentOf(4, 1000)).toBe(0);
  });

  it('refuses a result beyond the safe range', () => {
    expect(() => mulDivRoundHalfUp(Number.MAX_SAFE_INTEGER, 2, 1)).toThrow(invalidAmount);
  });
});

describe('apportioning an amount over weights', () => {
  it('gives each part the floor of its share and the rest to the largest remainders', () => {
    // 200 × 1350/1950 = 138.46…, 200 × 600/1950 = 61.54…: the second remainder is larger.
    expect(apportion(200, [1350, 600])).toEqual([138, 62]);
  });

  it('breaks ties by index, first come first served', () => {
    expect(apportion(1, [1, 1])).toEqual([1, 0]);
    expect(apportion(2, [1, 1, 1])).toEqual([1, 1, 0]);
  });

  it('gives nothing to a zero weight', () => {
    expect(apportion(7, [0, 3, 0, 4])).toEqual([0, 3, 0, 4]);
  });

  it('splits a negative amount as the mirror of the positive one', () => {
    expect(apportion(-200, [1350, 600])).toEqual([-138, -62]);
  });

  it('spreads nothing over nothing, but refuses to spread something over nothing', () => {
    expect(apportion(0, [0, 0])).toEqual([0, 0]);
    expect(() => apportion(1, [0, 0])).toThrow(invalidAmount);
    expect(() => apportion(1, [])).toThrow(invalidAmount);
  });

  it('sums exactly to the total, each part within one unit of its exact share', () => {
    const weights = fc.array(fc.integer({ min: 0, max: 1e9 }), { minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e10 }), weights, (total, ws) => {
        fc.pre(ws.some((w) => w > 0));
        const parts = apportion(total, ws);
        expect(parts.reduce((s, p) => s + p, 0)).toBe(total);
        const sum = BigInt(ws.reduce((s, w) => s + w, 0));
        parts.forEach((part, i) => {
          expect(Number.isSafeInteger(part)).toBe(true);
          const diff = BigInt(part) * sum - BigInt(total) * BigInt(ws[i]!);
          expect(diff < sum && diff > -sum).toBe(true);
          if (ws[i] === 0) expect(part).toBe(0);
        });
      }),
    );
  });
});

describe('exact ratios', () => {
  it('round once when summed, not once per part', () => {
    const half = ratio(5, 1_000, 10_000); // 0.5 each
    expect(roundRatioSum([half])).toBe(1);
    expect(roundRatioSum([half, half, half])).toBe(2);
    const third = ratio(1, 1, 3);
    expect(roundRatioSum([third, third, third])).toBe(1);
  });

  it('add exactly across different denominators', () => {
    // 100×700/10700 + 100×1900/11900 = 6.54… + 15.96… = 22.51…
    expect(roundRatioSum([ratio(100, 700, 10_700), ratio(100, 1_900, 11_900)])).toBe(23);
  });

  it('spread a rounded total back, each part within one unit of its exact value', () => {
    const part = fc
      .tuple(
        fc.integer({ min: 0, max: 1e8 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 10_000, max: 40_000 }),
      )
      .map(([a, b, c]) => ratio(a, b, c));
    fc.assert(
      fc.property(fc.array(part, { minLength: 1, maxLength: 10 }), (ratios) => {
        const total = roundRatioSum(ratios);
        const parts = apportionRatios(total, ratios);
        expect(parts.reduce((s, p) => s + p, 0)).toBe(total);
        parts.forEach((p, i) => {
          const r = ratios[i]!;
          const diff = BigInt(p) * r.den - r.num;
          expect(diff < r.den && diff > -r.den).toBe(true);
        });
      }),
    );
  });
});

/** The rules written out in bigint alone: what the number fast paths must give. */
const reference = {
  mulDiv(a: number, b: number, c: number): bigint {
    const product = BigInt(a) * BigInt(b);
    const abs = product < 0n ? -product : product;
    const rounded = abs / BigInt(c) + (2n * (abs % BigInt(c)) >= BigInt(c) ? 1n : 0n);
    return product < 0n ? -rounded : rounded;
  },
  apportion(total: number, weights: readonly number[]): number[] {
    const sum = BigInt(weights.reduce((s, w) => s + w, 0));
    const exact = weights.map((w) => BigInt(total) * BigInt(w));
    const parts = exact.map((e) => Number(e / sum));
    const missing = total - parts.reduce((s, p) => s + p, 0);
    exact
      .map((e, index) => ({ index, remainder: e % sum }))
      .filter((r) => r.remainder > 0n)
      .sort((x, y) => (y.remainder > x.remainder ? 1 : y.remainder < x.remainder ? -1 : 0))
      .slice(0, missing)
      .forEach(({ index }) => (parts[index]! += 1));
    return parts;
  },
};

describe('products below and past 2^53', () => {
  // Products reach about 10^19: both sides of 2^53 (about 9 × 10^15) are drawn.
  it('multiply then divide to the same unit either way', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e13, max: 1e13 }),
        fc.integer({ min: 0, max: 1e6 }),
        fc.integer({ min: 1, max: 1e6 }),
        (a, b, c) => {
          const expected = reference.mulDiv(a, b, c);
          const beyond = expected < 0n ? -expected : expected;
          if (beyond > BigInt(Number.MAX_SAFE_INTEGER)) {
            expect(() => mulDivRoundHalfUp(a, b, c)).toThrow(invalidAmount);
          } else {
            expect(mulDivRoundHalfUp(a, b, c)).toBe(Number(expected));
          }
        },
      ),
    );
  });

  it('apportion to the same parts either way, ties to the lower index', () => {
    const weights = fc.array(fc.integer({ min: 0, max: 1e9 }), { minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e10 }), weights, (total, ws) => {
        fc.pre(ws.some((w) => w > 0));
        expect(apportion(total, ws)).toEqual(reference.apportion(total, ws));
      }),
    );
    // Equal remainders, below and past 2^53.
    expect(apportion(2, [3, 3, 3])).toEqual([1, 1, 0]);
    expect(apportion(2e9, [3e8, 3e8, 3e8])).toEqual([666_666_667, 666_666_667, 666_666_666]);
  });
});
