import { describe, expect, it } from 'vitest';
import { decide } from './order.ts';
import { cashier, manager, minute, newLine, run, withLines } from './order-fixtures.ts';
import { priceOf } from './order-pricing.ts';
import type { NewLine } from './order-types.ts';

const code = (c: string) => expect.objectContaining({ code: c }) as Error;
const fired = () => run([{ type: 'fire-course', course: 2 }], withLines()).state;

describe('adding a line', () => {
  it('snapshots the catalog data, so later changes to the source do not reach the order', () => {
    const source = {
      ...newLine('tea', { name: 'Tea', notes: '  no sugar ' }),
      modifiers: [{ name: 'Lemon', priceDelta: 20 }],
    };
    const { state, events } = decide(withLines(), { type: 'add-line', line: source }, minute(3));
    (source.modifiers[0] as { priceDelta: number }).priceDelta = 999;
    (source as { name: string }).name = 'Coffee';
    const line = state.lines.find((l) => l.lineId === 'tea');
    expect(line).toMatchObject({ name: 'Tea', notes: 'no sugar', firedAt: null, voided: null });
    expect(line?.modifiers).toEqual([{ name: 'Lemon', priceDelta: 20 }]);
    expect(events).toEqual([expect.objectContaining({ type: 'LineAdded', line })]);
  });

  it('puts a line in the first course unless told otherwise', () => {
    const { course: _, ...noCourse } = newLine('tea');
    const { state } = decide(withLines(), { type: 'add-line', line: noCourse }, minute(3));
    expect(state.lines.at(-1)?.course).toBe(1);
  });

  it('refuses a line id already used, a bad quantity or course, and an unpriceable snapshot', () => {
    const add = (line: NewLine) => () => decide(withLines(), { type: 'add-line', line }, minute(3));
    expect(add(newLine('soup'))).toThrow(code('duplicate-line'));
    expect(add(newLine('tea', { quantity: 0 }))).toThrow(code('invalid-quantity'));
    expect(add(newLine('tea', { course: 0 }))).toThrow(code('invalid-course'));
    const badRate = { id: 'vat-7', name: 'VAT', bps: 800, inclusive: true };
    expect(add(newLine('tea', { taxRates: [badRate] }))).toThrow(code('invalid-tax-rate'));
    expect(add(newLine('tea', { unitPrice: -1 }))).toThrow(code('invalid-amount'));
  });
});

describe('changing a quantity', () => {
  it('is free while the line has not been fired', () => {
    const { state, events } = decide(
      withLines(),
      { type: 'change-quantity', lineId: 'burger', quantity: 5 },
      minute(3),
    );
    expect(state.lines.find((l) => l.lineId === 'burger')?.quantity).toBe(5);
    expect(events).toEqual([
      expect.objectContaining({ from: 2, to: 5, reason: null, approval: null }),
    ]);
  });

  it('to the same quantity changes nothing', () => {
    const order = withLines();
    const { state, events } = decide(
      order,
      { type: 'change-quantity', lineId: 'burger', quantity: 2 },
      minute(3),
    );
    expect(events).toEqual([]);
    expect(state).toBe(order);
  });

  it('of a fired line only goes down, with a reason and a manager', () => {
    const change =
      (quantity: number, extra = {}) =>
      () =>
        decide(
          fired(),
          { type: 'change-quantity', lineId: 'burger', quantity, ...extra },
          minute(4),
        );
    expect(change(3)).toThrow(code('line-already-fired'));
    expect(change(1)).toThrow(code('reason-required'));
    expect(change(1, { reason: 'dropped' })).toThrow(code('manager-approval-required'));
    expect(change(1, { reason: 'dropped', approval: cashier })).toThrow(
      code('manager-approval-required'),
    );
    const { state, events } = change(1, { reason: 'dropped', approval: manager })();
    expect(events).toEqual([expect.objectContaining({ reason: 'dropped', approval: manager })]);
    expect(priceOf(state).totals.total).toBe(550 + 900);
  });

  it('of a line that is not there is refused', () => {
    expect(() =>
      decide(withLines(), { type: 'change-quantity', lineId: 'nope', quantity: 1 }, minute(3)),
    ).toThrow(code('line-not-found'));
  });
});

describe('removing a line', () => {
  it('that was not fired takes it off the order', () => {
    const { state, events } = decide(
      withLines(),
      { type: 'remove-line', lineId: 'burger' },
      minute(3),
    );
    expect(state.lines.map((l) => l.lineId)).toEqual(['soup']);
    expect(events).toEqual([expect.objectContaining({ type: 'LineRemoved', fired: false })]);
  });

  it('that was fired needs a reason and a manager, and keeps it on the order, unpriced', () => {
    const remove =
      (extra = {}) =>
      () =>
        decide(fired(), { type: 'remove-line', lineId: 'burger', ...extra }, minute(4));
    expect(remove()).toThrow(code('reason-required'));
    expect(remove({ reason: 'wrong table' })).toThrow(code('manager-approval-required'));
    const { state } = remove({ reason: 'wrong table', approval: manager })();
    expect(state.lines.find((l) => l.lineId === 'burger')?.voided).toEqual({
      reason: 'wrong table',
      approval: manager,
      at: minute(4).toISOString(),
    });
    expect(priceOf(state).lines.map((l) => l.lineId)).toEqual(['soup']);
    expect(() => decide(state, { type: 'remove-line', lineId: 'burger' }, minute(5))).toThrow(
      code('line-not-found'),
    );
  });
});

describe('order adjustments', () => {
  it('set discounts, service charge and tip that pricing then applies', () => {
    const { state } = run(
      [
        { type: 'set-line-discount', lineId: 'soup', discount: { kind: 'fixed', amount: 50 } },
        { type: 'set-order-discount', discount: { kind: 'percent', bps: 1000 } },
        { type: 'set-service-charge', serviceCharge: { bps: 1000 } },
        { type: 'set-tip', amount: 150 },
      ],
      withLines(),
    );
    // (500 + 1800) − 10 % = 2070, + 10 % service = 207, + tip 150.
    expect(priceOf(state).totals).toMatchObject({
      netSubtotal: 2070,
      serviceCharge: 207,
      total: 2427,
    });
  });

  it('refuse values pricing would refuse', () => {
    const order = withLines();
    expect(() =>
      decide(
        order,
        { type: 'set-order-discount', discount: { kind: 'percent', bps: -1 } },
        minute(3),
      ),
    ).toThrow(code('invalid-discount'));
    expect(() =>
      decide(order, { type: 'set-service-charge', serviceCharge: { bps: 20_000 } }, minute(3)),
    ).toThrow(code('invalid-service-charge'));
    expect(() => decide(order, { type: 'set-tip', amount: 1.5 }, minute(3))).toThrow(
      code('invalid-amount'),
    );
  });
});
