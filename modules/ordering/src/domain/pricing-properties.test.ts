import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { priceOrder, type Discount, type TaxInput } from './pricing.ts';

const discount: fc.Arbitrary<Discount> = fc.oneof(
  fc.record({ kind: fc.constant('fixed' as const), amount: fc.integer({ min: 0, max: 300_000 }) }),
  fc.record({ kind: fc.constant('percent' as const), bps: fc.integer({ min: 0, max: 10_000 }) }),
);

/** Up to four rates with distinct ids; each line picks some of them. */
const ratePool = (inclusive: fc.Arbitrary<boolean>) =>
  fc.uniqueArray(
    fc.record({
      rateId: fc.constantFrom('a', 'b', 'c', 'd'),
      bps: fc.integer({ min: 0, max: 10_000 }),
      inclusive,
    }),
    { selector: (r) => r.rateId, minLength: 1, maxLength: 4 },
  );

const orderInput = (inclusive: fc.Arbitrary<boolean> = fc.boolean()) =>
  ratePool(inclusive).chain((pool) =>
    fc.record({
      lines: fc
        .array(
          fc.record({
            quantity: fc.integer({ min: 1, max: 50 }),
            unitPrice: fc.integer({ min: 0, max: 200_000 }),
            modifiers: fc.array(fc.record({ priceDelta: fc.integer({ min: 0, max: 5_000 }) }), {
              maxLength: 3,
            }),
            taxes: fc.subarray(pool as TaxInput[]),
            discount: fc.option(discount, { nil: undefined }),
          }),
          { minLength: 1, maxLength: 8 },
        )
        .map((lines) => lines.map((l, i) => ({ ...l, lineId: `line-${i}` }))),
      orderDiscount: fc.option(discount, { nil: undefined }),
      serviceCharge: fc.option(fc.record({ bps: fc.integer({ min: 0, max: 2_500 }) }), {
        nil: undefined,
      }),
      tip: fc.integer({ min: 0, max: 50_000 }),
      settings: fc.record({
        taxInclusive: fc.boolean(),
        rounding: fc.constantFrom('per-line' as const, 'per-order' as const),
      }),
    }),
  );

const sum = (values: readonly number[]) => values.reduce((s, v) => s + v, 0);

function numbersIn(value: unknown): number[] {
  if (typeof value === 'number') return [value];
  if (Array.isArray(value)) return value.flatMap(numbersIn);
  if (value && typeof value === 'object') return Object.values(value).flatMap(numbersIn);
  return [];
}

describe('priced orders, for any order', () => {
  it('have totals that are the sums of their parts', () => {
    fc.assert(
      fc.property(orderInput(), (input) => {
        const { lines, totals } = priceOrder(input);
        expect(totals.subtotal).toBe(sum(lines.map((l) => l.gross)));
        expect(totals.itemDiscounts).toBe(sum(lines.map((l) => l.itemDiscount)));
        expect(totals.discountTotal).toBe(totals.itemDiscounts + totals.orderDiscount);
        expect(totals.netSubtotal).toBe(sum(lines.map((l) => l.net)));
        expect(totals.netSubtotal).toBe(totals.subtotal - totals.discountTotal);
        expect(totals.serviceCharge).toBe(sum(lines.map((l) => l.serviceChargeShare)));
        for (const rate of totals.taxes) {
          const perLine = lines.flatMap((l) => l.taxes.filter((t) => t.rateId === rate.rateId));
          expect(rate.amount).toBe(sum(perLine.map((t) => t.amount)));
        }
        expect(totals.taxTotal).toBe(sum(totals.taxes.map((t) => t.amount)));
        expect(totals.taxTotal).toBe(totals.inclusiveTax + totals.exclusiveTax);
        expect(totals.total).toBe(
          totals.netSubtotal + totals.serviceCharge + totals.exclusiveTax + totals.tip,
        );
        expect(totals.total).toBe(sum(lines.map((l) => l.total)) + totals.tip);
        for (const l of lines) {
          expect(l.net).toBe(l.gross - l.itemDiscount - l.orderDiscountShare);
          expect(l.total).toBe(l.net + l.serviceChargeShare + l.exclusiveTax);
        }
      }),
    );
  });

  it('spread the order discount exactly, never taking a line below zero', () => {
    fc.assert(
      fc.property(orderInput(), (input) => {
        const { lines, totals } = priceOrder(input);
        expect(sum(lines.map((l) => l.orderDiscountShare))).toBe(totals.orderDiscount);
        for (const l of lines) {
          expect(l.orderDiscountShare).toBeLessThanOrEqual(l.gross - l.itemDiscount);
          expect(l.net).toBeGreaterThanOrEqual(0);
        }
      }),
    );
  });

  it('with only inclusive taxes, cost the customer net plus service charge plus tip', () => {
    fc.assert(
      fc.property(orderInput(fc.constant(true)), (input) => {
        const { totals } = priceOrder(input);
        expect(totals.exclusiveTax).toBe(0);
        expect(totals.total).toBe(totals.netSubtotal + totals.serviceCharge + totals.tip);
        expect(totals.inclusiveTax).toBeLessThanOrEqual(totals.netSubtotal + totals.serviceCharge);
      }),
    );
  });

  it('round per line and per order at most one unit per line apart, rate by rate', () => {
    fc.assert(
      fc.property(orderInput(), (input) => {
        const byLine = priceOrder({
          ...input,
          settings: { ...input.settings, rounding: 'per-line' },
        });
        const byOrder = priceOrder({
          ...input,
          settings: { ...input.settings, rounding: 'per-order' },
        });
        byLine.totals.taxes.forEach((rate, i) => {
          const other = byOrder.totals.taxes[i]!;
          expect(other.rateId).toBe(rate.rateId);
          expect(Math.abs(rate.amount - other.amount)).toBeLessThanOrEqual(input.lines.length);
        });
        expect(byLine.totals.netSubtotal).toBe(byOrder.totals.netSubtotal);
      }),
    );
  });

  it('consist of non-negative safe integers only', () => {
    fc.assert(
      fc.property(orderInput(), (input) => {
        for (const n of numbersIn(priceOrder(input))) {
          expect(Number.isSafeInteger(n)).toBe(true);
          expect(n).toBeGreaterThanOrEqual(0);
        }
      }),
    );
  });
});
