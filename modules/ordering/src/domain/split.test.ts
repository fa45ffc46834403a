import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { priceOrder, type PricedOrder } from './pricing.ts';
import { splitByItem, splitEvenly, type SplitRequest } from './split.ts';

const code = (c: string) => expect.objectContaining({ code: c }) as Error;
const vat19 = { rateId: 'vat-19', bps: 1900, inclusive: false };
const sum = (values: readonly number[]) => values.reduce((s, v) => s + v, 0);

/** Three beers at 4.00 and a pizza at 12.00, 19 % on top, a 3.00 tip: 31.56. */
const bill = priceOrder({
  lines: [
    { lineId: 'beer', quantity: 3, unitPrice: 400, modifiers: [], taxes: [vat19] },
    { lineId: 'pizza', quantity: 1, unitPrice: 1200, modifiers: [], taxes: [vat19] },
  ],
  tip: 300,
  settings: { taxInclusive: false, rounding: 'per-line' },
});

describe('splitting by item', () => {
  it('charges each part for its units and spreads the tip by amount', () => {
    const parts = splitByItem(bill, [
      { partId: 'ana', items: [{ lineId: 'beer', quantity: 1 }] },
      {
        partId: 'ben',
        items: [
          { lineId: 'beer', quantity: 2 },
          { lineId: 'pizza', quantity: 1 },
        ],
      },
    ]);
    // Beer line 1200 + 228 tax = 1428, a third each: 476; pizza 1200 + 228 = 1428.
    expect(parts.map((p) => p.subtotal)).toEqual([476, 952 + 1428]);
    expect(parts.map((p) => p.tip)).toEqual([50, 250]);
    expect(parts[0]!.taxes).toEqual([{ ...vat19, amount: 76 }]);
    expect(sum(parts.map((p) => p.total))).toBe(bill.totals.total);
  });

  it('refuses a unit left unassigned or assigned twice', () => {
    const beerOnly: SplitRequest[] = [{ partId: 'a', items: [{ lineId: 'beer', quantity: 3 }] }];
    expect(() => splitByItem(bill, beerOnly)).toThrow(
      expect.objectContaining({
        code: 'split-quantity-mismatch',
        details: { lineId: 'pizza', quantity: 1, assigned: 0 },
      }),
    );
    const twice: SplitRequest[] = [
      {
        partId: 'a',
        items: [
          { lineId: 'beer', quantity: 3 },
          { lineId: 'pizza', quantity: 1 },
        ],
      },
      { partId: 'b', items: [{ lineId: 'beer', quantity: 1 }] },
    ];
    expect(() => splitByItem(bill, twice)).toThrow(code('split-quantity-mismatch'));
  });

  it('refuses unknown lines, empty or duplicate parts and fractional units', () => {
    const all = { lineId: 'pizza', quantity: 1 };
    const beer = { lineId: 'beer', quantity: 3 };
    expect(() =>
      splitByItem(bill, [{ partId: 'a', items: [beer, all, { lineId: 'x', quantity: 1 }] }]),
    ).toThrow(code('line-not-found'));
    expect(() =>
      splitByItem(bill, [
        { partId: 'a', items: [beer, all] },
        { partId: 'b', items: [] },
      ]),
    ).toThrow(code('invalid-split'));
    expect(() =>
      splitByItem(bill, [
        { partId: 'a', items: [beer] },
        { partId: 'a', items: [all] },
      ]),
    ).toThrow(code('invalid-split'));
    expect(() =>
      splitByItem(bill, [
        {
          partId: 'a',
          items: [{ lineId: 'beer', quantity: 2.5 }, { lineId: 'beer', quantity: 0.5 }, all],
        },
      ]),
    ).toThrow(code('invalid-quantity'));
  });
});

describe('splitting evenly', () => {
  it('gives the first parts the extra cents', () => {
    expect(splitEvenly(1000, 3)).toEqual([334, 333, 333]);
    expect(splitEvenly(2, 4)).toEqual([1, 1, 0, 0]);
  });

  it('refuses zero parts and negative totals', () => {
    expect(() => splitEvenly(100, 0)).toThrow(code('invalid-split'));
    expect(() => splitEvenly(-1, 2)).toThrow(code('invalid-amount'));
  });

  it('sums exactly to the total with parts at most one unit apart', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e12 }),
        fc.integer({ min: 1, max: 1000 }),
        (total, n) => {
          const parts = splitEvenly(total, n);
          expect(parts).toHaveLength(n);
          expect(sum(parts)).toBe(total);
          expect(Math.max(...parts) - Math.min(...parts)).toBeLessThanOrEqual(1);
        },
      ),
    );
  });
});

/** A priced order and a random assignment of each unit of each line to one of the parts. */
const splitCase = fc
  .record({
    quantities: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 6 }),
    price: fc.integer({ min: 0, max: 5000 }),
    tip: fc.integer({ min: 0, max: 2000 }),
    parts: fc.integer({ min: 1, max: 5 }),
    inclusive: fc.boolean(),
  })
  .chain((c) =>
    fc.record({
      c: fc.constant(c),
      owners: fc.array(
        fc.array(fc.integer({ min: 0, max: c.parts - 1 }), { minLength: 6, maxLength: 6 }),
        {
          minLength: c.quantities.length,
          maxLength: c.quantities.length,
        },
      ),
    }),
  )
  .map(({ c, owners }) => {
    const priced: PricedOrder = priceOrder({
      lines: c.quantities.map((quantity, i) => ({
        lineId: `l${i}`,
        quantity,
        unitPrice: c.price + i * 7,
        modifiers: [],
        taxes: [{ ...vat19, inclusive: c.inclusive }],
      })),
      tip: c.tip,
      settings: { taxInclusive: false, rounding: 'per-order' },
    });
    const requests = Array.from({ length: c.parts }, (_, p) => ({
      partId: `p${p}`,
      items: c.quantities.flatMap((quantity, i) =>
        owners[i]!.slice(0, quantity)
          .filter((owner) => owner === p)
          .map(() => ({ lineId: `l${i}`, quantity: 1 })),
      ),
    })).filter((r) => r.items.length > 0);
    return { priced, requests };
  });

describe('splitting by item, for any assignment', () => {
  it('assigns every unit once and sums exactly to the order, tax and tip included', () => {
    fc.assert(
      fc.property(splitCase, ({ priced, requests }) => {
        const parts = splitByItem(priced, requests);
        expect(sum(parts.map((p) => p.total))).toBe(priced.totals.total);
        expect(sum(parts.map((p) => p.tip))).toBe(priced.totals.tip);
        for (const line of priced.lines) {
          const mine = parts.flatMap((p) => p.lines.filter((l) => l.lineId === line.lineId));
          expect(sum(mine.map((l) => l.quantity))).toBe(line.quantity);
          expect(sum(mine.map((l) => l.amount))).toBe(line.total);
        }
        for (const rate of priced.totals.taxes) {
          const perPart = parts.flatMap((p) => p.taxes.filter((t) => t.rateId === rate.rateId));
          expect(sum(perPart.map((t) => t.amount))).toBe(rate.amount);
        }
      }),
    );
  });

  it('refuses the same assignment with one unit taken away', () => {
    fc.assert(
      fc.property(splitCase, ({ priced, requests }) => {
        const [first, ...rest] = requests;
        const shorter = [{ ...first!, items: first!.items.slice(1) }, ...rest].filter(
          (r) => r.items.length > 0,
        );
        fc.pre(shorter.length > 0);
        expect(() => splitByItem(priced, shorter)).toThrow(code('split-quantity-mismatch'));
      }),
    );
  });
});
