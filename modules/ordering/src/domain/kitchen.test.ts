import { describe, expect, it } from 'vitest';
import { applyTakeBack, takeBacksOf } from './kitchen.ts';
import { decide, fireCourse } from './order.ts';
import { manager, minute, newLine, placeOrder, run, withLines } from './order-fixtures.ts';

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

describe('taking back what the kitchen has seen', () => {
  const fired = () => {
    const placed = run([
      placeOrder(),
      { type: 'add-line', line: newLine('burger', { quantity: 2 }) },
      { type: 'add-line', line: newLine('fries', { name: 'Fries', variantName: 'Large' }) },
      { type: 'add-line', line: newLine('soup', { name: 'Soup', course: 2 }) },
    ]).state;
    const { state, tickets } = fireCourse(placed, 1, minute(10));
    return { state, ticket: tickets[0]! };
  };
  const approved = { reason: 'sent back', approval: manager };

  it('finds a take-back in a fired line’s void or reduction and in an order void', () => {
    const { state } = fired();
    const voided = decide(state, { type: 'remove-line', lineId: 'fries', ...approved }, minute(11));
    const reduced = decide(
      state,
      { type: 'change-quantity', lineId: 'burger', quantity: 1, ...approved },
      minute(12),
    );
    const whole = decide(
      state,
      { type: 'void', reason: 'fire alarm', approval: manager },
      minute(13),
    );
    expect(takeBacksOf(voided.events)).toEqual([
      { kind: 'line-voided', lineId: 'fries', reason: 'sent back', at: minute(11).toISOString() },
    ]);
    expect(takeBacksOf(reduced.events)).toEqual([
      {
        kind: 'line-reduced',
        lineId: 'burger',
        quantity: 1,
        reason: 'sent back',
        at: minute(12).toISOString(),
      },
    ]);
    expect(takeBacksOf(whole.events)).toEqual([
      { kind: 'order-voided', reason: 'fire alarm', at: minute(13).toISOString() },
    ]);
  });

  it('finds none in taking an unfired line off or changing its quantity', () => {
    const { state } = fired();
    const removed = decide(state, { type: 'remove-line', lineId: 'soup' }, minute(11));
    const raised = decide(
      state,
      { type: 'change-quantity', lineId: 'soup', quantity: 3 },
      minute(12),
    );
    expect(removed.events).toHaveLength(1);
    expect(raised.events).toHaveLength(1);
    expect(takeBacksOf([...removed.events, ...raised.events])).toEqual([]);
  });

  it('marks a voided line on its ticket with the reason and leaves the rest as fired', () => {
    const { ticket } = fired();
    const at = minute(11).toISOString();
    const applied = applyTakeBack(ticket, {
      kind: 'line-voided',
      lineId: 'fries',
      reason: 'sent back',
      at,
    });
    expect(applied?.ticket.items).toEqual([
      ticket.items[0],
      { ...ticket.items[1], voided: { reason: 'sent back', at } },
    ]);
    expect(applied?.change).toEqual({
      kind: 'line-voided',
      reason: 'sent back',
      at,
      items: [{ lineId: 'fries', name: 'Fries', variantName: 'Large', from: 1, to: 0 }],
    });
  });

  it('keeps the quantity first fired when a line is reduced, twice', () => {
    const { ticket } = fired();
    const reduce = (t: typeof ticket, quantity: number, m: number) =>
      applyTakeBack(t, {
        kind: 'line-reduced',
        lineId: 'burger',
        quantity,
        reason: `down to ${quantity}`,
        at: minute(m).toISOString(),
      });
    const once = reduce({ ...ticket, items: [{ ...ticket.items[0]!, quantity: 3 }] }, 2, 11)!;
    const twice = reduce(once.ticket, 1, 12)!;
    expect(twice.ticket.items[0]).toMatchObject({
      quantity: 1,
      reduced: { from: 3, reason: 'down to 1', at: minute(12).toISOString() },
    });
    expect(twice.change.items).toEqual([expect.objectContaining({ from: 2, to: 1 })]);
    expect(reduce(twice.ticket, 1, 13)).toBeNull();
  });

  it('voids every item still live when the order is voided, and touches no other ticket', () => {
    const { ticket } = fired();
    const at = minute(11).toISOString();
    const first = applyTakeBack(ticket, {
      kind: 'line-voided',
      lineId: 'burger',
      reason: 'x',
      at,
    })!;
    const whole = applyTakeBack(first.ticket, { kind: 'order-voided', reason: 'fire alarm', at })!;
    expect(whole.ticket.items.map((i) => i.voided?.reason)).toEqual(['x', 'fire alarm']);
    expect(whole.change.items.map((i) => i.lineId)).toEqual(['fries']);
    expect(applyTakeBack(whole.ticket, { kind: 'order-voided', reason: 'again', at })).toBeNull();
    expect(
      applyTakeBack(ticket, { kind: 'line-voided', lineId: 'soup', reason: 'x', at }),
    ).toBeNull();
  });
});
