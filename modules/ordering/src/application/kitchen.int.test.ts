import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '@stratum/platform';
import { createTestDatabase, postgresUrl, testEngines } from '@stratum/testing';
import { orderingHarness, type Harness, type Shop } from '../test-harness.ts';

describe.each(testEngines())('kitchen, voids and approvals on %s', (engine) => {
  let h: Harness;
  beforeAll(async () => {
    h = await orderingHarness(
      engine === 'postgres' ? { postgres: await createTestDatabase(postgresUrl()!) } : {},
    );
  });
  afterAll(() => h?.close());

  /** Burger with cheese, fries, cola and water in course 1; soup in course 2. */
  async function table(s: Shop) {
    const ctx = s.cashier.ctx;
    const { orderId } = await h.api.createOrder(ctx, {
      storeId: s.storeId,
      registerId: s.registerId,
      fulfilment: { type: 'dine-in', tableId: '7' },
      notes: 'nut allergy',
    });
    const { burger, fries, cola, water, soup } = s.menu;
    const add = (variantId: string, extra = {}) =>
      h.api.addLine(ctx, orderId, { variantId, quantity: 1, ...extra });
    await add(burger.variantId, { optionIds: [burger.optionIds[0]], notes: 'rare' });
    await add(fries.variantId, { quantity: 2 });
    await add(cola.variantId);
    await add(water.variantId);
    const order = await add(soup.variantId, { course: 2 });
    const line = (name: string) => order.lines.find((l) => l.name === name)!.lineId;
    return { orderId, line };
  }

  it('fires a course as one ticket per station and announces each in the outbox', async () => {
    const s = h.shop();
    const { orderId } = await table(s);
    const { order, tickets } = await h.api.fireCourse(s.cashier.ctx, orderId, 1);
    expect(order.status).toBe('sent');
    expect(order.lines.map((l) => [l.name, l.firedAt !== null])).toEqual([
      ['Burger', true],
      ['Fries', true],
      ['Cola', true],
      ['Water', true],
      ['Soup', false],
    ]);
    expect(tickets).toEqual([
      expect.objectContaining({
        station: 'grill',
        course: 1,
        orderNumber: '1',
        fulfilment: { type: 'dine-in', tableId: '7' },
        orderNotes: 'nut allergy',
        status: 'open',
        items: [
          expect.objectContaining({
            name: 'Burger',
            quantity: 1,
            modifiers: ['Cheese'],
            notes: 'rare',
          }),
          expect.objectContaining({ name: 'Fries', quantity: 2, modifiers: [] }),
        ],
      }),
      expect.objectContaining({
        station: 'bar',
        items: [expect.objectContaining({ name: 'Cola' })],
      }),
    ]);
    const events = await h.events(s.tenant, 'ordering.kitchen-ticket-fired');
    expect(events.map((e) => e.payload)).toEqual(
      tickets.map((ticket) => ({ storeId: s.storeId, ticket })),
    );
    expect(await h.api.getKitchenTickets(s.kitchen.ctx, s.storeId)).toEqual(tickets);
    await expect(h.api.fireCourse(s.cashier.ctx, orderId, 1)).rejects.toMatchObject({
      code: 'nothing-to-fire',
    });
    const mains = await h.api.fireCourse(s.cashier.ctx, orderId, 2);
    expect(mains.tickets.map((t) => [t.station, t.course])).toEqual([['kitchen', 2]]);
  });

  it('bumps a ticket once: done and announced; a second bump changes nothing', async () => {
    const s = h.shop();
    const { orderId } = await table(s);
    const { tickets } = await h.api.fireCourse(s.cashier.ctx, orderId, 1);
    const grill = tickets[0]!;
    h.clock.advance(60_000);
    const bumped = await h.api.bumpTicket(s.kitchen.ctx, grill.ticketId);
    expect(bumped).toMatchObject({
      status: 'done',
      bumpedBy: s.kitchen.ctx.actor.id,
      bumpedAt: h.clock.now().toISOString(),
    });
    expect(await h.api.bumpTicket(s.kitchen.ctx, grill.ticketId)).toEqual(bumped);
    expect(
      (await h.events(s.tenant, 'ordering.kitchen-ticket-bumped')).map((e) => e.payload),
    ).toEqual([expect.objectContaining({ ticketId: grill.ticketId, station: 'grill', orderId })]);
    const open = await h.api.getKitchenTickets(s.kitchen.ctx, s.storeId);
    expect(open.map((t) => t.station)).toEqual(['bar']);
    const done = await h.api.getKitchenTickets(s.kitchen.ctx, s.storeId, { status: 'done' });
    expect(done.map((t) => t.ticketId)).toEqual([grill.ticketId]);
    await expect(h.api.bumpTicket(s.kitchen.ctx, newId())).rejects.toMatchObject({
      code: 'ticket-not-found',
    });
    const elsewhere = h.tokens.user(s.tenant, ['kitchen'], [newId()]);
    await expect(h.api.getKitchenTickets(elsewhere.ctx, s.storeId)).rejects.toMatchObject({
      code: 'store-not-allowed',
    });
  });

  it('takes back a fired line only with a reason and a manager’s approval, and audits it', async () => {
    const s = h.shop();
    const { orderId, line } = await table(s);
    const ctx = s.cashier.ctx;
    await h.api.removeLine(ctx, orderId, line('Soup'), {});
    await h.api.fireCourse(ctx, orderId, 1);
    const burger = line('Burger');
    const remove = (input: { reason?: string; approval?: string }) =>
      h.api.removeLine(ctx, orderId, burger, input);
    await expect(remove({ approval: s.manager.token })).rejects.toMatchObject({
      code: 'reason-required',
    });
    await expect(remove({ reason: 'sent back' })).rejects.toMatchObject({
      code: 'manager-approval-required',
    });
    const colleague = h.tokens.user(s.tenant, ['cashier']);
    await expect(remove({ reason: 'sent back', approval: colleague.token })).rejects.toMatchObject({
      code: 'manager-approval-required',
      details: { role: 'cashier' },
    });
    const foreign = h.shop();
    await expect(remove({ reason: 'x', approval: foreign.manager.token })).rejects.toMatchObject({
      code: 'approval-invalid',
    });
    await expect(remove({ reason: 'x', approval: 'forged' })).rejects.toMatchObject({
      code: 'approval-invalid',
    });
    const otherStoreManager = h.tokens.user(s.tenant, ['manager'], [newId()]);
    await expect(remove({ reason: 'x', approval: otherStoreManager.token })).rejects.toMatchObject({
      code: 'approval-invalid',
    });

    const order = await remove({ reason: 'sent back', approval: s.manager.token });
    const voided = order.lines.find((l) => l.lineId === burger)!;
    expect(voided).toMatchObject({
      voided: { reason: 'sent back', approvedBy: s.manager.ctx.actor.id, role: 'manager' },
      priced: null,
    });
    expect(order.lines.map((l) => l.name)).toEqual(['Burger', 'Fries', 'Cola', 'Water']);
    expect(order.totals.total).toBe(700 + 357 + 200);
    expect(await h.audit(s.tenant)).toEqual([
      expect.objectContaining({
        action: 'order.line-voided',
        entityId: orderId,
        actorId: ctx.actor.id,
        reason: 'sent back',
        after: { approvedBy: s.manager.ctx.actor.id, role: 'manager' },
      }),
    ]);
  });

  it('reduces a fired line only with approval; more of it is a new line', async () => {
    const s = h.shop();
    const { orderId, line } = await table(s);
    await h.api.fireCourse(s.cashier.ctx, orderId, 1);
    const fries = line('Fries');
    await expect(
      h.api.changeLineQuantity(s.cashier.ctx, orderId, fries, { quantity: 3 }),
    ).rejects.toMatchObject({ code: 'line-already-fired' });
    await expect(
      h.api.changeLineQuantity(s.cashier.ctx, orderId, fries, { quantity: 1, reason: 'dropped' }),
    ).rejects.toMatchObject({ code: 'manager-approval-required' });
    const order = await h.api.changeLineQuantity(s.cashier.ctx, orderId, fries, {
      quantity: 1,
      reason: 'dropped',
      approval: s.manager.token,
    });
    expect(order.lines.find((l) => l.lineId === fries)?.quantity).toBe(1);
    expect((await h.audit(s.tenant)).map((a) => [a.action, a.before])).toEqual([
      ['order.line-reduced', { lineId: fries, quantity: 2 }],
    ]);
    const soup = line('Soup');
    const raised = await h.api.changeLineQuantity(s.cashier.ctx, orderId, soup, { quantity: 4 });
    expect(raised.lines.find((l) => l.lineId === soup)?.quantity).toBe(4);
  });

  it('voids an unpaid order with a reason alone until the kitchen saw it, then with a manager', async () => {
    const s = h.shop();
    const quiet = await table(s);
    const voided = await h.api.voidOrder(s.cashier.ctx, quiet.orderId, { reason: 'left' });
    expect(voided).toMatchObject({
      status: 'voided',
      voided: { reason: 'left', approvedBy: null },
    });

    const cooked = await table(s);
    await h.api.fireCourse(s.cashier.ctx, cooked.orderId, 1);
    await expect(
      h.api.voidOrder(s.cashier.ctx, cooked.orderId, { reason: 'left' }),
    ).rejects.toMatchObject({ code: 'manager-approval-required' });
    await h.api.voidOrder(s.cashier.ctx, cooked.orderId, {
      reason: 'fire alarm',
      approval: s.manager.token,
    });
    const events = await h.events(s.tenant, 'ordering.order-voided');
    expect(events.map((e) => e.payload)).toEqual([
      expect.objectContaining({ orderId: quiet.orderId, from: 'open', approvedBy: null }),
      expect.objectContaining({
        orderId: cooked.orderId,
        from: 'sent',
        reason: 'fire alarm',
        approvedBy: s.manager.ctx.actor.id,
        total: 2807,
      }),
    ]);
    expect((await h.audit(s.tenant)).map((a) => [a.action, a.entityId, a.reason])).toEqual([
      ['order.voided', quiet.orderId, 'left'],
      ['order.voided', cooked.orderId, 'fire alarm'],
    ]);
    await expect(
      h.api.addLine(s.cashier.ctx, quiet.orderId, {
        variantId: s.menu.soup.variantId,
        quantity: 1,
      }),
    ).rejects.toMatchObject({ code: 'order-not-open' });
    await expect(
      h.api.voidOrder(s.cashier.ctx, quiet.orderId, { reason: 'again' }),
    ).rejects.toMatchObject({ code: 'invalid-order-transition' });
  });

  const changes = async (tenant: string) =>
    (await h.events(tenant, 'ordering.kitchen-ticket-changed')).map((e) => e.payload);

  it('shows a fired line voided afterwards on its open ticket, with the reason, and tells the kitchen', async () => {
    const s = h.shop();
    const { orderId, line } = await table(s);
    const { tickets } = await h.api.fireCourse(s.cashier.ctx, orderId, 1);
    const grill = tickets.find((t) => t.station === 'grill')!;
    h.clock.advance(60_000);
    await h.api.removeLine(s.cashier.ctx, orderId, line('Burger'), {
      reason: 'sent back',
      approval: s.manager.token,
    });
    const at = h.clock.now().toISOString();
    const open = await h.api.getKitchenTickets(s.kitchen.ctx, s.storeId);
    const shown = open.find((t) => t.ticketId === grill.ticketId)!;
    expect(shown.items).toEqual([
      { ...grill.items[0], voided: { reason: 'sent back', at } },
      grill.items[1],
    ]);
    expect(open.find((t) => t.station === 'bar')).toEqual(tickets.find((t) => t.station === 'bar'));
    expect(await changes(s.tenant)).toEqual([
      {
        storeId: s.storeId,
        ticket: shown,
        change: {
          kind: 'line-voided',
          reason: 'sent back',
          at,
          items: [
            { lineId: line('Burger'), name: 'Burger', variantName: 'Classic', from: 1, to: 0 },
          ],
        },
      },
    ]);
  });

  it('shows a reduced fired line with the quantity fired and why', async () => {
    const s = h.shop();
    const { orderId, line } = await table(s);
    await h.api.fireCourse(s.cashier.ctx, orderId, 1);
    await h.api.changeLineQuantity(s.cashier.ctx, orderId, line('Fries'), {
      quantity: 1,
      reason: 'dropped',
      approval: s.manager.token,
    });
    const [grill] = await h.api.getKitchenTickets(s.kitchen.ctx, s.storeId);
    expect(grill!.items[1]).toMatchObject({
      name: 'Fries',
      quantity: 1,
      reduced: { from: 2, reason: 'dropped' },
    });
    expect(grill!.items[1]!.voided).toBeUndefined();
    expect((await changes(s.tenant)).map((c) => c.change)).toEqual([
      expect.objectContaining({
        kind: 'line-reduced',
        items: [expect.objectContaining({ name: 'Fries', from: 2, to: 1 })],
      }),
    ]);
  });

  it('marks every open ticket of a voided order, and leaves a bumped one as the kitchen left it', async () => {
    const s = h.shop();
    const { orderId } = await table(s);
    const { tickets } = await h.api.fireCourse(s.cashier.ctx, orderId, 1);
    const bar = tickets.find((t) => t.station === 'bar')!;
    const bumped = await h.api.bumpTicket(s.kitchen.ctx, bar.ticketId);
    await h.api.voidOrder(s.cashier.ctx, orderId, {
      reason: 'fire alarm',
      approval: s.manager.token,
    });
    const [grill] = await h.api.getKitchenTickets(s.kitchen.ctx, s.storeId);
    expect(grill!.items.map((i) => [i.name, i.voided?.reason])).toEqual([
      ['Burger', 'fire alarm'],
      ['Fries', 'fire alarm'],
    ]);
    const done = await h.api.getKitchenTickets(s.kitchen.ctx, s.storeId, { status: 'done' });
    expect(done).toEqual([bumped]);
    expect(
      (await changes(s.tenant)).map((c) => [
        (c.ticket as { ticketId: string }).ticketId,
        (c.change as { kind: string }).kind,
      ]),
    ).toEqual([[grill!.ticketId, 'order-voided']]);
  });

  it('sends nothing to the kitchen when what is taken back was never fired', async () => {
    const s = h.shop();
    const { orderId, line } = await table(s);
    const { tickets } = await h.api.fireCourse(s.cashier.ctx, orderId, 1);
    await h.api.changeLineQuantity(s.cashier.ctx, orderId, line('Soup'), { quantity: 2 });
    await h.api.changeLineQuantity(s.cashier.ctx, orderId, line('Soup'), { quantity: 1 });
    await h.api.removeLine(s.cashier.ctx, orderId, line('Soup'), {});
    const quiet = await table(s);
    await h.api.voidOrder(s.cashier.ctx, quiet.orderId, { reason: 'left' });
    expect(await changes(s.tenant)).toEqual([]);
    expect(await h.api.getKitchenTickets(s.kitchen.ctx, s.storeId)).toEqual(tickets);
  });
});
