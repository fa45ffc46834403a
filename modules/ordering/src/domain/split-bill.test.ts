import { describe, expect, it } from 'vitest';
import { approvalOf } from './approver.ts';
import { newLine, placeOrder, run, withLines } from './order-fixtures.ts';
import { priceOf } from './order-pricing.ts';
import { splitBill } from './split-bill.ts';

const code = (c: string) => expect.objectContaining({ code: c }) as Error;
const sum = (values: number[]) => values.reduce((s, v) => s + v, 0);

describe('splitting a bill', () => {
  const order = run([{ type: 'set-tip', amount: 101 }], withLines()).state;

  it('evenly: parts differ by at most one unit and add up, tip and taxes included', () => {
    const split = splitBill(order, { mode: 'even', parts: 3 });
    const total = priceOf(order).totals.total;
    expect(split.total).toBe(total);
    const totals = split.parts.map((p) => p.total);
    expect(sum(totals)).toBe(total);
    expect(Math.max(...totals) - Math.min(...totals)).toBeLessThanOrEqual(1);
    expect(sum(split.parts.map((p) => p.tip))).toBe(101);
    const vat = priceOf(order).totals.taxes[0]!.amount;
    expect(sum(split.parts.map((p) => p.taxes[0]!.amount))).toBe(vat);
    expect(split.parts.map((p) => p.partId)).toEqual(['1', '2', '3']);
    split.parts.forEach((p) => expect(p.subtotal + p.tip).toBe(p.total));
  });

  it('by item: every unit goes to one part and the parts add up to the order', () => {
    const split = splitBill(order, {
      mode: 'by-item',
      parts: [
        {
          partId: 'ana',
          items: [
            { lineId: 'soup', quantity: 1 },
            { lineId: 'burger', quantity: 1 },
          ],
        },
        { items: [{ lineId: 'burger', quantity: 1 }] },
      ],
    });
    expect(split.parts.map((p) => p.partId)).toEqual(['ana', '2']);
    expect(sum(split.parts.map((p) => p.total))).toBe(priceOf(order).totals.total);
  });

  it('refuses a split that leaves a unit out, an empty order and a paid one', () => {
    expect(() =>
      splitBill(order, {
        mode: 'by-item',
        parts: [
          { items: [{ lineId: 'soup', quantity: 1 }] },
          { items: [{ lineId: 'burger', quantity: 1 }] },
        ],
      }),
    ).toThrow(code('split-quantity-mismatch'));
    expect(() => splitBill(run([placeOrder()]).state, { mode: 'even', parts: 2 })).toThrow(
      code('order-empty'),
    );
    const total = priceOf(order).totals.total;
    const paid = run([{ type: 'pay', payments: [{ paymentId: 'p', amount: total }] }], order);
    expect(() => splitBill(paid.state, { mode: 'even', parts: 2 })).toThrow(code('order-not-open'));
    const partly = run(
      [{ type: 'pay-part', partId: '1', amount: 100, payments: [{ paymentId: 'p', amount: 100 }] }],
      order,
    );
    expect(() => splitBill(partly.state, { mode: 'even', parts: 3 })).toThrow(
      code('order-partly-paid'),
    );
  });

  it('leaves a voided line out of the bill', () => {
    const fired = run(
      [
        { type: 'add-line', line: newLine('wine', { name: 'Wine', unitPrice: 700, course: 1 }) },
        { type: 'fire-course', course: 1 },
        {
          type: 'remove-line',
          lineId: 'wine',
          reason: 'corked',
          approval: { approvedBy: 'm', role: 'manager' },
        },
      ],
      withLines(),
    ).state;
    expect(() =>
      splitBill(fired, {
        mode: 'by-item',
        parts: [
          { items: [{ lineId: 'wine', quantity: 1 }] },
          {
            items: [
              { lineId: 'soup', quantity: 1 },
              { lineId: 'burger', quantity: 2 },
            ],
          },
        ],
      }),
    ).toThrow(code('line-not-found'));
  });
});

describe('an approval from a verified approver', () => {
  it('counts the strongest role the approver holds', () => {
    expect(approvalOf({ id: 'u1', roles: ['cashier', 'manager'] })).toEqual({
      approvedBy: 'u1',
      role: 'manager',
    });
    expect(approvalOf({ id: 'u2', roles: ['manager', 'owner'] }).role).toBe('owner');
  });

  it('names a role that cannot approve, so the rule refuses it by name', () => {
    expect(approvalOf({ id: 'u3', roles: ['cashier'] }).role).toBe('cashier');
    expect(approvalOf({ id: 'u4', roles: [] }).role).toBe('none');
  });
});
