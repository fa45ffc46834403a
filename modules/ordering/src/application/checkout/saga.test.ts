import { describe, expect, it } from 'vitest';
import { DomainError, type CallContext } from '@stratum/platform';
import { memoryCheckoutStore } from '../../adapters/memory/checkout-store.ts';
import { checkoutUseCases } from './checkout.ts';
import type { CheckoutDeps, OrderSnapshot } from './ports.ts';

const tenantId = '01900000-0000-7000-8000-0000000000aa';
const orderId = '01900000-0000-7000-8000-0000000000bb';
const storeId = '01900000-0000-7000-8000-0000000000cc';
const registerId = '01900000-0000-7000-8000-0000000000dd';
/** Another store's till. */
const otherRegisterId = '01900000-0000-7000-8000-0000000000ee';
const otherStoreId = '01900000-0000-7000-8000-0000000000ff';
const ctx: CallContext = {
  tenantId,
  actor: { kind: 'user', id: 'cashier-1', roles: ['cashier'], permissions: [], stores: ['*'] },
};
const card = { number: '4242424242424242' };
const splitTender = {
  registerId,
  tenders: [
    { kind: 'cash' as const, amount: 700, given: 1000 },
    { kind: 'card' as const, amount: 1150, tip: 100, card },
  ],
};

const unavailable = () => new DomainError('dependency-timeout', 'slow', 'unavailable');
const declined = () => new DomainError('card-declined', 'Declined.', 'unprocessable');

/** The saga's world in memory: what each dependency did, and failures to script. */
function world() {
  const clock = { ms: Date.parse('2026-11-22T10:00:00Z'), now: () => new Date(clock.ms) };
  const order: { -readonly [K in keyof OrderSnapshot]: OrderSnapshot[K] } = {
    orderId,
    storeId,
    status: 'open',
    currency: 'EUR',
    total: 1850,
    version: 3,
    lines: [{ variantId: 'v1', quantity: 2 }],
    paid: 0,
    parts: [],
  };
  const did: string[] = [];
  const taken = new Map<string, number>();
  const fail: Record<string, () => Error> = {};
  const maybeFail = (what: string) => {
    const f = fail[what];
    if (f) throw f();
  };
  const store = memoryCheckoutStore(clock);
  /** The register's cash drawer. */
  const drawer = { open: true };
  /** The register's store (store-ops' directory), and how often it was read. */
  const shop = { active: true, reads: 0 };
  /** Where the store printed on each receipt came from. */
  const printed: ('as checked' | 'read again')[] = [];
  const deps: CheckoutDeps = {
    store,
    clock,
    settings: { leaseMs: 30_000, retryWindowMs: 20_000, requestWaitMs: 0 },
    orders: {
      snapshot: () => Promise.resolve({ ...order }),
      holdIn: () => Promise.resolve({ snapshot: { ...order }, write: () => Promise.resolve() }),
      release: () => {
        did.push('order freed');
        return Promise.resolve();
      },
      prepareMarkPaid: async (c, _id, p) => {
        // As ordering's own: the receipt's store is read unless the run brought it.
        if (!p.store) await deps.stores.get(c, p.storeId);
        return () => {
          maybeFail('markPaid');
          did.push(`paid #${p.receiptNumber} change ${p.changeDue}`, 'fired');
          printed.push(p.store ? 'as checked' : 'read again');
          order.status = 'paid';
          return Promise.resolve();
        };
      },
      preparePartPaid: (_c, _id, p) =>
        Promise.resolve(() => {
          maybeFail('markPaid');
          const amount = p.tenders.reduce((sum, t) => sum + t.amount, 0);
          did.push(`part ${p.partId} paid ${amount}`);
          order.paid += amount;
          order.version += 1;
          order.parts = order.parts.map((q) => (q.partId === p.partId ? { ...q, paid: true } : q));
          return Promise.resolve();
        }),
      fireRemaining: () => {
        maybeFail('fire');
        did.push('fired');
        return Promise.resolve();
      },
    },
    reservations: {
      reserve: () => {
        maybeFail('reserve');
        did.push('reserved');
        return Promise.resolve();
      },
      confirm: () => {
        maybeFail('confirmStock');
        did.push('stock confirmed');
        return Promise.resolve();
      },
      release: () => {
        did.push('released');
        return Promise.resolve();
      },
    },
    payments: {
      take: (_c, tender) => {
        maybeFail(`pay:${tender.index}`);
        // Idempotent on the payment id, as the payments module is.
        if (!taken.has(tender.paymentId)) did.push(`took ${tender.kind} ${tender.amount}`);
        taken.set(tender.paymentId, tender.amount + tender.tip);
        return Promise.resolve();
      },
      undo: (_c, paymentId) => {
        if (taken.delete(paymentId)) did.push(`undid ${paymentId.slice(-4)}`);
        return Promise.resolve();
      },
    },
    receipts: { allocate: () => Promise.resolve({ number: 41, registerName: 'Till 1' }) },
    registers: {
      storeOf: (_c, id) => Promise.resolve(id === registerId ? storeId : otherStoreId),
    },
    drawers: { isOpen: () => Promise.resolve(drawer.open) },
    stores: {
      get: (_c, id) => {
        shop.reads += 1;
        return Promise.resolve({
          id,
          name: 'Main',
          currency: 'EUR',
          taxInclusive: true,
          rounding: 'per-line',
          timezone: 'Europe/Berlin',
          address: [],
          active: shop.active,
        });
      },
    },
  };
  return {
    clock,
    order,
    did,
    taken,
    fail,
    store,
    deps,
    drawer,
    shop,
    printed,
    checkout: checkoutUseCases(deps),
  };
}

describe('the checkout saga', () => {
  it('places, reserves, takes every tender, confirms and fires, and confirms the stock', async () => {
    const w = world();
    const done = await w.checkout.start(ctx, orderId, splitTender, 'key-1');

    expect(done.status).toBe('completed');
    expect(done.receiptNumber).toBe(41);
    expect(w.did).toEqual([
      'reserved',
      'took cash 700',
      'took card 1150',
      'paid #41 change 300',
      'fired',
      'stock confirmed',
    ]);
    expect(w.store.steps(done.id)).toEqual([
      'forward:place',
      'forward:reserve-stock',
      'forward:pay:0',
      'forward:pay:1',
      'forward:confirm-order',
      'forward:confirm-stock',
    ]);
  });

  it('prints the store it checked before money moved: one read per checkout', async () => {
    const w = world();
    const done = await w.checkout.start(ctx, orderId, splitTender, 'key-1');

    expect(done.status).toBe('completed');
    expect(w.shop.reads).toBe(1);
    expect(w.printed).toEqual(['as checked']);
  });

  it('reads the store again for a receipt the recovery worker prints', async () => {
    const w = world();
    w.fail['pay:1'] = unavailable;
    const first = await w.checkout.start(ctx, orderId, splitTender, 'key-1');
    expect(first.status).toBe('running');

    delete w.fail['pay:1'];
    w.clock.ms += 60_000;
    await w.checkout.resumeDue();

    expect((await w.checkout.get(ctx, first.id)).status).toBe('completed');
    expect(w.printed).toEqual(['read again']);
    expect(w.shop.reads).toBe(2);
  });

  it('gives back the cash and the stock and leaves the order owed when the card is declined', async () => {
    const w = world();
    w.fail['pay:1'] = declined;

    const done = await w.checkout.start(ctx, orderId, splitTender, 'key-1');

    expect(done.status).toBe('compensated');
    expect(done.failure).toMatchObject({ code: 'card-declined', step: 'pay:1' });
    expect(w.taken.size).toBe(0);
    expect(w.did.slice(-3)).toEqual([
      'undid ' + done.plan.tenders[0]!.paymentId.slice(-4),
      'released',
      'order freed',
    ]);
    expect(w.order.status).toBe('open');
  });

  it('retries a slow processor later and completes once it answers', async () => {
    const w = world();
    w.fail['pay:1'] = unavailable;

    const first = await w.checkout.start(ctx, orderId, splitTender, 'key-1');
    // Progress is recorded at checkpoints: the retry runs reserve and pay:0 again, idempotently.
    expect(first).toMatchObject({ status: 'running', step: 'reserve-stock' });
    expect(await w.checkout.resumeDue()).toBe(0); // its retry is not due yet

    delete w.fail['pay:1'];
    w.clock.ms += 60_000;
    expect(await w.checkout.resumeDue()).toBe(1);

    const done = await w.checkout.get(ctx, first.id);
    expect(done.status).toBe('completed');
    expect([...w.taken.values()]).toEqual([700, 1250]);
  });

  it('undoes the checkout when the processor stays away past the retry window', async () => {
    const w = world();
    w.fail['pay:0'] = unavailable;
    const first = await w.checkout.start(ctx, orderId, splitTender, 'key-1');
    expect(first.status).toBe('running');

    w.clock.ms += 25_000;
    await w.checkout.resumeDue();

    const done = await w.checkout.get(ctx, first.id);
    expect(done).toMatchObject({ status: 'compensated', failure: { code: 'dependency-timeout' } });
    // The retry reserved again (from the checkpoint); undoing the payments never taken is a no-op.
    expect(w.did).toEqual(['reserved', 'reserved', 'released', 'order freed']);
    expect(w.taken.size).toBe(0);
  });

  it('never undoes a paid order: a failing stock confirmation is retried until it works', async () => {
    const w = world();
    w.fail['confirmStock'] = () => new DomainError('stock-broken', 'No.', 'conflict');

    const first = await w.checkout.start(ctx, orderId, splitTender, 'key-1');
    for (let i = 0; i < 3; i += 1) {
      w.clock.ms += 60_000;
      await w.checkout.resumeDue();
    }
    expect(await w.checkout.get(ctx, first.id)).toMatchObject({
      status: 'running',
      step: 'confirm-stock',
    });
    expect(w.taken.size).toBe(2);

    delete w.fail['confirmStock'];
    w.clock.ms += 60_000;
    await w.checkout.resumeDue();
    expect((await w.checkout.get(ctx, first.id)).status).toBe('completed');
    expect(w.did.filter((d) => d === 'fired')).toHaveLength(1);
  });

  it('finishes a saga an earlier version left at fire-kitchen: fires what is left, then the stock', async () => {
    const w = world();
    w.fail['confirmStock'] = unavailable;
    const first = await w.checkout.start(ctx, orderId, splitTender, 'key-1');
    expect(first).toMatchObject({ status: 'running', step: 'confirm-stock' });
    // Where an earlier version, which fired the kitchen in a step of its own, stopped.
    await w.store.advance(first, [], { step: 'fire-kitchen', status: 'running' }, 0);
    delete w.fail['confirmStock'];
    w.did.length = 0;

    w.clock.ms += 60_000;
    expect(await w.checkout.resumeDue()).toBe(1);

    expect(await w.checkout.get(ctx, first.id)).toMatchObject({ status: 'completed' });
    expect(w.did).toEqual(['fired', 'stock confirmed']);
    expect(w.taken.size).toBe(2);
  });

  it('charges once when a step is interrupted after its effect and run again', async () => {
    const w = world();
    let crashes = 0;
    const deps: CheckoutDeps = {
      ...w.deps,
      onStep: (step, phase) => {
        if (step === 'pay:1' && phase === 'after' && crashes++ === 0) throw new Error('crash');
      },
    };
    const checkout = checkoutUseCases(deps);
    const first = await checkout.start(ctx, orderId, splitTender, 'key-1');
    expect(first.step).toBe('reserve-stock');

    w.clock.ms += 60_000;
    await checkout.resumeDue();

    expect((await checkout.get(ctx, first.id)).status).toBe('completed');
    expect(w.did.filter((d) => d.startsWith('took'))).toEqual(['took cash 700', 'took card 1150']);
  });

  it('answers a retried request with the same checkout and refuses the key for another request', async () => {
    const w = world();
    const first = await w.checkout.start(ctx, orderId, splitTender, 'key-1');
    const again = await w.checkout.start(ctx, orderId, splitTender, 'key-1');

    expect(again.id).toBe(first.id);
    expect([first.replayed, again.replayed]).toEqual([false, true]);
    expect(w.did.filter((d) => d.startsWith('took'))).toHaveLength(2);
    await expect(
      w.checkout.start(
        ctx,
        orderId,
        { ...splitTender, tenders: [{ kind: 'cash', amount: 1850, given: 2000 }] },
        'key-1',
      ),
    ).rejects.toMatchObject({ code: 'idempotency-key-reused' });
  });

  it('refuses a second checkout of an order while the first still runs', async () => {
    const w = world();
    w.fail['pay:0'] = unavailable;
    await w.checkout.start(ctx, orderId, splitTender, 'key-1');

    await expect(w.checkout.start(ctx, orderId, splitTender, 'key-2')).rejects.toMatchObject({
      code: 'checkout-in-progress',
    });
    await expect(w.checkout.start(ctx, orderId, splitTender, 'key-1')).rejects.toMatchObject({
      code: 'checkout-in-progress',
    });
  });

  it('refuses tenders that do not pay the total, and cash short of its amount, before starting', async () => {
    const w = world();
    await expect(
      w.checkout.start(
        ctx,
        orderId,
        { registerId, tenders: [{ kind: 'card', amount: 1000, card }] },
        'k',
      ),
    ).rejects.toMatchObject({
      code: 'tenders-do-not-cover-total',
      details: { total: 1850, tendered: 1000 },
    });
    await expect(
      w.checkout.start(
        ctx,
        orderId,
        { registerId, tenders: [{ kind: 'cash', amount: 1850, given: 1800 }] },
        'k',
      ),
    ).rejects.toMatchObject({ code: 'cash-given-too-small' });
    await expect(w.checkout.start(ctx, orderId, splitTender, undefined)).rejects.toMatchObject({
      code: 'idempotency-key-required',
    });
    await expect(
      w.checkout.start(ctx, orderId, { ...splitTender, registerId: otherRegisterId }, 'k'),
    ).rejects.toMatchObject({
      code: 'register-not-in-store',
      details: { registerId: otherRegisterId, storeId },
    });
    expect(w.did).toEqual([]);
    expect(await w.store.byKey(ctx.tenantId, 'k')).toBeUndefined();
  });

  it('takes cash only into an open drawer, and still answers a retry once it is closed', async () => {
    const w = world();
    w.drawer.open = false;
    await expect(w.checkout.start(ctx, orderId, splitTender, 'key-1')).rejects.toMatchObject({
      code: 'drawer-not-open',
      details: { registerId },
    });
    expect(w.did).toEqual([]);
    expect(await w.store.byKey(ctx.tenantId, 'key-1')).toBeUndefined();
    // A card alone needs no drawer.
    const byCard = {
      registerId,
      tenders: [{ kind: 'card' as const, amount: 1850, card }],
    };
    expect((await w.checkout.start(ctx, orderId, byCard, 'key-2')).status).toBe('completed');

    const v = world();
    const done = await v.checkout.start(ctx, orderId, splitTender, 'key-1');
    expect(done.status).toBe('completed');
    v.drawer.open = false; // the Z report closed it
    const again = await v.checkout.start(ctx, orderId, splitTender, 'key-1');
    expect(again).toMatchObject({ id: done.id, status: 'completed' });
  });

  it('takes no payment at an archived store, and still answers a checkout it took before', async () => {
    const w = world();
    const done = await w.checkout.start(ctx, orderId, splitTender, 'key-1');
    expect(done.status).toBe('completed');
    w.shop.active = false;
    w.did.length = 0;

    expect(await w.checkout.start(ctx, orderId, splitTender, 'key-1')).toMatchObject({
      id: done.id,
      status: 'completed',
    });
    w.order.status = 'open';
    await expect(w.checkout.start(ctx, orderId, splitTender, 'key-2')).rejects.toMatchObject({
      code: 'store-archived',
      details: { storeId },
    });
    expect(w.did).toEqual([]);
    expect(await w.store.byKey(ctx.tenantId, 'key-2')).toBeUndefined();
  });

  it('undoes the checkout when the order changed after it was requested', async () => {
    const w = world();
    w.fail['reserve'] = unavailable;
    const first = await w.checkout.start(ctx, orderId, splitTender, 'key-1');
    expect(first.step).toBe('reserve-stock');
    // The step log says place is done; a change now is caught by confirm at the latest.
    w.order.version = 4;
    delete w.fail['reserve'];
    w.fail['markPaid'] = () =>
      new DomainError('order-changed-during-checkout', 'Changed.', 'conflict');
    w.clock.ms += 60_000;
    await w.checkout.resumeDue();

    const done = await w.checkout.get(ctx, first.id);
    expect(done).toMatchObject({ status: 'compensated', failure: { step: 'confirm-order' } });
    expect(w.taken.size).toBe(0);
    expect(w.did.slice(-2)).toEqual(['released', 'order freed']);
  });
});

describe('a split bill paid part by part', () => {
  /** The order split evenly in two: 925 each. */
  function split() {
    const w = world();
    w.order.parts = [
      { partId: '1', total: 925, paid: false },
      { partId: '2', total: 925, paid: false },
    ];
    return w;
  }
  const payPart = (partId: string, amount = 925) => ({
    registerId,
    partId,
    tenders: [{ kind: 'card' as const, amount, tip: 50, card }],
  });

  it('takes only the first part’s money, then sells the order with the last part', async () => {
    const w = split();
    const first = await w.checkout.start(ctx, orderId, payPart('1'), 'key-1');
    expect(first).toMatchObject({ status: 'completed', receiptNumber: null });
    expect(first.plan).toMatchObject({ kind: 'part', partId: '1', total: 925, balanceAfter: 925 });
    expect(w.did).toEqual(['took card 925', 'part 1 paid 925']);
    expect(w.store.steps(first.id)).toEqual([
      'forward:place',
      'forward:pay:0',
      'forward:confirm-order',
    ]);

    const last = await w.checkout.start(ctx, orderId, payPart('2'), 'key-2');
    expect(last).toMatchObject({ status: 'completed', receiptNumber: 41 });
    expect(last.plan).toMatchObject({ kind: 'rest', partId: '2', total: 925, balanceAfter: 0 });
    expect(w.did.slice(2)).toEqual([
      'reserved',
      'took card 925',
      'paid #41 change 0',
      'fired',
      'stock confirmed',
    ]);
  });

  it('gives back only the declined part’s money and leaves the order open', async () => {
    const w = split();
    await w.checkout.start(ctx, orderId, payPart('1'), 'key-1');
    w.fail['pay:0'] = declined;

    const second = await w.checkout.start(ctx, orderId, payPart('2'), 'key-2');
    expect(second).toMatchObject({ status: 'compensated', failure: { code: 'card-declined' } });
    // The last part reserved the stock, so it gives it back; the order and part 1 stand.
    expect(w.did.slice(2)).toEqual(['reserved', 'released', 'order freed']);
    expect(w.order.status).toBe('open');
    expect([...w.taken.values()]).toEqual([975]);

    delete w.fail['pay:0'];
    const again = await w.checkout.start(ctx, orderId, payPart('2'), 'key-3');
    expect(again.status).toBe('completed');
  });

  it('undoes a failed first part without cancelling the order', async () => {
    const w = split();
    w.fail['pay:0'] = declined;
    const first = await w.checkout.start(ctx, orderId, payPart('1'), 'key-1');
    expect(first.status).toBe('compensated');
    expect(w.did).toEqual(['order freed']);
    expect(w.order).toMatchObject({ status: 'open', paid: 0 });
  });

  it('pays every part left in one checkout, whoever was paid before', async () => {
    const w = split();
    await w.checkout.start(ctx, orderId, payPart('1'), 'key-1');
    await expect(
      w.checkout.start(
        ctx,
        orderId,
        { registerId, tenders: [{ kind: 'card', amount: 1850, card }] },
        'key-2',
      ),
    ).rejects.toMatchObject({
      code: 'tenders-do-not-cover-total',
      details: { total: 1850, due: 925, tendered: 1850 },
    });
    const rest = await w.checkout.start(
      ctx,
      orderId,
      { registerId, tenders: [{ kind: 'cash', amount: 925, given: 1000 }] },
      'key-3',
    );
    expect(rest).toMatchObject({ status: 'completed', receiptNumber: 41 });
    expect(rest.plan).toMatchObject({ kind: 'rest', total: 925, balanceAfter: 0 });
  });

  it('refuses a part the bill does not have, a part paid, and tenders that miss the part', async () => {
    const w = world();
    await expect(w.checkout.start(ctx, orderId, payPart('1'), 'k')).rejects.toMatchObject({
      code: 'split-part-not-found',
    });
    const v = split();
    await v.checkout.start(ctx, orderId, payPart('1'), 'key-1');
    await expect(v.checkout.start(ctx, orderId, payPart('1'), 'k')).rejects.toMatchObject({
      code: 'part-already-paid',
      details: { partId: '1' },
    });
    await expect(v.checkout.start(ctx, orderId, payPart('3'), 'k')).rejects.toMatchObject({
      code: 'split-part-not-found',
      details: { parts: ['1', '2'] },
    });
    // Tenders naming parts pay the parts owed: not a part paid, nor a part of no split.
    const naming = (partId: string, amount = 925) => ({
      registerId,
      tenders: [{ kind: 'card' as const, amount, card, partId }],
    });
    await expect(v.checkout.start(ctx, orderId, naming('1'), 'k')).rejects.toMatchObject({
      code: 'tenders-do-not-cover-parts',
    });
    await expect(w.checkout.start(ctx, orderId, naming('1', 1850), 'k')).rejects.toMatchObject({
      code: 'tenders-do-not-cover-parts',
    });
    await expect(v.checkout.start(ctx, orderId, payPart('2', 900), 'k')).rejects.toMatchObject({
      code: 'tenders-do-not-cover-parts',
      details: { due: 925, tendered: 900 },
    });
    expect(await v.store.byKey(ctx.tenantId, 'k')).toBeUndefined();
  });
});
