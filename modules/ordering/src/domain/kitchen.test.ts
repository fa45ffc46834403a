import { describe, expect, it } from 'vitest';
import { decide, fireCourse } from './order.ts';
import { minute, newLine, placeOrder, run, withLines } from './order-fixtures.ts';

const code = (c: string) => expect.objectContaining({ code: c }) as Error;

describe('firing a course', () => {
  const order = () =>
    run([
      placeOrder(),
      { type: 'add-line', line: newLine('soup', { name: 'Soup', kitchenStation: 'hob' }) },
      {
        type: 'add-line',
        line: newLine('fries', {
          name: 'Fries',
          kitchenStation: 'fryer',
          modifiers: [{ name: 'Extra salt', priceDelta: 0 }],
        }),
      },
      { type: 'add-line', line: newLine('salad', { name: 'Salad', kitchenStation: 'hob' }) },
      { type: 'add-line', line: newLine('water', { name: 'Water', kitchenStation: null }) },
      { type: 'add-line', line: newLine('steak', { name: 'Steak', course: 2, notes: 'rare' }) },
    ]).state;

  it('marks the course’s lines fired and groups them into one ticket per station', () => {
    const { state, tickets } = fireCourse(order(), 1, minute(10));
    expect(tickets.map((t) => [t.station, t.items.map((i) => i.lineId)])).toEqual([
      ['hob', ['soup', 'salad']],
      ['fryer', ['fries']],
    ]);
    expect(tickets[1]).toMatchObject({
      orderId: 'order-1',
      orderNumber: '42',
      course: 1,
      fulfilment: { type: 'dine-in', tableId: 'table-4' },
      firedAt: minute(10).toISOString(),
      items: [{ name: 'Fries', quantity: 1, modifiers: ['Extra salt'], notes: null }],
    });
    const firedIds = state.lines.filter((l) => l.firedAt).map((l) => l.lineId);
    expect(firedIds).toEqual(['soup', 'fries', 'salad', 'water']);
  });

  it('puts a line without a station on no ticket, though it is fired with its course', () => {
    const { state, tickets } = fireCourse(order(), 1, minute(10));
    expect(tickets.flatMap((t) => t.items.map((i) => i.lineId))).not.toContain('water');
    expect(state.lines.find((l) => l.lineId === 'water')?.firedAt).not.toBeNull();
  });

  it('sends an open order, and later courses keep it sent', () => {
    const first = fireCourse(order(), 1, minute(10));
    expect(first.state.status).toBe('sent');
    const second = fireCourse(first.state, 2, minute(30));
    expect(second.state.status).toBe('sent');
    expect(second.tickets).toEqual([
      expect.objectContaining({
        station: 'grill',
        items: [expect.objectContaining({ notes: 'rare' })],
      }),
    ]);
  });

  it('fires each line once: a course with nothing left to fire is refused', () => {
    const { state } = fireCourse(order(), 1, minute(10));
    expect(() => fireCourse(state, 1, minute(11))).toThrow(code('nothing-to-fire'));
    expect(() => fireCourse(state, 3, minute(11))).toThrow(code('nothing-to-fire'));
    expect(() => fireCourse(state, 0, minute(11))).toThrow(code('invalid-course'));
  });

  it('still works after payment, as counter service pays before the kitchen cooks', () => {
    const paid = run(
      [{ type: 'pay', payments: [{ paymentId: 'p', amount: 550 + 1800 }] }],
      withLines(),
    ).state;
    const { state, tickets } = fireCourse(paid, 2, minute(20));
    expect(state.status).toBe('paid');
    expect(tickets).toHaveLength(1);
  });

  it('is refused once the order is closed or voided', () => {
    const voided = decide(withLines(), { type: 'void', reason: 'walked out' }, minute(5)).state;
    expect(() => fireCourse(voided, 1, minute(6))).toThrow(code('invalid-order-transition'));
  });
});
