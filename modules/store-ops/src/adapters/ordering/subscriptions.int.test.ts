import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { makeEnvelope, newId } from '@stratum/platform';
import { checkoutEvents, orderingEvents } from '@stratum/ordering/contract';
import { captureLogs, createTestDatabase, postgresUrl, testEngines } from '@stratum/testing';
import { storeOpsHarness, type Harness } from '../../test-harness.ts';

type Completed = z.input<typeof checkoutEvents.checkoutCompleted.payload>;
type Refunded = z.input<typeof orderingEvents.orderRefunded.payload>;

describe.each(testEngines())(
  'store-ops’ drawer postings from ordering’s events on %s',
  (engine) => {
    let h: Harness;
    const logs = captureLogs('warn');

    beforeAll(async () => {
      h = await storeOpsHarness({
        logger: logs.logger,
        ...(engine === 'postgres' && { postgres: await createTestDatabase(postgresUrl()!) }),
      });
    });
    afterAll(() => h?.close());

    /** A business with one store (EUR) and one register, its drawer closed. */
    async function till() {
      const { ctx, store, register } = await h.storeWithRegister();
      const tenant = ctx.tenantId;
      const open = (openingFloatMinor = 10_000) =>
        h.api.openDrawer(ctx, register.id, { openingFloatMinor });
      const checkout = (payments: Completed['payments']): Completed => ({
        checkoutId: newId(),
        orderId: newId(),
        storeId: store.id,
        registerId: register.id,
        total: payments.reduce((sum, p) => sum + p.amount, 0),
        currency: 'EUR',
        receiptNumber: 1,
        payments,
      });
      const refund = (tender: string, amount: number, paymentId = newId()): Refunded => ({
        orderId: newId(),
        storeId: store.id,
        registerId: register.id,
        refundId: newId(),
        paymentId,
        tender,
        amount,
        currency: 'EUR',
        refundedTotal: amount,
        reason: 'spilled',
        approvedBy: 'manager-1',
        refundedAt: new Date().toISOString(),
      });
      const audit = () => h.audit(tenant);
      return { tenant, ctx, store, register, open, checkout, refund, audit };
    }

    const cash = (amount: number) => ({
      paymentId: newId(),
      kind: 'cash' as const,
      amount,
      tip: 0,
    });
    const card = (amount: number, tip = 0) => ({
      paymentId: newId(),
      kind: 'card' as const,
      amount,
      tip,
    });

    it('posts each payment of a checkout as a sale: cash into the expected cash, a card with its tip into the card total', async () => {
      const t = await till();
      const session = await t.open(10_000);
      await h.deliver(
        checkoutEvents.checkoutCompleted,
        t.checkout([cash(1_200), card(2_300, 200)]),
        t.tenant,
      );
      expect(await h.api.xReport(t.ctx, session.id)).toMatchObject({
        openingFloatMinor: 10_000,
        cashSalesMinor: 1_200,
        cashRefundsMinor: 0,
        expectedCashMinor: 11_200,
        tenders: [
          { tender: 'card', salesMinor: 2_500, refundsMinor: 0, netMinor: 2_500, count: 1 },
          { tender: 'cash', salesMinor: 1_200, refundsMinor: 0, netMinor: 1_200, count: 1 },
        ],
        movementCount: 3,
      });
    });

    it('posts a checkout once when its message comes again, or its payments in a new message', async () => {
      const t = await till();
      const session = await t.open(5_000);
      const payload = t.checkout([cash(700), card(300)]);
      const envelope = await h.deliver(checkoutEvents.checkoutCompleted, payload, t.tenant);
      await h.deliver(checkoutEvents.checkoutCompleted, payload, t.tenant, envelope);
      await h.deliver(checkoutEvents.checkoutCompleted, payload, t.tenant);
      const sales = await h.api.listDrawerMovements(t.ctx, session.id, {
        kind: 'sale',
        limit: 50,
        sort: 'at',
      });
      expect(sales.items.map((m) => [m.tender, m.amountMinor, m.reference])).toEqual([
        ['cash', 700, payload.payments[0]!.paymentId],
        ['card', 300, payload.payments[1]!.paymentId],
      ]);
      expect((await h.api.xReport(t.ctx, session.id)).expectedCashMinor).toBe(5_700);
    });

    it('posts a sale once when its message comes several times at once, and in new messages too', async () => {
      const t = await till();
      const session = await t.open(1_000);
      const payload = t.checkout([cash(400)]);
      const envelope = makeEnvelope(checkoutEvents.checkoutCompleted, payload, t.tenant);
      const again = () => h.deliver(checkoutEvents.checkoutCompleted, payload, t.tenant, envelope);
      const anew = () => h.deliver(checkoutEvents.checkoutCompleted, payload, t.tenant);
      await Promise.all([again(), anew(), again(), anew(), again(), again()]);
      const sales = await h.api.listDrawerMovements(t.ctx, session.id, {
        kind: 'sale',
        limit: 50,
        sort: 'at',
      });
      expect(sales.items.map((m) => [m.amountMinor, m.reference])).toEqual([
        [400, payload.payments[0]!.paymentId],
      ]);
      expect((await h.api.xReport(t.ctx, session.id)).expectedCashMinor).toBe(1_400);
      expect(await t.audit()).toEqual([]);
    });

    it('takes a cash refund out of the expected cash and only totals a card refund', async () => {
      const t = await till();
      const session = await t.open(10_000);
      const sale = cash(2_000);
      await h.deliver(checkoutEvents.checkoutCompleted, t.checkout([sale, card(900)]), t.tenant);
      const refund = t.refund('cash', 450, sale.paymentId);
      const envelope = await h.deliver(orderingEvents.orderRefunded, refund, t.tenant);
      await h.deliver(orderingEvents.orderRefunded, refund, t.tenant, envelope);
      await h.deliver(orderingEvents.orderRefunded, t.refund('card', 300), t.tenant);
      const x = await h.api.xReport(t.ctx, session.id);
      expect(x).toMatchObject({
        cashSalesMinor: 2_000,
        cashRefundsMinor: 450,
        expectedCashMinor: 10_000 + 2_000 - 450,
        tenders: [
          { tender: 'card', salesMinor: 900, refundsMinor: 300, netMinor: 600, count: 2 },
          { tender: 'cash', salesMinor: 2_000, refundsMinor: 450, netMinor: 1_550, count: 2 },
        ],
      });
      const refunds = await h.api.listDrawerMovements(t.ctx, session.id, {
        kind: 'refund',
        limit: 50,
        sort: 'at',
      });
      expect(refunds.items.map((m) => m.reference)).toEqual([
        refund.refundId,
        expect.any(String) as string,
      ]);
    });

    it('posts a cash refund larger than the drawer should hold, as it was paid out, and warns', async () => {
      const t = await till();
      const session = await t.open(1_000);
      const refund = t.refund('cash', 1_500);
      await h.deliver(orderingEvents.orderRefunded, refund, t.tenant);
      const x = await h.api.xReport(t.ctx, session.id);
      expect(x).toMatchObject({ cashRefundsMinor: 1_500, expectedCashMinor: -500 });
      expect(logs.lines()).toContainEqual(
        expect.objectContaining({
          level: 'warn',
          expectedCashMinor: 1_000,
          posting: expect.objectContaining({ reference: refund.refundId }) as unknown,
        }),
      );
    });

    it('skips a sale on a register without an open drawer: warned and audited once, never retried', async () => {
      const t = await till();
      const payload = t.checkout([cash(800)]);
      const envelope = await h.deliver(checkoutEvents.checkoutCompleted, payload, t.tenant);
      await h.deliver(checkoutEvents.checkoutCompleted, payload, t.tenant, envelope);
      const skipped = logs
        .lines()
        .filter((l) => JSON.stringify(l.posting ?? null).includes(payload.payments[0]!.paymentId));
      expect(skipped).toEqual([
        expect.objectContaining({ level: 'warn', outcome: 'no-open-drawer' }),
      ]);
      expect(await t.audit()).toEqual([
        expect.objectContaining({
          action: 'drawer.posting-skipped',
          entityType: 'register',
          entityId: t.register.id,
          reason: 'no-open-drawer',
          after: expect.objectContaining({
            kind: 'sale',
            tender: 'cash',
            amountMinor: 800,
            reference: payload.payments[0]!.paymentId,
            source: 'ordering.checkout-completed',
          }) as unknown,
        }),
      ]);
      await expect(h.api.currentDrawer(t.ctx, t.register.id)).rejects.toMatchObject({
        code: 'drawer-not-open',
      });
    });

    it('does not post a sale that arrives late to a drawer opened after it was made', async () => {
      const t = await till();
      const session = await t.open(3_000);
      const payload = t.checkout([cash(650)]);
      const madeBefore = new Date(Date.parse(session.openedAt) - 60_000);
      const late = makeEnvelope(checkoutEvents.checkoutCompleted, payload, t.tenant, madeBefore);
      await h.deliver(checkoutEvents.checkoutCompleted, payload, t.tenant, late);
      expect(await h.api.xReport(t.ctx, session.id)).toMatchObject({
        cashSalesMinor: 0,
        expectedCashMinor: 3_000,
        movementCount: 1,
      });
      expect((await t.audit()).map((a) => [a.action, a.reason])).toEqual([
        ['drawer.posting-skipped', 'drawer-opened-later'],
      ]);
    });

    it('does not post to a register of another store, nor to one that does not exist', async () => {
      const t = await till();
      const session = await t.open(2_000);
      const elsewhere = { ...t.checkout([cash(100)]), storeId: newId() };
      const nowhere = { ...t.checkout([cash(200)]), registerId: newId() };
      await h.deliver(checkoutEvents.checkoutCompleted, elsewhere, t.tenant);
      await h.deliver(checkoutEvents.checkoutCompleted, nowhere, t.tenant);
      expect((await h.api.xReport(t.ctx, session.id)).movementCount).toBe(1);
      expect((await t.audit()).map((a) => a.reason)).toEqual([
        'unknown-register',
        'unknown-register',
      ]);
    });
  },
);
