import fc from 'fast-check';
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { formatMinor } from './currency.ts';
import { newLine, placeOrder, run } from './order-fixtures.ts';
import { priceOf } from './order-pricing.ts';
import type { OrderCommand } from './order-types.ts';
import { receiptOf, type ReceiptDetails } from './receipt-build.ts';
import { RECEIPT_WIDTH, renderReceiptText, wrap, type Receipt } from './receipt.ts';

const vat7 = { id: 'vat-7', name: 'VAT', bps: 700, inclusive: true };
const vat19 = { id: 'vat-19', name: 'VAT', bps: 1900, inclusive: false };
const salad =
  'Slow-roasted heritage tomato and burrata salad with basil oil, aged balsamic and toasted sourdough crumbs';

const order = run([
  { ...placeOrder(), settings: { taxInclusive: true, rounding: 'per-order' } },
  {
    type: 'add-line',
    line: newLine('coffee', {
      name: 'Flat white',
      variantName: 'Large',
      unitPrice: 450,
      quantity: 3,
      modifiers: [{ name: 'Oat milk', priceDelta: 50 }],
      taxRates: [vat7],
      discount: { kind: 'percent', bps: 1000 },
    }),
  },
  {
    type: 'add-line',
    line: newLine('salad', {
      name: salad,
      variantName: '',
      unitPrice: 300,
      quantity: 2,
      taxRates: [vat19],
    }),
  },
  { type: 'set-order-discount', discount: { kind: 'fixed', amount: 200 } },
  { type: 'set-service-charge', serviceCharge: { bps: 1000 } },
  { type: 'set-tip', amount: 300 },
] satisfies OrderCommand[]).state;

const details: ReceiptDetails = {
  store: {
    name: 'Café Stratum',
    address: ['1 Harbour Street', '20457 Hamburg'],
    taxId: 'DE123456789',
  },
  register: 'Front till',
  receiptNumber: 1042,
  cashier: 'Ana',
  orderLabel: 'Table 4',
  openedAt: '2026-11-22T13:00:00+01:00',
  printedAt: '2026-11-22T13:42:10+01:00',
  tenders: [{ label: 'Cash', amount: 2500 }],
  footer: ['Thank you for your visit!'],
};

const golden = [
  '                                  Café Stratum',
  '                                1 Harbour Street',
  '                                 20457 Hamburg',
  '                               Tax ID DE123456789',
  '',
  'Receipt 1042                                                 Register Front till',
  'Order 42                                                                 Table 4',
  'Cashier Ana',
  'Opened 2026-11-22 13:00                                 Printed 2026-11-22 13:42',
  '--------------------------------------------------------------------------------',
  'Flat white (Large)                                                         15.00',
  '  3 x 5.00',
  '  + Oat milk (+0.50)',
  '  Discount 10%                                                             -1.50',
  'Slow-roasted heritage tomato and burrata salad with basil oil, aged         6.00',
  'balsamic and toasted sourdough crumbs',
  '  2 x 3.00',
  '--------------------------------------------------------------------------------',
  'Subtotal                                                                   19.50',
  'Order discount                                                             -2.00',
  'Service charge 10%                                                          1.75',
  'VAT 7% incl.                                                                0.87',
  'VAT 19%                                                                     1.12',
  'Tip                                                                         3.00',
  '================================================================================',
  'TOTAL EUR                                                                  23.37',
  'Cash                                                                       25.00',
  'Change                                                                      1.63',
  '--------------------------------------------------------------------------------',
  '                           Thank you for your visit!',
  '',
].join('\n');

describe('a printed receipt', () => {
  it('prints a whole sale exactly so', () => {
    expect(renderReceiptText(receiptOf(order, priceOf(order), details))).toBe(golden);
  });

  it('adds up: subtotal less discounts plus charges, exclusive tax and tip is the total', () => {
    const r = receiptOf(order, priceOf(order), details);
    const exclusive = r.taxes.filter((t) => !t.inclusive).reduce((s, t) => s + t.amount, 0);
    expect(r.subtotal - 200 + (r.serviceCharge?.amount ?? 0) + exclusive + r.tip).toBe(r.total);
    expect(r.change).toBe(2500 - r.total);
  });

  it('adds a tip given with a card to the tip and the total it prints', () => {
    const withCard = {
      ...details,
      tenders: [
        { label: 'Cash', amount: 1500 },
        { label: 'Card •••• 4242', amount: 837 + 150 },
      ],
      tips: 150,
    };
    const r = receiptOf(order, priceOf(order), withCard);
    const plain = receiptOf(order, priceOf(order), details);
    expect(r).toMatchObject({ tip: plain.tip + 150, total: plain.total + 150, change: 0 });
    const text = renderReceiptText(r);
    expect(text).toMatch(/^Tip +4\.50$/m);
    expect(text).toMatch(/^TOTAL EUR +24\.87$/m);
    expect(text).toMatch(/^Card •••• 4242 +9\.87$/m);
    // The tip is charged too: tenders that leave it out do not cover the sale.
    const short = { ...withCard, tenders: [{ label: 'Cash', amount: 2337 }] };
    expect(() => receiptOf(order, priceOf(order), short)).toThrow(
      expect.objectContaining({ code: 'payment-amount-mismatch' }),
    );
  });

  it('is refused for a sale the tenders do not cover', () => {
    const short = { ...details, tenders: [{ label: 'Cash', amount: 2000 }] };
    expect(() => receiptOf(order, priceOf(order), short)).toThrow(
      expect.objectContaining({ code: 'payment-amount-mismatch' }),
    );
  });

  it('says REFUND or VOID at the top when it is one', () => {
    const text = renderReceiptText(
      receiptOf(order, priceOf(order), { ...details, kind: 'void', tenders: [] }),
    );
    expect(text.split('\n')[5]).toBe(`${' '.repeat(38)}VOID`);
  });

  it('prints amounts with the currency’s own exponent when one is given', () => {
    const yen = renderReceiptText({
      ...receiptOf(order, priceOf(order), details),
      currency: 'JPY',
    });
    expect(yen).toContain(`TOTAL JPY${' '.repeat(67)}2337`);
  });
});

describe('wrapping', () => {
  it('breaks on spaces, cuts words longer than a line, and keeps the indent', () => {
    expect(wrap('aaa bbb ccc', 7)).toEqual(['aaa bbb', 'ccc']);
    expect(wrap('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
    expect(wrap('one two', 6, '  ')).toEqual(['  one', '  two']);
    expect(wrap('line\nbreak\ttab', 80)).toEqual(['line break tab']);
  });
});

const text = fc.string({
  // Wide characters (CJK, emoji), a combining accent and an emoji with a skin tone among them.
  unit: fc.constantFrom('a', 'é', 'W', ' ', '-', '\n', '漢', '😀', 'e\u0301', '👍🏽'),
  maxLength: 300,
});
const amount = fc.integer({ min: -1e12, max: 1e12 });
const receipt: fc.Arbitrary<Receipt> = fc.record({
  kind: fc.constantFrom('sale' as const, 'refund' as const, 'void' as const),
  currency: fc.constantFrom('EUR', 'JPY', 'KWD'),
  store: fc.record({ name: text, address: fc.array(text, { maxLength: 3 }) }),
  register: text,
  receiptNumber: fc.nat(),
  orderNumber: text,
  cashier: text,
  openedAt: fc.constant('2026-11-22T13:00:00+01:00'),
  printedAt: text,
  lines: fc.array(
    fc.record({
      quantity: fc.integer({ min: 1, max: 1000 }),
      name: text,
      variantName: fc.option(text, { nil: null }),
      unitPrice: amount,
      modifiers: fc.array(fc.record({ name: text, priceDelta: amount }), { maxLength: 2 }),
      discount: fc.option(fc.record({ label: text, amount }), { nil: null }),
      amount,
    }),
    { maxLength: 5 },
  ),
  subtotal: amount,
  discounts: fc.array(fc.record({ label: text, amount }), { maxLength: 2 }),
  serviceCharge: fc.option(fc.record({ bps: fc.nat({ max: 10_000 }), amount }), { nil: null }),
  taxes: fc.array(
    fc.record({ name: text, bps: fc.nat({ max: 10_000 }), inclusive: fc.boolean(), amount }),
    {
      maxLength: 3,
    },
  ),
  tip: amount,
  total: amount,
  tenders: fc.array(fc.record({ label: text, amount }), { maxLength: 2 }),
  change: amount,
});

describe.each([
  ['code points', (line: string) => Array.from(line).length],
  ['display columns', stringWidth],
])('any receipt, however long its names, counted in %s', (_, columns) => {
  const render = (r: Receipt) => renderReceiptText(r, { width: columns });

  it('prints no line wider than 80 columns and none with trailing spaces', () => {
    fc.assert(
      fc.property(receipt, (r) => {
        for (const line of render(r).split('\n')) {
          expect(columns(line)).toBeLessThanOrEqual(RECEIPT_WIDTH);
          expect(line).toBe(line.trimEnd());
        }
      }),
    );
  });

  it('right-aligns every amount to the last column', () => {
    fc.assert(
      fc.property(receipt, (r) => {
        const lines = render(r).split('\n');
        const format = (n: number) => formatMinor(n, r.currency);
        const endsAt80 = (n: number) =>
          lines.some((l) => columns(l) === RECEIPT_WIDTH && l.endsWith(` ${format(n)}`));
        for (const n of [r.total, r.subtotal, ...r.lines.map((l) => l.amount)]) {
          expect(endsAt80(n)).toBe(true);
        }
        const total = lines.find((l) => l.startsWith(`TOTAL ${r.currency}`));
        expect(total?.endsWith(format(r.total))).toBe(true);
        expect(columns(total ?? '')).toBe(RECEIPT_WIDTH);
      }),
    );
  });

  it('loses no character of a long name, only the spaces it breaks at', () => {
    fc.assert(
      fc.property(text, (name) => {
        const squeeze = (s: string) => Array.from(s.replace(/\s+/g, '')).join('');
        expect(squeeze(wrap(name, 30, '  ', columns).join(''))).toBe(squeeze(name));
      }),
    );
  });
});

describe('a receipt with wide characters', () => {
  it('counts a CJK character or an emoji as two columns, a combining accent as none', () => {
    expect(wrap('寿司寿司寿司', 5, '', stringWidth)).toEqual(['寿司', '寿司', '寿司']);
    expect(wrap('🍣🍣 cafe\u0301', 8, '', stringWidth)).toEqual(['🍣🍣', 'cafe\u0301']);
    // Never cut inside what a reader sees as one character.
    expect(wrap('👍🏽👍🏽', 2, '', stringWidth)).toEqual(['👍🏽', '👍🏽']);
  });

  it('right-aligns the amount of a line named in Japanese to column 80 on a printer', () => {
    const r = receiptOf(order, priceOf(order), details);
    const named = {
      ...r,
      lines: r.lines.map((l) => ({ ...l, name: '抹茶ラテ', variantName: null })),
    };
    const row = renderReceiptText(named, { width: stringWidth })
      .split('\n')
      .find((l) => l.startsWith('抹茶ラテ'));
    expect(stringWidth(row ?? '')).toBe(RECEIPT_WIDTH);
  });
});
