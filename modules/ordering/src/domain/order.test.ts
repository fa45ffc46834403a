import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decide, evolve, refundAmount, refundedUnits } from './order.ts';
import type { OrderEvent } from './order-events.ts';
import { manager, minute, newLine, placeOrder, run, withLines } from './order-fixtures.ts';
import { priceOf } from './order-pricing.ts';
import { splitBill } from './split-bill.ts';
import type { Order, OrderCommand, RefundLine } from './order-types.ts';

const code = (c: string) => expect.objectContaining({ code: c }) as Error;
const pay = (amount: number): OrderCommand => ({
  type: 'pay',
  payments: [{ paymentId: 'pay-1', amount }],
});
const paid = (): Order => run([pay(2350)], withLines()).state;

describe('placing an order', () => {
  it('opens it and says so in an OrderPlaced event', () => {
    const { state, events } = decide(null, placeOrder({ type: 'takeaway' }), minute(0));
    expect(state).toMatchObject({ status: 'open', currency: 'EUR', lines: [], tip: 0 });
    expect(events).toEqual([
      expect.objectContaining({ type: 'OrderPlaced', at: '2026-11-22T12:00:00.000Z' }),
    ]);
  });

  it('needs a table for dine-in and a name and address for delivery', () => {
    expect(() => decide(null, placeOrder({ type: 'dine-in', tableId: ' ' }), minute(0))).toThrow(
      code('table-required'),
    );
    const delivery = { type: 'delivery', recipientName: 'Ana', address: '' } as const;
    expect(() => decide(null, placeOrder(delivery), minute(0))).toThrow(
      code('delivery-details-required'),
    );
  });

  it('refuses a currency that is not an ISO 4217 code', () => {
    const command = { ...placeOrder({ type: 'retail' }), currency: 'euro' };
    expect(() => decide(null, command, minute(0))).toThrow(code('invalid-currency'));
  });

  it('happens once, and nothing else happens to an order never placed', () => {
    expect(() => decide(withLines(), placeOrder(), minute(9))).toThrow(
      code('order-already-exists'),
    );
    expect(() => decide(null, { type: 'close' }, minute(0))).toThrow(code('order-not-found'));
  });
});

describe('paying an order', () => {
  it('records the priced total when the payments add up to it', () => {
    const order = withLines();
    expect(priceOf(order).totals.total).toBe(2350);
    const { state, events } = decide(
      order,
      {
        type: 'pay',
        payments: [
          { paymentId: 'cash', amount: 1000 },
          { paymentId: 'card', amount: 1350 },
        ],
      },
      minute(5),
    );
    expect(state).toMatchObject({
      status: 'paid',
      paidAmount: 2350,
      paidAt: minute(5).toISOString(),
    });
    expect(events).toEqual([expect.objectContaining({ type: 'OrderPaid', amount: 2350 })]);
  });

  it('refuses payments that do not add up, saying what was expected', () => {
    expect(() => decide(withLines(), pay(2349), minute(5))).toThrow(
      expect.objectContaining({
        code: 'payment-amount-mismatch',
        details: { expected: 2350, received: 2349 },
      }),
    );
  });

  it('refuses an order without lines, a payment without an id, and paying twice', () => {
    const empty = run([placeOrder()]).state;
    expect(() => decide(empty, pay(0), minute(1))).toThrow(code('order-empty'));
    const noId = { type: 'pay', payments: [{ paymentId: '', amount: 2350 }] } as const;
    expect(() => decide(withLines(), noId, minute(1))).toThrow(code('invalid-payment'));
    expect(() => decide(paid(), pay(2350), minute(9))).toThrow(code('invalid-order-transition'));
  });

  it('freezes the lines, discounts and tip', () => {
    const order = paid();
    expect(() => decide(order, { type: 'add-line', line: newLine('x') }, minute(9))).toThrow(
      code('order-not-open'),
    );
    expect(() => decide(order, { type: 'set-tip', amount: 100 }, minute(9))).toThrow(
      code('order-not-open'),
    );
  });
});

describe('paying a split bill part by part', () => {
  const payPart = (partId: string, amount: number, paymentId = `pay-${partId}`): OrderCommand => ({
    type: 'pay-part',
    partId,
    amount,
    payments: [{ paymentId, amount, tip: 50, label: 'Card •••• 4242' }],
  });
  const partly = (): Order => run([payPart('1', 1000)], withLines()).state;

  it('records a part’s payments and leaves the order open for the rest', () => {
    const { state, events } = decide(withLines(), payPart('1', 1000), minute(3));
    expect(state).toMatchObject({
      status: 'open',
      paidAmount: 1000,
      payments: [{ paymentId: 'pay-1', amount: 1000, tip: 50 }],
      paidParts: [{ partId: '1', amount: 1000, payments: [{ label: 'Card •••• 4242' }] }],
    });
    expect(events).toEqual([expect.objectContaining({ type: 'OrderPartPaid', partId: '1' })]);
  });

  it('pays the order with the parts’ payments first, then what settles it', () => {
    const settled: OrderCommand = {
      type: 'pay',
      payments: [
        { paymentId: 'pay-1', amount: 1000, tip: 50 },
        { paymentId: 'cash', amount: 1350 },
      ],
    };
    const { state } = decide(partly(), settled, minute(4));
    expect(state).toMatchObject({ status: 'paid', paidAmount: 2350 });
    expect(state.payments.map((p) => p.paymentId)).toEqual(['pay-1', 'cash']);
    // Without the part's payment, or with it twice, the bill does not add up.
    expect(() => decide(partly(), pay(2350), minute(4))).toThrow(code('invalid-payment'));
    const twice = { type: 'pay', payments: [settled.payments[0]!, settled.payments[0]!] } as const;
    expect(() => decide(partly(), twice, minute(4))).toThrow(code('invalid-payment'));
  });

  it('pays each part once, never the whole of what is left, and never with a used payment id', () => {
    expect(() => decide(partly(), payPart('1', 500, 'other'), minute(4))).toThrow(
      code('invalid-order-transition'),
    );
    expect(() => decide(partly(), payPart('2', 1350), minute(4))).toThrow(
      code('payment-amount-mismatch'),
    );
    expect(() => decide(partly(), payPart('2', 300, 'pay-1'), minute(4))).toThrow(
      code('invalid-payment'),
    );
    const short = { ...payPart('2', 300), amount: 400 } as OrderCommand;
    expect(() => decide(partly(), short, minute(4))).toThrow(code('payment-amount-mismatch'));
    expect(() => decide(paid(), payPart('2', 300), minute(4))).toThrow(
      code('invalid-order-transition'),
    );
  });

  it('freezes what the bill is made of, and the void, until the rest is paid', () => {
    const order = partly();
    const changes: OrderCommand[] = [
      { type: 'add-line', line: newLine('x') },
      { type: 'change-quantity', lineId: 'burger', quantity: 1 },
      { type: 'remove-line', lineId: 'soup' },
      { type: 'set-line-discount', lineId: 'soup', discount: { kind: 'fixed', amount: 100 } },
      { type: 'set-order-discount', discount: { kind: 'percent', bps: 1000 } },
      { type: 'set-service-charge', serviceCharge: { bps: 1000 } },
      { type: 'set-tip', amount: 100 },
      { type: 'void', reason: 'walked out', approval: manager },
    ];
    for (const change of changes) {
      expect(() => decide(order, change, minute(5))).toThrow(code('order-partly-paid'));
    }
    // The kitchen still gets its courses.
    expect(decide(order, { type: 'fire-course', course: 1 }, minute(5)).state.status).toBe('sent');
  });

  it('counts a part’s money given back through payments and keeps the rest owed', () => {
    const given: OrderCommand = {
      type: 'record-payment-refund',
      refundId: 'r1',
      amount: 1000,
      reason: 'changed their mind',
      approvedBy: null,
    };
    const { state } = decide(partly(), given, minute(5));
    expect(state).toMatchObject({ status: 'open', paidAmount: 1000, refundedAmount: 1000 });
    // Settling the rest sells the order with the refund on it.
    const settled = decide(
      state,
      {
        type: 'pay',
        payments: [
          { paymentId: 'pay-1', amount: 1000, tip: 50 },
          { paymentId: 'cash', amount: 1350 },
        ],
      },
      minute(6),
    ).state;
    expect(settled).toMatchObject({ status: 'paid', paidAmount: 2350, refundedAmount: 1000 });
    // An order nothing was paid on has no money to give back.
    expect(() => decide(withLines(), given, minute(5))).toThrow(code('invalid-order-transition'));
  });
});

describe('an order a checkout is paying', () => {
  const hold = (checkoutId = 'co-1'): OrderCommand => ({ type: 'hold-for-checkout', checkoutId });
  const held = (): Order => run([hold()], withLines()).state;

  it('cannot change, be split or be voided by anyone else until the checkout ends', () => {
    const order = held();
    expect(order.checkout).toMatchObject({ checkoutId: 'co-1' });
    const changes: OrderCommand[] = [
      { type: 'add-line', line: newLine('x') },
      { type: 'change-quantity', lineId: 'burger', quantity: 1 },
      { type: 'set-order-discount', discount: { kind: 'percent', bps: 1000 } },
      { type: 'set-tip', amount: 100 },
      { type: 'void', reason: 'walked out', approval: manager },
      hold('co-2'),
    ];
    for (const change of changes) {
      expect(() => decide(order, change, minute(5))).toThrow(code('order-in-checkout'));
    }
    expect(() => splitBill(order, { mode: 'even', parts: 2 })).toThrow(code('order-in-checkout'));
    // Holding it again for the same checkout changes nothing; the kitchen still fires.
    expect(decide(order, hold(), minute(5)).events).toEqual([]);
    expect(decide(order, { type: 'fire-course', course: 1 }, minute(5)).state.status).toBe('sent');
  });

  it('is freed by its payment or by its undoing, and is not voided while it holds the order', () => {
    expect(decide(held(), pay(2350), minute(6)).state.checkout).toBeNull();
    const released = decide(held(), { type: 'release-checkout', checkoutId: 'co-1' }, minute(6));
    expect(released.state.checkout).toBeNull();
    expect(decide(released.state, { type: 'set-tip', amount: 100 }, minute(7)).state.tip).toBe(100);
    // Another checkout's release frees nothing.
    expect(
      decide(held(), { type: 'release-checkout', checkoutId: 'co-2' }, minute(6)).events,
    ).toEqual([]);
    expect(() => decide(held(), { type: 'void', reason: 'declined' }, minute(6))).toThrow(
      code('order-in-checkout'),
    );
  });
});

describe('closing an order', () => {
  it('follows payment', () => {
    expect(decide(paid(), { type: 'close' }, minute(9)).state.status).toBe('closed');
  });

  it('is refused before payment', () => {
    expect(() => decide(withLines(), { type: 'close' }, minute(9))).toThrow(
      code('invalid-order-transition'),
    );
  });

  it('still happens after a refund, which the status keeps, and only once', () => {
    const refunded = run(
      [
        {
          type: 'refund',
          refundId: 'r1',
          lines: [{ lineId: 'soup', quantity: 1 }],
          amount: 550,
          reason: 'cold',
          approval: manager,
        },
      ],
      paid(),
    ).state;
    const { state } = decide(refunded, { type: 'close' }, minute(9));
    expect(state).toMatchObject({
      status: 'partially-refunded',
      closedAt: minute(9).toISOString(),
    });
    expect(() => decide(state, { type: 'close' }, minute(10))).toThrow(
      code('invalid-order-transition'),
    );
    const closed = decide(paid(), { type: 'close' }, minute(9)).state;
    expect(() => decide(closed, { type: 'close' }, minute(10))).toThrow(
      code('invalid-order-transition'),
    );
  });
});

describe('voiding an order', () => {
  const voidIt = (extra: Partial<Extract<OrderCommand, { type: 'void' }>> = {}): OrderCommand => ({
    type: 'void',
    reason: 'customer left',
    ...extra,
  });

  it('needs only a reason while nothing was cooked or paid', () => {
    const { state, events } = decide(withLines(), voidIt(), minute(9));
    expect(state.status).toBe('voided');
    expect(events).toEqual([
      expect.objectContaining({ type: 'OrderVoided', from: 'open', approval: null }),
    ]);
    expect(() => decide(withLines(), voidIt({ reason: '  ' }), minute(9))).toThrow(
      code('reason-required'),
    );
  });

  it('needs a manager once the kitchen has seen a line', () => {
    const sent = run([{ type: 'fire-course', course: 1 }], withLines()).state;
    expect(() => decide(sent, voidIt(), minute(9))).toThrow(code('manager-approval-required'));
    expect(decide(sent, voidIt({ approval: manager }), minute(9)).state.voided).toMatchObject({
      reason: 'customer left',
      approval: manager,
    });
  });

  it('voids a paid order only once its payments were voided, and with a manager', () => {
    expect(() => decide(paid(), voidIt({ approval: manager }), minute(9))).toThrow(
      code('payment-not-voided'),
    );
    expect(() => decide(paid(), voidIt({ paymentsVoided: true }), minute(9))).toThrow(
      code('manager-approval-required'),
    );
    const voided = decide(paid(), voidIt({ paymentsVoided: true, approval: manager }), minute(9));
    expect(voided.state.status).toBe('voided');
  });

  it('is refused once the order is closed, and a voided order stays voided', () => {
    const closed = run([{ type: 'close' }], paid()).state;
    const command = voidIt({ approval: manager, paymentsVoided: true });
    expect(() => decide(closed, command, minute(9))).toThrow(code('invalid-order-transition'));
    const voided = decide(withLines(), voidIt(), minute(9)).state;
    expect(() => decide(voided, voidIt(), minute(9))).toThrow(code('invalid-order-transition'));
    expect(() => decide(voided, pay(2350), minute(9))).toThrow(code('invalid-order-transition'));
  });
});

describe('changing what the order costs', () => {
  it('refuses a change that leaves the order past the safe range of amounts, and stores nothing', () => {
    const order = withLines();
    expect(() =>
      decide(order, { type: 'set-tip', amount: Number.MAX_SAFE_INTEGER }, minute(9)),
    ).toThrow(code('invalid-amount'));
    // Priced at nothing, the lines leave room for the tip; taking the discount off again does not.
    const free = run(
      [
        { type: 'set-order-discount', discount: { kind: 'percent', bps: 10_000 } },
        { type: 'set-tip', amount: Number.MAX_SAFE_INTEGER - 1 },
      ],
      order,
    ).state;
    expect(priceOf(free).totals.total).toBe(Number.MAX_SAFE_INTEGER - 1);
    expect(() => decide(free, { type: 'set-order-discount', discount: null }, minute(10))).toThrow(
      code('invalid-amount'),
    );
  });
});

describe('refunding an order', () => {
  const refund = (
    refundId: string,
    lines: RefundLine[],
    amount: number,
    approval = manager,
  ): OrderCommand => ({ type: 'refund', refundId, lines, amount, reason: 'cold food', approval });
  const burger = (quantity: number): RefundLine => ({ lineId: 'burger', quantity });
  const soup: RefundLine = { lineId: 'soup', quantity: 1 };
  const closed = () => run([{ type: 'close' }], paid()).state;

  it('is partial until every unit paid for was given back', () => {
    const partly = decide(closed(), refund('r1', [burger(1)], 900), minute(9)).state;
    expect(partly).toMatchObject({ status: 'partially-refunded', refundedAmount: 900 });
    expect(partly.refunds[0]).toMatchObject({ refundId: 'r1', lines: [burger(1)], amount: 900 });
    const fully = decide(partly, refund('r2', [soup, burger(1)], 1450), minute(10)).state;
    expect(fully).toMatchObject({ status: 'refunded', refundedAmount: 2350 });
    expect(() => decide(fully, refund('r3', [soup], 550), minute(11))).toThrow(
      code('invalid-order-transition'),
    );
  });

  it('lets the items still be given back after a card tip was given back through payments', () => {
    const tipped = run(
      [
        { type: 'pay', payments: [{ paymentId: 'card', amount: 2350, tip: 200 }] },
        {
          type: 'record-payment-refund',
          refundId: 'tip-back',
          amount: 200,
          reason: 'tip keyed twice',
          approvedBy: null,
        },
      ],
      withLines(),
    ).state;
    expect(tipped).toMatchObject({ status: 'partially-refunded', refundedAmount: 200 });
    const all = decide(tipped, refund('r1', [soup, burger(2)], 2350), minute(9)).state;
    expect(all).toMatchObject({ status: 'refunded', refundedAmount: 2550 });
  });

  it('gives each unit back once at most, over any number of refunds', () => {
    expect(refundAmount(closed(), [burger(1), burger(1)])).toBe(1800);
    expect(() => refundAmount(closed(), [burger(3)])).toThrow(
      expect.objectContaining({
        code: 'refund-exceeds-line',
        details: { lineId: 'burger', refundable: 2 },
      }),
    );
    const once = decide(closed(), refund('r1', [burger(2)], 1800), minute(9)).state;
    expect(refundedUnits(once).get('burger')).toBe(2);
    expect(() => decide(once, refund('r2', [burger(1)], 900), minute(10))).toThrow(
      expect.objectContaining({
        code: 'refund-exceeds-line',
        details: { lineId: 'burger', refundable: 0 },
      }),
    );
    expect(() => refundAmount(once, [{ lineId: 'salad', quantity: 1 }])).toThrow(
      code('line-not-found'),
    );
    expect(() => refundAmount(once, [])).toThrow(code('invalid-quantity'));
  });

  it('gives back exactly a line’s total when its units are refunded one at a time', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 50, max: 5000 }),
        fc.integer({ min: 0, max: 9000 }),
        (quantity, unitPrice, bps) => {
          let state = run(
            [
              placeOrder(),
              {
                type: 'add-line',
                line: newLine('tea', { quantity, unitPrice, discount: { kind: 'percent', bps } }),
              },
            ],
            null,
          ).state;
          const total = priceOf(state).totals.total;
          state = run([pay(total), { type: 'close' }], state).state;
          const amounts: number[] = [];
          for (let unit = 0; unit < quantity; unit += 1) {
            const lines = [{ lineId: 'tea', quantity: 1 }];
            const amount = refundAmount(state, lines);
            amounts.push(amount);
            state = decide(state, refund(`r${unit}`, lines, amount), minute(9 + unit)).state;
          }
          expect(amounts.reduce((sum, a) => sum + a, 0)).toBe(total);
          expect(Math.max(...amounts) - Math.min(...amounts)).toBeLessThanOrEqual(1);
          expect(state.status).toBe('refunded');
        },
      ),
    );
  });

  it('records the amount its units come to, and nothing else', () => {
    expect(() => decide(closed(), refund('r1', [burger(1)], 901), minute(9))).toThrow(
      code('order-concurrency-conflict'),
    );
  });

  it('never exceeds what was paid minus what was refunded, refunds kept without units included', () => {
    // A refund recorded before units were kept per line names none of them.
    const earlier: OrderEvent = {
      type: 'OrderRefunded',
      orderId: closed().orderId,
      at: minute(9).toISOString(),
      refundId: 'r0',
      amount: 2000,
      refundedTotal: 2000,
      reason: 'cold food',
      approval: { approvedBy: manager.approvedBy, role: manager.role },
    };
    const partly = evolve(closed(), earlier);
    expect(partly.refunds[0]!.lines).toEqual([]);
    expect(() => decide(partly, refund('r1', [burger(1)], 900), minute(10))).toThrow(
      expect.objectContaining({ code: 'refund-exceeds-paid', details: { refundable: 350 } }),
    );
  });

  it('needs a manager, a fresh refund id and a paid order', () => {
    const cashier = { approvedBy: 'user-cashier', role: 'cashier' };
    expect(() => decide(closed(), refund('r1', [soup], 550, cashier), minute(9))).toThrow(
      code('manager-approval-required'),
    );
    const once = decide(closed(), refund('r1', [soup], 550), minute(9)).state;
    expect(() => decide(once, refund('r1', [burger(1)], 900), minute(10))).toThrow(
      code('duplicate-refund'),
    );
    expect(() => decide(withLines(), refund('r1', [soup], 550), minute(9))).toThrow(
      code('invalid-order-transition'),
    );
  });

  it('speaks for a refund’s units while its money moves, one refund at a time', () => {
    const begin = (refundId: string, lines: RefundLine[], amount: number): OrderCommand => ({
      ...(refund(refundId, lines, amount) as Extract<OrderCommand, { type: 'refund' }>),
      type: 'begin-refund',
      until: minute(20).toISOString(),
    });
    const pending = decide(closed(), begin('r1', [soup], 550), minute(9)).state;
    expect(pending).toMatchObject({
      status: 'closed',
      refundedAmount: 0,
      pendingRefund: { refundId: 'r1', amount: 550, until: minute(20).toISOString() },
    });
    // Begun again: nothing new. Another refund, even of other units: not while this one runs.
    expect(decide(pending, begin('r1', [soup], 550), minute(10)).events).toEqual([]);
    for (const other of [begin('r2', [burger(1)], 900), refund('r2', [burger(1)], 900)]) {
      expect(() => decide(pending, other, minute(10))).toThrow(code('refund-in-progress'));
    }
    const done = decide(pending, refund('r1', [soup], 550), minute(11)).state;
    expect(done).toMatchObject({ refundedAmount: 550, pendingRefund: null });
    const cancelled = decide(pending, { type: 'cancel-refund', refundId: 'r1' }, minute(11));
    expect(cancelled.state).toMatchObject({ refundedAmount: 0, pendingRefund: null });
    expect(decide(cancelled.state, begin('r2', [soup], 550), minute(12)).state).toMatchObject({
      pendingRefund: { refundId: 'r2' },
    });
    expect(decide(done, { type: 'cancel-refund', refundId: 'r1' }, minute(12)).events).toEqual([]);
  });

  it('shares a refund over its payments only as portions that add up, each its own refund', () => {
    const tendered = run(
      [
        {
          type: 'pay',
          payments: [
            { paymentId: 'cash', amount: 1000 },
            { paymentId: 'card', amount: 1350 },
          ],
        },
        { type: 'close' },
      ],
      withLines(),
    ).state;
    const share = (paymentId: string, refundId: string, amount: number) => ({
      paymentId,
      tender: paymentId,
      refundId,
      amount,
    });
    const begin = (portions: ReturnType<typeof share>[]): OrderCommand => ({
      ...(refund('r1', [soup, burger(1)], 1450) as Extract<OrderCommand, { type: 'refund' }>),
      type: 'begin-refund',
      portions,
      until: minute(20).toISOString(),
    });
    const wrong = [
      [share('card', 'r1', 1350), share('cash', 'r1-cash', 99)],
      [share('card', 'r1-card', 1350), share('cash', 'r1', 100)],
      [share('card', 'r1', 1350), share('card', 'r1-b', 100)],
      [share('card', 'r1', 1350), share('cash', 'r1', 100)],
      [share('card', 'r1', 1350), share('gift', 'r1-gift', 100)],
      [share('card', 'r1', 1450), share('cash', 'r1-cash', 0)],
      [],
    ];
    for (const portions of wrong) {
      expect(() => decide(tendered, begin(portions), minute(9))).toThrow(code('invalid-payment'));
    }
    const portions = [share('card', 'r1', 1350), share('cash', 'r1-cash', 100)];
    const pending = decide(tendered, begin(portions), minute(9)).state;
    expect(pending.pendingRefund?.portions).toEqual(portions);
    const done = decide(pending, refund('r1', [soup, burger(1)], 1450), minute(10)).state;
    expect(done.refunds[0]).toMatchObject({ refundId: 'r1', amount: 1450, portions });
    // A portion's id is a recorded refund: payments cannot count it again.
    expect(() =>
      decide(
        done,
        {
          type: 'record-payment-refund',
          refundId: 'r1-cash',
          amount: 100,
          reason: 'cold',
          approvedBy: null,
        },
        minute(11),
      ),
    ).toThrow(code('duplicate-refund'));
  });
});

describe('the order’s events', () => {
  it('rebuild the same state when folded from nothing', () => {
    const { state, events } = run([
      placeOrder(),
      { type: 'add-line', line: newLine('a') },
      { type: 'add-line', line: newLine('b', { course: 2 }) },
      { type: 'fire-course', course: 1 },
      { type: 'set-order-discount', discount: { kind: 'percent', bps: 1000 } },
      { type: 'remove-line', lineId: 'a', reason: 'burnt', approval: manager },
      { type: 'set-tip', amount: 200 },
      { type: 'hold-for-checkout', checkoutId: 'co-1' },
      { type: 'release-checkout', checkoutId: 'co-1' },
      { type: 'hold-for-checkout', checkoutId: 'co-2' },
      { type: 'pay-part', partId: '1', amount: 500, payments: [{ paymentId: 'p1', amount: 500 }] },
      {
        type: 'pay',
        payments: [
          { paymentId: 'p1', amount: 500 },
          { paymentId: 'p2', amount: 510 },
        ],
      },
      { type: 'close' },
      ...(['r1', 'r2'] as const).flatMap((refundId): OrderCommand[] => [
        {
          type: 'begin-refund',
          refundId,
          lines: [{ lineId: 'b', quantity: 1 }],
          amount: 810,
          reason: 'cold',
          approval: manager,
          until: minute(30).toISOString(),
        },
        { type: 'cancel-refund', refundId },
      ]),
    ]);
    expect(events.reduce<Order | null>(evolve, null)).toEqual(state);
    expect(state.status).toBe('closed');
  });
});
