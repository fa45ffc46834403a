import { describe, expect, it } from 'vitest';
import { priceOrder, type LineInput, type PricingSettings } from './pricing.ts';

const perLine: PricingSettings = { taxInclusive: false, rounding: 'per-line' };
const perOrder: PricingSettings = { taxInclusive: false, rounding: 'per-order' };
const vat7 = { rateId: 'vat-7', bps: 700, inclusive: true };
const vat19 = { rateId: 'vat-19', bps: 1900, inclusive: false };

/** 3 × 4.50 with a +0.50 option and 10 % off, 7 % included; 2 × 3.00 with 19 % on top. */
const coffee: LineInput = {
  lineId: 'coffee',
  quantity: 3,
  unitPrice: 450,
  modifiers: [{ priceDelta: 50 }],
  taxes: [vat7],
  discount: { kind: 'percent', bps: 1000 },
};
const cake: LineInput = {
  lineId: 'cake',
  quantity: 2,
  unitPrice: 300,
  modifiers: [],
  taxes: [vat19],
};
const line = (lineId: string, unitPrice: number, taxes: LineInput['taxes']): LineInput => ({
  lineId,
  quantity: 1,
  unitPrice,
  modifiers: [],
  taxes,
});

describe('pricing a worked example', () => {
  const priced = priceOrder({
    lines: [coffee, cake],
    orderDiscount: { kind: 'fixed', amount: 200 },
    settings: perLine,
  });

  it('adds modifiers to the unit price, then takes the item discount off the line', () => {
    expect(priced.lines[0]).toMatchObject({
      unitPrice: 500,
      gross: 1500,
      itemDiscount: 150,
      itemDiscountClamped: false,
    });
  });

  it('spreads the order discount over the lines by their discounted amounts, exactly', () => {
    // 200 × 1350/1950 = 138.46, 200 × 600/1950 = 61.54: the larger remainder gets the cent.
    expect(priced.lines.map((l) => l.orderDiscountShare)).toEqual([138, 62]);
    expect(priced.lines.map((l) => l.net)).toEqual([1212, 538]);
  });

  it('takes inclusive tax out of the price and adds exclusive tax on top', () => {
    // 1212 × 7/107 = 79.29 → 79 inside; 538 × 19 % = 102.22 → 102 on top.
    expect(priced.lines[0]!.taxes).toEqual([{ ...vat7, amount: 79 }]);
    expect(priced.lines[0]!.total).toBe(1212);
    expect(priced.lines[1]!.taxes).toEqual([{ ...vat19, amount: 102 }]);
    expect(priced.lines[1]!.total).toBe(640);
  });

  it('totals the order', () => {
    expect(priced.totals).toEqual({
      subtotal: 2100,
      itemDiscounts: 150,
      orderDiscount: 200,
      orderDiscountClamped: false,
      discountTotal: 350,
      netSubtotal: 1750,
      serviceCharge: 0,
      taxes: [
        { ...vat7, amount: 79 },
        { ...vat19, amount: 102 },
      ],
      inclusiveTax: 79,
      exclusiveTax: 102,
      taxTotal: 181,
      tip: 0,
      total: 1852,
    });
  });
});

describe('pricing with a service charge and a tip', () => {
  const priced = priceOrder({
    lines: [coffee, cake],
    orderDiscount: { kind: 'fixed', amount: 200 },
    serviceCharge: { bps: 1000 },
    tip: 300,
    settings: perOrder,
  });

  it('charges service on the discounted subtotal and taxes each share like its line', () => {
    expect(priced.totals.serviceCharge).toBe(175);
    expect(priced.lines.map((l) => l.serviceChargeShare)).toEqual([121, 54]);
    // 1333 × 7/107 = 87.21 → 87 inside; 592 × 19 % = 112.48 → 112 on top.
    expect(priced.totals.taxes.map((t) => t.amount)).toEqual([87, 112]);
  });

  it('adds the tip last, untaxed', () => {
    expect(priced.totals.tip).toBe(300);
    expect(priced.totals.total).toBe(1750 + 175 + 112 + 300);
    expect(priced.lines.reduce((s, l) => s + l.total, 0) + 300).toBe(priced.totals.total);
  });
});

describe('several rates on one line', () => {
  it('charges an exclusive rate on the pre-tax base, not on the included tax', () => {
    const [only] = priceOrder({
      lines: [line('l', 1070, [vat7, { ...vat19, inclusive: false }])],
      settings: perLine,
    }).lines;
    // 10.70 is 10.00 plus 7 % inside; 19 % of 10.00 goes on top.
    expect(only!.taxes.map((t) => t.amount)).toEqual([70, 190]);
    expect(only!.total).toBe(1260);
  });

  it('carves several inclusive rates out of the same price side by side', () => {
    const [only] = priceOrder({
      lines: [line('l', 1260, [vat7, { ...vat19, inclusive: true }])],
      settings: perLine,
    }).lines;
    expect(only!.taxes.map((t) => t.amount)).toEqual([70, 190]);
    expect(only!.total).toBe(1260);
  });
});

describe('rounding setting', () => {
  const tenPercent = [{ rateId: 'r', bps: 1000, inclusive: false }];
  const lines = ['a', 'b', 'c'].map((id) => line(id, 5, tenPercent));

  it('per line rounds each line’s half cent up', () => {
    const priced = priceOrder({ lines, settings: perLine });
    expect(priced.lines.map((l) => l.taxes[0]!.amount)).toEqual([1, 1, 1]);
    expect(priced.totals.taxTotal).toBe(3);
  });

  it('per order rounds the exact sum once and still itemises every line', () => {
    const priced = priceOrder({ lines, settings: perOrder });
    expect(priced.totals.taxTotal).toBe(2);
    expect(priced.lines.map((l) => l.taxes[0]!.amount)).toEqual([1, 1, 0]);
  });
});

describe('the store’s tax-inclusive default', () => {
  const unflagged = [{ rateId: 'r', bps: 1000 }];

  it('applies to a rate that does not say whether it is inclusive', () => {
    const incl = priceOrder({
      lines: [line('l', 1100, unflagged)],
      settings: { ...perLine, taxInclusive: true },
    });
    expect(incl.totals).toMatchObject({ inclusiveTax: 100, exclusiveTax: 0, total: 1100 });
    const excl = priceOrder({ lines: [line('l', 1100, unflagged)], settings: perLine });
    expect(excl.totals).toMatchObject({ inclusiveTax: 0, exclusiveTax: 110, total: 1210 });
  });

  it('does not override a rate that says it is exclusive', () => {
    const priced = priceOrder({
      lines: [line('l', 1100, [{ ...unflagged[0]!, inclusive: false }])],
      settings: { ...perLine, taxInclusive: true },
    });
    expect(priced.totals.exclusiveTax).toBe(110);
  });
});

describe('discounts larger than what they apply to', () => {
  it('make an item free and say they were cut, never a negative line', () => {
    const priced = priceOrder({
      lines: [{ ...line('l', 300, [vat19]), discount: { kind: 'fixed', amount: 500 } }],
      settings: perLine,
    });
    expect(priced.lines[0]).toMatchObject({ itemDiscount: 300, itemDiscountClamped: true, net: 0 });
    expect(priced.totals.total).toBe(0);
  });

  it('cut an order discount to the order and flag it', () => {
    const priced = priceOrder({
      lines: [line('a', 600, []), line('b', 400, [])],
      orderDiscount: { kind: 'fixed', amount: 5000 },
      settings: perLine,
    });
    expect(priced.totals).toMatchObject({ orderDiscount: 1000, orderDiscountClamped: true });
    expect(priced.lines.map((l) => l.net)).toEqual([0, 0]);
  });
});

describe('pricing refuses', () => {
  const code = (c: string) => expect.objectContaining({ code: c }) as Error;
  const price = (lines: LineInput[], extra = {}) =>
    priceOrder({ lines, settings: perLine, ...extra });

  it('a percentage above 100 % or a negative fixed discount', () => {
    const l = line('l', 100, []);
    expect(() => price([{ ...l, discount: { kind: 'percent', bps: 10_001 } }])).toThrow(
      code('invalid-discount'),
    );
    expect(() => price([l], { orderDiscount: { kind: 'fixed', amount: -1 } })).toThrow(
      code('invalid-discount'),
    );
  });

  it('quantities that are not whole and positive', () => {
    expect(() => price([{ ...line('l', 100, []), quantity: 0 }])).toThrow(code('invalid-quantity'));
    expect(() => price([{ ...line('l', 100, []), quantity: 1.5 }])).toThrow(
      code('invalid-quantity'),
    );
  });

  it('fractional prices and modifiers that take a unit below zero', () => {
    expect(() => price([line('l', 4.5, [])])).toThrow(code('invalid-amount'));
    expect(() => price([{ ...line('l', 100, []), modifiers: [{ priceDelta: -101 }] }])).toThrow(
      code('invalid-amount'),
    );
  });

  it('a line id used twice', () => {
    expect(() => price([line('l', 1, []), line('l', 2, [])])).toThrow(code('duplicate-line'));
  });

  it('a rate twice on a line, or one rate id meaning two rates', () => {
    expect(() => price([line('l', 1, [vat7, vat7])])).toThrow(code('invalid-tax-rate'));
    expect(() => price([line('a', 1, [vat7]), line('b', 1, [{ ...vat7, bps: 800 }])])).toThrow(
      code('invalid-tax-rate'),
    );
  });

  it('a negative tip and a service charge above 100 %', () => {
    expect(() => price([line('l', 1, [])], { tip: -1 })).toThrow(code('invalid-amount'));
    expect(() => price([line('l', 1, [])], { serviceCharge: { bps: 10_001 } })).toThrow(
      code('invalid-service-charge'),
    );
  });
});
