import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError, newId } from '@stratum/platform';
import { createTestDatabase, postgresUrl, testEngines } from '@stratum/testing';
import { drawersOpen, orderingHarness, type Harness, type Shop } from '../test-harness.ts';
import type { RefundOrderInput } from '../contract.ts';
import { recordPartPaymentIn } from './settlement.ts';
import {
  recordPaymentRefundIn,
  refundOrder,
  type PaymentRefund,
  type RefundPayments,
} from './refund-order.ts';

describe.each(testEngines())('refunds of paid orders on %s', (engine) => {
  let h: Harness;
  beforeAll(async () => {
    h = await orderingHarness(
      engine === 'postgres' ? { postgres: await createTestDatabase(postgresUrl()!) } : {},
    );
  });
  afterAll(() => h?.close());

  /** Payments in memory: what each payment can still give back, and its tender. */
  function payments(tenders: Record<string, { tender: string; refundable: number }>) {
    const refunds: { paymentId: string; refundId: string; amount: number }[] = [];
    let refuse = false;
    const port: RefundPayments = {
      refundable: (_ctx, paymentId) => Promise.resolve({ ...tenders[paymentId]! }),
      findRefund(_ctx, paymentIds, refundId) {
        const found = refunds.find((r) => r.refundId === refundId);
        return Promise.resolve(
          found && paymentIds.includes(found.paymentId)
            ? { paymentId: found.paymentId, tender: tenders[found.paymentId]!.tender }
            : undefined,
        );
      },
      refund(_ctx, { paymentId, refundId, amount }) {
        if (refuse) return Promise.reject(new DomainError('refund-limit-exceeded', 'Too much.'));
        // As payments does: a refund id is known per payment.
        if (!refunds.some((r) => r.refundId === refundId && r.paymentId === paymentId)) {
          refunds.push({ paymentId, refundId, amount });
          tenders[paymentId]!.refundable -= amount;
        }
        return Promise.resolve();
      },
    };
    return { port, refunds, refuseFromNowOn: () => void (refuse = true) };
  }

  /** A burger and fries, paid 4.00 in cash and the rest by card. */
  async function paidOrder(s: Shop) {
    const ctx = s.cashier.ctx;
    const { orderId } = await h.api.createOrder(ctx, {
      storeId: s.storeId,
      registerId: s.registerId,
      fulfilment: { type: 'takeaway' },
    });
    await h.api.addLine(ctx, orderId, { variantId: s.menu.burger.variantId, quantity: 1 });
    const order = await h.api.addLine(ctx, orderId, {
      variantId: s.menu.fries.variantId,
      quantity: 2,
    });
    const total = order.totals.total;
    const cash = newId();
    const card = newId();
    await h.module.checkout.recordPayment(ctx, orderId, {
      payments: [
        { paymentId: cash, amount: 400 },
        { paymentId: card, amount: total - 400 },
      ],
      receiptNumber: 1,
      paidAt: h.clock.now(),
    });
    const fries = order.lines.find((l) => l.name === 'Fries')!;
    const pay = payments({
      [cash]: { tender: 'cash', refundable: 400 },
      [card]: { tender: 'card', refundable: total - 400 },
    });
    const refund = refundOrder(h.module.deps, drawersOpen, pay.port);
    /** One portion of fries back, with the shop's manager approving; `extra` adds to the request. */
    const oneFries = (key: string, extra: Partial<RefundOrderInput> = {}) =>
      refund(
        s.cashier.ctx,
        orderId,
        {
          lines: [{ lineId: fries.lineId, quantity: 1 }],
          reason: 'cold',
          approval: { token: s.manager.token },
          ...extra,
        },
        key,
      );
    return { orderId, cash, card, fries, pay, refund, oneFries };
  }

  const refunded = async (tenant: string) =>
    (await h.events(tenant, 'ordering.order-refunded')).map((e) => e.payload);

  it('announces a refund with the order’s register and the tender of the payment it went back to', async () => {
    const s = h.shop();
    const o = await paidOrder(s);
    h.clock.advance(60_000);
    const order = await o.refund(
      s.cashier.ctx,
      o.orderId,
      {
        lines: [{ lineId: o.fries.lineId, quantity: 1 }],
        reason: 'cold',
        approval: { token: s.manager.token },
      },
      'refund-1',
    );
    expect(o.pay.refunds).toEqual([
      { paymentId: o.card, refundId: expect.any(String), amount: 350 },
    ]);
    expect(await refunded(s.tenant)).toEqual([
      {
        orderId: o.orderId,
        storeId: s.storeId,
        registerId: s.registerId,
        refundId: o.pay.refunds[0]!.refundId,
        paymentId: o.card,
        tender: 'card',
        amount: 350,
        currency: order.currency,
        refundedTotal: 350,
        reason: 'cold',
        approvedBy: s.manager.ctx.actor.id,
        refundedAt: h.clock.now().toISOString(),
      },
    ]);
  });

  it('names the register the money was given back at, and the tender of the payment asked for', async () => {
    const s = h.shop();
    const o = await paidOrder(s);
    const counter = h.stores.addRegister(s.storeId);
    await o.refund(
      s.cashier.ctx,
      o.orderId,
      {
        lines: [{ lineId: o.fries.lineId, quantity: 1 }],
        reason: 'wrong order',
        approval: { token: s.manager.token },
        paymentId: o.cash,
        registerId: counter,
      },
      'refund-at-the-counter',
    );
    expect(await refunded(s.tenant)).toEqual([
      expect.objectContaining({
        registerId: counter,
        paymentId: o.cash,
        tender: 'cash',
        amount: 350,
      }),
    ]);
  });

  it('announces a refund once however often it is retried, and none that payments refused', async () => {
    const s = h.shop();
    const o = await paidOrder(s);
    const input = {
      lines: [{ lineId: o.fries.lineId, quantity: 1 }],
      reason: 'cold',
      approval: { token: s.manager.token },
    };
    await o.refund(s.cashier.ctx, o.orderId, input, 'once');
    const again = await o.refund(s.cashier.ctx, o.orderId, input, 'once');
    expect(again.refundedAmount).toBe(350);
    o.pay.refuseFromNowOn();
    await expect(o.refund(s.cashier.ctx, o.orderId, input, 'twice')).rejects.toMatchObject({
      code: 'refund-limit-exceeded',
    });
    expect((await h.api.getOrder(s.cashier.ctx, o.orderId)).refundedAmount).toBe(350);
    expect(await refunded(s.tenant)).toHaveLength(1);
  });

  it('goes back to the payment the first attempt refunded when a crash left the order unrecorded', async () => {
    const s = h.shop();
    const o = await paidOrder(s);
    const total = (await h.api.getOrder(s.cashier.ctx, o.orderId)).totals.total;
    const input = {
      lines: [{ lineId: o.fries.lineId, quantity: 2 }],
      reason: 'cold',
      approval: { token: s.manager.token },
    };
    // The first attempt: the card gives the money back, then the process dies before the order records it.
    let crash = true;
    const crashing = refundOrder(h.module.deps, drawersOpen, {
      ...o.pay.port,
      async refund(ctx, args) {
        await o.pay.port.refund(ctx, args);
        if (crash) throw new Error('process died');
      },
    });
    await expect(crashing(s.cashier.ctx, o.orderId, input, 'retried')).rejects.toThrow('died');
    expect(o.pay.refunds.map((r) => r.paymentId)).toEqual([o.card]);
    crash = false;
    // What is left on the card may now be less than the refund: the retry must not pick the cash.
    const after = await crashing(s.cashier.ctx, o.orderId, input, 'retried');
    expect(o.pay.refunds.map((r) => r.paymentId)).toEqual([o.card]);
    expect(after.refundedAmount).toBe(700);
    expect((await refunded(s.tenant)).map((r) => (r as { paymentId: string }).paymentId)).toEqual([
      o.card,
    ]);
    expect(total).toBeGreaterThan(700);
  });

  it('gives each unit back once, however many refunds ask for it, before any money moves', async () => {
    const s = h.shop();
    const o = await paidOrder(s);
    await o.oneFries('first');
    const both = await o.oneFries('second');
    expect(both.refundedAmount).toBe(700);
    expect(both.lines.find((l) => l.lineId === o.fries.lineId)!.refundedQuantity).toBe(2);
    await expect(o.oneFries('third')).rejects.toMatchObject({
      code: 'refund-exceeds-line',
      details: { lineId: o.fries.lineId, refundable: 0 },
    });
    expect(o.pay.refunds.map((r) => r.amount)).toEqual([350, 350]);
    expect((await h.api.getOrder(s.cashier.ctx, o.orderId)).refundedAmount).toBe(700);
  });

  it('refuses an Idempotency-Key used before for other units, and replays it for the same', async () => {
    const s = h.shop();
    const o = await paidOrder(s);
    const burger = (await h.api.getOrder(s.cashier.ctx, o.orderId)).lines.find(
      (l) => l.lineId !== o.fries.lineId,
    )!;
    const input = (lineId: string, quantity = 1) => ({
      lines: [{ lineId, quantity }],
      reason: 'cold',
      approval: { token: s.manager.token },
    });
    await o.refund(s.cashier.ctx, o.orderId, input(o.fries.lineId), 'key');
    await expect(
      o.refund(s.cashier.ctx, o.orderId, input(burger.lineId), 'key'),
    ).rejects.toMatchObject({ code: 'idempotency-key-reused' });
    await expect(
      o.refund(s.cashier.ctx, o.orderId, input(o.fries.lineId, 2), 'key'),
    ).rejects.toMatchObject({ code: 'idempotency-key-reused' });
    const replayed = await o.refund(s.cashier.ctx, o.orderId, input(o.fries.lineId), 'key');
    expect(replayed.refundedAmount).toBe(350);
    expect(o.pay.refunds).toHaveLength(1);
  });

  it('gives money back at a register of the order’s store only', async () => {
    const s = h.shop();
    const o = await paidOrder(s);
    const elsewhere = h.stores.addRegister(h.stores.add().id);
    await expect(o.oneFries('at-another-store', { registerId: elsewhere })).rejects.toMatchObject({
      code: 'register-not-in-store',
    });
    expect(o.pay.refunds).toEqual([]);
  });

  it('pays cash back only out of an open drawer, and cards whatever the drawer', async () => {
    const s = h.shop();
    const o = await paidOrder(s);
    const closedAt = new Set([s.registerId]);
    const drawers = { isOpen: (_ctx: unknown, id: string) => Promise.resolve(!closedAt.has(id)) };
    const refund = refundOrder(h.module.deps, drawers, o.pay.port);
    const fries = (key: string, paymentId: string) =>
      refund(
        s.cashier.ctx,
        o.orderId,
        {
          lines: [{ lineId: o.fries.lineId, quantity: 1 }],
          reason: 'cold',
          approval: { token: s.manager.token },
          paymentId,
        },
        key,
      );
    await expect(fries('cash-closed', o.cash)).rejects.toMatchObject({ code: 'drawer-not-open' });
    expect(o.pay.refunds).toEqual([]);
    expect((await h.api.getOrder(s.cashier.ctx, o.orderId)).refundInProgress).toBeNull();
    await fries('card-closed', o.card);
    closedAt.clear();
    const after = await fries('cash-open', o.cash);
    expect(o.pay.refunds.map((r) => r.paymentId)).toEqual([o.card, o.cash]);
    expect(after.lines.find((l) => l.lineId === o.fries.lineId)?.refundedQuantity).toBe(2);
  });

  it('gives a unit back to what paid for it when the bill was split by item', async () => {
    const s = h.shop();
    const ctx = s.cashier.ctx;
    const { orderId } = await h.api.createOrder(ctx, {
      storeId: s.storeId,
      registerId: s.registerId,
      fulfilment: { type: 'takeaway' },
    });
    await h.api.addLine(ctx, orderId, { variantId: s.menu.soup.variantId, quantity: 1 });
    const order = await h.api.addLine(ctx, orderId, {
      variantId: s.menu.burger.variantId,
      quantity: 1,
    });
    const [soup, burger] = order.lines;
    const split = await h.api.splitBill(ctx, orderId, {
      mode: 'by-item',
      parts: [
        { partId: 'ana', items: [{ lineId: soup!.lineId, quantity: 1 }] },
        { partId: 'ben', items: [{ lineId: burger!.lineId, quantity: 1 }] },
      ],
    });
    const [ana, ben] = split.parts;
    // Ana pays her soup in cash on her own; Ben's burger is paid by card when the bill is settled.
    const cash = newId();
    const card = newId();
    await h.module.deps.store.inTenant(ctx, (repo) =>
      recordPartPaymentIn(repo, ctx, orderId, {
        partId: 'ana',
        payments: [{ paymentId: cash, amount: ana!.total, label: 'Cash (part ana)' }],
        paidAt: h.clock.now(),
      }),
    );
    await h.module.checkout.recordPayment(ctx, orderId, {
      payments: [{ paymentId: card, amount: ben!.total }],
      receiptNumber: 1,
      paidAt: h.clock.now(),
    });
    const pay = payments({
      [cash]: { tender: 'cash', refundable: ana!.total },
      [card]: { tender: 'card', refundable: ben!.total },
    });
    const refund = refundOrder(h.module.deps, drawersOpen, pay.port);
    const back = (lineId: string, key: string) =>
      refund(
        ctx,
        orderId,
        {
          lines: [{ lineId, quantity: 1 }],
          reason: 'cold',
          approval: { token: s.manager.token },
        },
        key,
      );
    await back(soup!.lineId, 'ana-soup');
    await back(burger!.lineId, 'ben-burger');
    expect(pay.refunds.map((r) => r.paymentId)).toEqual([cash, card]);
  });

  /** Everything on the order back: more than either of its two payments took. */
  async function everything(s: Shop, orderId: string) {
    const order = await h.api.getOrder(s.cashier.ctx, orderId);
    return {
      lines: order.lines.map((l) => ({ lineId: l.lineId, quantity: l.quantity })),
      reason: 'wrong order',
      approval: { token: s.manager.token },
    };
  }

  it('shares a refund no single payment can take over the payments that took it, card first', async () => {
    const s = h.shop();
    const o = await paidOrder(s);
    const total = (await h.api.getOrder(s.cashier.ctx, o.orderId)).totals.total;
    const request = await everything(s, o.orderId);
    const order = await o.refund(s.cashier.ctx, o.orderId, request, 'all-back');
    expect(order).toMatchObject({ status: 'refunded', refundedAmount: total, replayed: false });
    expect(o.pay.refunds).toEqual([
      { paymentId: o.card, refundId: expect.any(String), amount: total - 400 },
      { paymentId: o.cash, refundId: expect.any(String), amount: 400 },
    ]);
    const [cardShare, cashShare] = o.pay.refunds;
    expect(cardShare!.refundId).not.toBe(cashShare!.refundId);
    // One announcement per share: the drawer pays out the cash share only.
    expect(await refunded(s.tenant)).toEqual([
      expect.objectContaining({
        refundId: cardShare!.refundId,
        paymentId: o.card,
        tender: 'card',
        amount: total - 400,
        refundedTotal: total - 400,
      }),
      expect.objectContaining({
        refundId: cashShare!.refundId,
        paymentId: o.cash,
        tender: 'cash',
        amount: 400,
        refundedTotal: total,
      }),
    ]);

    // A retry replays; payments' own word on the cash share is known to the order.
    const again = await o.refund(s.cashier.ctx, o.orderId, request, 'all-back');
    expect(again).toMatchObject({ refundedAmount: total, replayed: true });
    const told = await h.module.deps.store.inTenant(s.cashier.ctx, (repo) =>
      recordPaymentRefundIn(h.module.deps, repo, s.cashier.ctx, {
        orderId: o.orderId,
        paymentId: o.cash,
        refundId: cashShare!.refundId,
        amount: 400,
        reason: 'wrong order',
        approvedBy: s.manager.ctx.actor.id,
        tender: 'cash',
        toOriginalTender: true,
      }),
    );
    expect(told).toBe('already-known');
    await expect(o.oneFries('more')).rejects.toMatchObject({
      code: 'invalid-order-transition',
      message: 'Everything paid for this order was given back already.',
    });
    expect(o.pay.refunds).toHaveLength(2);
    expect(await refunded(s.tenant)).toHaveLength(2);
    expect((await h.api.getOrder(s.cashier.ctx, o.orderId)).refundedAmount).toBe(total);
  });

  it('gives back for items what each payment paid for them, never a card’s tip', async () => {
    const s = h.shop();
    const ctx = s.cashier.ctx;
    const { orderId } = await h.api.createOrder(ctx, {
      storeId: s.storeId,
      registerId: s.registerId,
      fulfilment: { type: 'takeaway' },
    });
    const order = await h.api.addLine(ctx, orderId, {
      variantId: s.menu.fries.variantId,
      quantity: 4,
    });
    const total = order.totals.total;
    const [cash, card] = [newId(), newId()];
    await h.module.checkout.recordPayment(ctx, orderId, {
      payments: [
        { paymentId: card, amount: total - 400, tip: 300 },
        { paymentId: cash, amount: 400 },
      ],
      receiptNumber: 1,
      paidAt: h.clock.now(),
    });
    const pay = payments({
      [card]: { tender: 'card', refundable: total - 400 + 300 },
      [cash]: { tender: 'cash', refundable: 400 },
    });
    const refund = refundOrder(h.module.deps, drawersOpen, pay.port);
    const fries = (quantity: number, extra: Partial<RefundOrderInput> = {}) => ({
      lines: [{ lineId: order.lines[0]!.lineId, quantity }],
      reason: 'cold',
      approval: { token: s.manager.token },
      ...extra,
    });
    // Named, the card cannot give back more than it paid for the fries.
    await expect(
      refund(ctx, orderId, fries(4, { paymentId: card }), 'all-to-card'),
    ).rejects.toMatchObject({ code: 'refund-exceeds-paid', details: { refundable: total - 400 } });
    const after = await refund(ctx, orderId, fries(4), 'all');
    expect(after).toMatchObject({ status: 'refunded', refundedAmount: total });
    expect(pay.refunds.map((r) => [r.paymentId, r.amount])).toEqual([
      [card, total - 400],
      [cash, 400],
    ]);
  });

  it('carries on a shared refund cut off between its shares, under the same key', async () => {
    const s = h.shop();
    const o = await paidOrder(s);
    const total = (await h.api.getOrder(s.cashier.ctx, o.orderId)).totals.total;
    const request = await everything(s, o.orderId);
    const dyingAtCash = refundOrder(h.module.deps, drawersOpen, {
      ...o.pay.port,
      refund: (ctx, args) =>
        args.paymentId === o.cash
          ? Promise.reject(new Error('process died'))
          : o.pay.port.refund(ctx, args),
    });
    await expect(dyingAtCash(s.cashier.ctx, o.orderId, request, 'cut-off')).rejects.toThrow('died');
    expect(o.pay.refunds.map((r) => r.paymentId)).toEqual([o.card]);
    await expect(o.oneFries('meanwhile')).rejects.toMatchObject({ code: 'refund-in-progress' });
    // The key's plan shares the money out: it cannot be sent to one payment now.
    await expect(
      o.refund(s.cashier.ctx, o.orderId, { ...request, paymentId: o.cash }, 'cut-off'),
    ).rejects.toMatchObject({ code: 'idempotency-key-reused' });

    const order = await o.refund(s.cashier.ctx, o.orderId, request, 'cut-off');
    expect(order).toMatchObject({ status: 'refunded', refundedAmount: total });
    expect(o.pay.refunds.map((r) => [r.paymentId, r.amount])).toEqual([
      [o.card, total - 400],
      [o.cash, 400],
    ]);
    expect((await refunded(s.tenant)).map((e) => e.amount)).toEqual([total - 400, 400]);
  });

  it('counts the share that moved of a refund whose next share payments refused, and frees the units', async () => {
    const s = h.shop();
    const o = await paidOrder(s);
    const total = (await h.api.getOrder(s.cashier.ctx, o.orderId)).totals.total;
    const refusingCash = refundOrder(h.module.deps, drawersOpen, {
      ...o.pay.port,
      refund: (ctx, args) =>
        args.paymentId === o.cash
          ? Promise.reject(new DomainError('refund-limit-exceeded', 'Too much.'))
          : o.pay.port.refund(ctx, args),
    });
    const request = await everything(s, o.orderId);
    await expect(refusingCash(s.cashier.ctx, o.orderId, request, 'half')).rejects.toMatchObject({
      code: 'refund-limit-exceeded',
    });
    // The card's share moved and is counted; the units are free again at once.
    const counted = await h.api.getOrder(s.cashier.ctx, o.orderId);
    expect(counted).toMatchObject({ refundedAmount: total - 400, refundInProgress: null });
    expect(counted.lines.every((l) => l.refundedQuantity === 0)).toBe(true);
    // The key does not pretend the items went back.
    await expect(o.refund(s.cashier.ctx, o.orderId, request, 'half')).rejects.toMatchObject({
      code: 'refund-partly-given',
      details: { givenBack: total - 400 },
    });
    const order = await o.oneFries('after');
    expect(order.refundedAmount).toBe(total - 400 + 350);
    expect(order.lines.find((l) => l.lineId === o.fries.lineId)!.refundedQuantity).toBe(1);
    expect(o.pay.refunds.map((r) => [r.paymentId, r.amount])).toEqual([
      [o.card, total - 400],
      [o.cash, 350],
    ]);
    expect((await refunded(s.tenant)).map((e) => [e.tender, e.amount])).toEqual([
      ['card', total - 400],
      ['cash', 350],
    ]);
  });

  it('refuses to refund through a payment that did not pay the order', async () => {
    const s = h.shop();
    const o = await paidOrder(s);
    await expect(o.oneFries('elsewhere', { paymentId: newId() })).rejects.toMatchObject({
      code: 'payment-not-on-order',
    });
    expect(o.pay.refunds).toEqual([]);
  });

  it('speaks for the units before the money moves: a racing refund of them moves none', async () => {
    const s = h.shop();
    const o = await paidOrder(s);
    const bothFries = {
      lines: [{ lineId: o.fries.lineId, quantity: 2 }],
      reason: 'cold',
      approval: { token: s.manager.token },
    };
    const both = (key: string) => o.refund(s.cashier.ctx, o.orderId, bothFries, key);
    // The first refund's money is on its way back while the second asks for the same units.
    let giveBack!: () => void;
    const held = new Promise<void>((resolve) => (giveBack = resolve));
    let asked!: () => void;
    const atPayments = new Promise<void>((resolve) => (asked = resolve));
    const slow = refundOrder(h.module.deps, drawersOpen, {
      ...o.pay.port,
      async refund(ctx, args) {
        asked();
        await held;
        await o.pay.port.refund(ctx, args);
      },
    });
    const first = slow(s.cashier.ctx, o.orderId, bothFries, 'first');
    await atPayments;
    expect((await h.api.getOrder(s.cashier.ctx, o.orderId)).refundInProgress).toMatchObject({
      amount: 700,
    });
    await expect(both('second')).rejects.toMatchObject({ code: 'refund-in-progress' });
    giveBack();
    expect(await first).toMatchObject({ refundedAmount: 700, refundInProgress: null });
    await expect(both('second')).rejects.toMatchObject({ code: 'refund-exceeds-line' });
    expect(o.pay.refunds.map((r) => r.amount)).toEqual([700]);
    expect(await refunded(s.tenant)).toHaveLength(1);
  });

  it('frees the units of a refund payments refused', async () => {
    const s = h.shop();
    const o = await paidOrder(s);
    const refusing = refundOrder(h.module.deps, drawersOpen, {
      ...o.pay.port,
      refund: () => Promise.reject(new DomainError('refund-limit-exceeded', 'Too much.')),
    });
    await expect(
      refusing(
        s.cashier.ctx,
        o.orderId,
        {
          lines: [{ lineId: o.fries.lineId, quantity: 1 }],
          reason: 'cold',
          approval: { token: s.manager.token },
        },
        'refused',
      ),
    ).rejects.toMatchObject({ code: 'refund-limit-exceeded' });
    expect((await o.oneFries('allowed')).refundedAmount).toBe(350);
  });

  it('settles a refund whose request died once its hold lapses, from what payments says', async () => {
    const s = h.shop();
    const o = await paidOrder(s);
    const dying = (moved: boolean) =>
      refundOrder(h.module.deps, drawersOpen, {
        ...o.pay.port,
        async refund(ctx, args) {
          if (moved) await o.pay.port.refund(ctx, args);
          throw new Error('process died');
        },
      });
    const fries = (quantity: number) => ({
      lines: [{ lineId: o.fries.lineId, quantity }],
      reason: 'cold',
      approval: { token: s.manager.token },
    });
    // Its money never moved: once the hold lapses the units are another refund's.
    await expect(dying(false)(s.cashier.ctx, o.orderId, fries(2), 'lost')).rejects.toThrow('died');
    await expect(o.oneFries('too-soon')).rejects.toMatchObject({ code: 'refund-in-progress' });
    h.clock.advance(61_000);
    expect((await o.oneFries('after-lost')).refundedAmount).toBe(350);

    // Its money moved: once the hold lapses it is recorded, and the units are gone.
    await expect(dying(true)(s.cashier.ctx, o.orderId, fries(1), 'moved')).rejects.toThrow('died');
    h.clock.advance(61_000);
    await expect(o.oneFries('after-moved')).rejects.toMatchObject({ code: 'refund-exceeds-line' });
    const order = await h.api.getOrder(s.cashier.ctx, o.orderId);
    expect(order.refundedAmount).toBe(700);
    expect(o.pay.refunds.map((r) => r.amount)).toEqual([350, 350]);
    expect(await refunded(s.tenant)).toHaveLength(2);
  });

  it('counts a refund made through payments on the order it paid, once, and no undoing of a checkout', async () => {
    const s = h.shop();
    const o = await paidOrder(s);
    const ctx = s.cashier.ctx;
    const made = (over: Partial<PaymentRefund> = {}): PaymentRefund => ({
      orderId: o.orderId,
      paymentId: o.card,
      refundId: newId(),
      amount: 300,
      reason: 'goodwill',
      approvedBy: null,
      tender: 'card',
      toOriginalTender: true,
      ...over,
    });
    const count = (refund: PaymentRefund) =>
      h.module.deps.store.inTenant(ctx, (repo) =>
        recordPaymentRefundIn(h.module.deps, repo, ctx, refund),
      );
    const goodwill = made();
    expect(await count(goodwill)).toBe('recorded');
    expect(await count(goodwill)).toBe('already-known');
    expect(await count(made({ paymentId: newId() }))).toBe('not-its-payment');
    expect(await count(made({ orderId: newId() }))).toBe('no-such-order');
    const order = await h.api.getOrder(ctx, o.orderId);
    expect(order).toMatchObject({ status: 'partially-refunded', refundedAmount: 300 });
    // Money only: every unit can still be given back, within what is left.
    expect(order.lines.every((l) => l.refundedQuantity === 0)).toBe(true);
    expect(await refunded(s.tenant)).toEqual([
      expect.objectContaining({ refundId: goodwill.refundId, amount: 300, tender: 'card' }),
    ]);
    // Given back in cash for a card sale: it left the drawer.
    const inCash = made({ amount: 50, toOriginalTender: false });
    expect(await count(inCash)).toBe('recorded');
    expect((await refunded(s.tenant))[1]).toMatchObject({
      refundId: inCash.refundId,
      tender: 'cash',
    });

    // A checkout's own undoing gives back money of an order that was never sold.
    const open = await h.api.createOrder(ctx, {
      storeId: s.storeId,
      registerId: s.registerId,
      fulfilment: { type: 'takeaway' },
    });
    expect(await count(made({ orderId: open.orderId }))).toBe('order-not-sold');
  });

  it('counts money given back through payments on a part of a bill still open', async () => {
    const s = h.shop();
    const ctx = s.cashier.ctx;
    const { orderId } = await h.api.createOrder(ctx, {
      storeId: s.storeId,
      registerId: s.registerId,
      fulfilment: { type: 'takeaway' },
    });
    await h.api.addLine(ctx, orderId, { variantId: s.menu.burger.variantId, quantity: 2 });
    const split = await h.api.splitBill(ctx, orderId, { mode: 'even', parts: 2 });
    const part = split.parts[0]!;
    const paymentId = newId();
    await h.module.deps.store.inTenant(ctx, (repo) =>
      recordPartPaymentIn(repo, ctx, orderId, {
        partId: part.partId,
        payments: [{ paymentId, amount: part.total, label: 'Cash (part 1)', tendered: part.total }],
        paidAt: h.clock.now(),
      }),
    );
    const refundId = newId();
    const given: PaymentRefund = {
      orderId,
      paymentId,
      refundId,
      amount: part.total,
      reason: 'changed their mind',
      approvedBy: null,
      tender: 'cash',
      toOriginalTender: true,
    };
    expect(
      await h.module.deps.store.inTenant(ctx, (repo) =>
        recordPaymentRefundIn(h.module.deps, repo, ctx, given),
      ),
    ).toBe('recorded');
    const order = await h.api.getOrder(ctx, orderId);
    expect(order).toMatchObject({
      status: 'open',
      paidAmount: part.total,
      refundedAmount: part.total,
      balanceDue: order.totals.total - part.total,
    });
    // Announced, so the drawer it left from accounts for it.
    expect(await refunded(s.tenant)).toEqual([
      expect.objectContaining({ refundId, amount: part.total, tender: 'cash' }),
    ]);
  });
});
