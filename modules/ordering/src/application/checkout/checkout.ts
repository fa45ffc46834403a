import { createHash } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { DomainError, newId, type Actor, type CallContext } from '@stratum/platform';
import { raise } from '../../contract.ts';
import {
  checkoutInput,
  raiseCheckout,
  type CheckoutInput,
  type CheckoutView,
} from '../../contract/checkout.ts';
import {
  changeDue,
  nextForward,
  type CheckoutKind,
  type PlannedTender,
} from '../../domain/checkout.ts';
import { checkoutSaga, type ReadBefore } from './saga.ts';
import type {
  CheckoutDeps,
  CheckoutPlan,
  CheckoutRecord,
  NewCheckout,
  OrderSnapshot,
} from './ports.ts';

/** Sorted keys, so the same request always hashes the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** A checkout as a request to start one answers it: `replayed` when its key was seen before. */
export type StartedCheckout = CheckoutRecord & { readonly replayed: boolean };

/** The actor the recovery worker drives sagas as: any store, no user. */
export const checkoutWorker: Actor = {
  kind: 'system',
  id: 'ordering.checkout',
  roles: [],
  permissions: [],
  stores: ['*'],
};

export function checkoutViewOf(record: CheckoutRecord): CheckoutView {
  const { plan } = record;
  return {
    id: record.id,
    orderId: record.orderId,
    storeId: record.storeId,
    registerId: record.registerId,
    status: record.status,
    step: record.step,
    partId: plan.partId ?? null,
    total: plan.total,
    balanceDue: plan.balanceAfter ?? 0,
    currency: plan.currency,
    tenders: plan.tenders.map((t) => ({
      index: t.index,
      paymentId: t.paymentId,
      kind: t.kind,
      amount: t.amount,
      tip: t.tip,
      ...(t.partId !== undefined && { partId: t.partId }),
    })),
    changeDue: changeDue(plan.tenders),
    receiptNumber: record.receiptNumber,
    failure: record.failure,
    createdAt: record.createdAt.toISOString(),
    finishedAt: record.finishedAt?.toISOString() ?? null,
  };
}

const sumOf = (tenders: readonly PlannedTender[]) => tenders.reduce((s, t) => s + t.amount, 0);

/**
 * The tenders must pay exactly what the checkout pays: one part of the split
 * bill (`partId`), or else what the order owes, each part not yet paid
 * exactly when the tenders name parts.
 */
function planTenders(order: OrderSnapshot, input: ReturnType<typeof checkoutInput.parse>) {
  const tenders: PlannedTender[] = input.tenders.map((t, index) => {
    // A part checkout's tenders all pay its part (`partDue` refuses one naming another).
    const partId = t.partId ?? input.partId;
    const common = { index, paymentId: newId(), amount: t.amount, ...(partId && { partId }) };
    return t.kind === 'cash'
      ? { ...common, kind: 'cash', tip: 0, given: t.given }
      : { ...common, kind: 'card', tip: t.tip, card: t.card };
  });
  for (const t of tenders) {
    if (t.kind === 'cash' && (t.given ?? 0) < t.amount) {
      raiseCheckout('cash-given-too-small', `Tender ${t.index} is given less cash than it pays.`);
    }
  }
  if (input.partId !== undefined) return { tenders, due: partDue(order, input.partId, tenders) };
  const due = order.total - order.paid;
  const paid = sumOf(tenders);
  if (paid !== due) {
    raiseCheckout('tenders-do-not-cover-total', `The tenders pay ${paid}; the order owes ${due}.`, {
      total: order.total,
      due,
      tendered: paid,
    });
  }
  if (tenders.some((t) => t.partId !== undefined)) {
    const open = order.parts.filter((p) => !p.paid);
    const stray = tenders.find((t) => !open.some((p) => p.partId === t.partId));
    if (stray) {
      raiseCheckout(
        'tenders-do-not-cover-parts',
        `Tender ${stray.index} pays ${stray.partId ? `part ${stray.partId}` : 'no part'}; ` +
          `the parts owed are ${open.map((p) => p.partId).join(', ') || 'none'}.`,
      );
    }
    for (const part of open) {
      const sum = sumOf(tenders.filter((t) => t.partId === part.partId));
      if (sum !== part.total) {
        raiseCheckout(
          'tenders-do-not-cover-parts',
          `Part ${part.partId} owes ${part.total}; its tenders pay ${sum}.`,
        );
      }
    }
  }
  return { tenders, due };
}

/** What a checkout of one split-bill part pays: that part, not yet paid, exactly. */
function partDue(order: OrderSnapshot, partId: string, tenders: readonly PlannedTender[]): number {
  const part = order.parts.find((p) => p.partId === partId);
  if (!part) {
    raiseCheckout(
      'split-part-not-found',
      order.parts.length === 0
        ? 'The bill is not split: split it before paying a part of it.'
        : `The split bill has no part ${partId}.`,
      { partId, parts: order.parts.map((p) => p.partId) },
    );
  }
  if (part.paid) raiseCheckout('part-already-paid', `Part ${partId} is paid.`, { partId });
  if (tenders.some((t) => t.partId !== partId)) {
    raiseCheckout('tenders-do-not-cover-parts', `Every tender pays part ${partId}.`);
  }
  const paid = sumOf(tenders);
  if (paid !== part.total) {
    raiseCheckout(
      'tenders-do-not-cover-parts',
      `Part ${partId} owes ${part.total}; the tenders pay ${paid}.`,
      { partId, due: part.total, tendered: paid },
    );
  }
  return part.total;
}

/** The saga that pays `order` with the tenders asked for; refused if the order cannot be paid so. */
function newCheckout(
  ctx: CallContext,
  id: string,
  order: OrderSnapshot,
  request: ReturnType<typeof checkoutInput.parse>,
  key: { fingerprint: string; idempotencyKey: string },
  registerStore: string,
): NewCheckout {
  if (order.status !== 'open' && order.status !== 'sent') {
    raise('invalid-order-transition', `An order that is ${order.status} cannot be checked out.`);
  }
  if (registerStore !== order.storeId) {
    raise('register-not-in-store', 'The register belongs to another store.', {
      registerId: request.registerId,
      storeId: order.storeId,
    });
  }
  if (order.lines.length === 0) raise('order-empty', 'There is nothing to pay for.');
  const { tenders, due } = planTenders(order, request);
  const balanceAfter = order.total - order.paid - due;
  const kind: CheckoutKind =
    balanceAfter > 0 ? 'part' : order.paid > 0 || request.partId ? 'rest' : 'whole';
  const plan: CheckoutPlan = {
    fingerprint: key.fingerprint,
    reservationId: newId(),
    currency: order.currency,
    total: due,
    orderVersion: order.version,
    kind,
    ...(request.partId !== undefined && { partId: request.partId }),
    balanceAfter,
    tenders,
    lines: order.lines,
    cashierId: ctx.actor.id,
    ...(ctx.actor.name !== undefined && { cashierName: ctx.actor.name }),
  };
  return {
    id,
    tenantId: ctx.tenantId,
    orderId: order.orderId,
    storeId: order.storeId,
    registerId: request.registerId,
    idempotencyKey: key.idempotencyKey,
    status: 'running',
    step: nextForward('place', tenders, kind) ?? 'done',
    plan,
    failure: null,
  };
}

/**
 * Checkout use cases: start a saga for an order (or find the one a retried
 * request started), drive it while the request waits, and resume sagas that
 * a crash or a slow dependency left behind.
 */
export function checkoutUseCases<U>(deps: CheckoutDeps<U>) {
  const drive = checkoutSaga(deps);
  const { store, clock, settings } = deps;
  const terminal = (r: CheckoutRecord) => r.status === 'completed' || r.status === 'compensated';

  /** Drives the saga while the request's patience lasts; a lapsed lease is taken back. */
  async function settle(
    ctx: CallContext,
    record: CheckoutRecord,
    read: ReadBefore = {},
  ): Promise<CheckoutRecord> {
    const deadline = clock.now().getTime() + settings.requestWaitMs;
    let current = await drive(ctx, record, read);
    while (!terminal(current) && clock.now().getTime() < deadline) {
      const retryAt = current.leaseUntil?.getTime() ?? clock.now().getTime();
      await delay(Math.max(1, Math.min(retryAt, deadline) - clock.now().getTime()));
      const claimed = await store.claim(ctx.tenantId, current.id, settings.leaseMs);
      if (!claimed) return (await store.get(ctx.tenantId, current.id)) ?? current;
      current = await drive(ctx, claimed, read);
    }
    return current;
  }

  /** A retried request: the same answer, or the running saga driven on if its lease is free. */
  async function replay(
    ctx: CallContext,
    existing: CheckoutRecord,
    fingerprint: string,
  ): Promise<StartedCheckout> {
    return { ...(await rejoin(ctx, existing, fingerprint)), replayed: true };
  }

  async function rejoin(ctx: CallContext, existing: CheckoutRecord, fingerprint: string) {
    if (existing.plan.fingerprint !== fingerprint) {
      raiseCheckout(
        'idempotency-key-reused',
        'This Idempotency-Key was used for another checkout.',
      );
    }
    if (terminal(existing)) return existing;
    const claimed = await store.claim(ctx.tenantId, existing.id, settings.leaseMs);
    if (!claimed) raiseCheckout('checkout-in-progress', 'This checkout is still running.');
    return settle(ctx, claimed);
  }

  /**
   * Starts the saga with `place` done: the order it was planned from, held
   * for it in the transaction that creates it, is the one it places; nothing
   * else changes it until the checkout pays it or is undone. A key seen
   * before is looked up only when the order can no longer be checked out or
   * the key is taken, so a first request pays for no look-up.
   */
  async function start(
    ctx: CallContext,
    orderId: string,
    input: CheckoutInput,
    idempotencyKey: string | undefined,
  ): Promise<StartedCheckout> {
    if (!idempotencyKey) {
      raiseCheckout('idempotency-key-required', 'A checkout needs an Idempotency-Key header.');
    }
    const request = checkoutInput.parse(input);
    const fingerprint = createHash('sha256')
      .update(canonical({ orderId, ...request }))
      .digest('hex');
    const previous = () => store.byKey(ctx.tenantId, idempotencyKey);
    // Asked before the transaction: another module's call never runs inside ours.
    const registerStore = await deps.registers.storeOf(ctx, request.registerId);
    // Read once: the receipt prints it at the pivot, if this request runs on that far.
    const storeInfo = await deps.stores.get(ctx, registerStore);
    if (!storeInfo.active) {
      // Refused before any money moves; a checkout that paid before the store was archived is answered.
      const existing = await previous();
      if (existing) return replay(ctx, existing, fingerprint);
      raise('store-archived', 'The store is archived: it takes no more payments.', {
        storeId: registerStore,
      });
    }
    if (
      request.tenders.some((t) => t.kind === 'cash') &&
      !(await deps.drawers.isOpen(ctx, request.registerId))
    ) {
      // A retry of a checkout that took cash before its drawer was closed is answered.
      const existing = await previous();
      if (existing) return replay(ctx, existing, fingerprint);
      raiseCheckout(
        'drawer-not-open',
        'Cash goes into the register’s drawer: open the drawer before taking cash.',
        { registerId: request.registerId },
      );
    }
    let created: CheckoutRecord | undefined;
    try {
      // The order is held, and the saga planned from it and inserted, in one transaction:
      // a checkout refused here holds nothing.
      const checkoutId = newId();
      created = await store.create(
        ctx,
        async (unit) => {
          const held = await deps.orders.holdIn(unit, ctx, orderId, checkoutId);
          const checkout = newCheckout(
            ctx,
            checkoutId,
            held.snapshot,
            request,
            { fingerprint, idempotencyKey },
            registerStore,
          );
          return { checkout, write: held.write };
        },
        settings.leaseMs,
      );
    } catch (err) {
      // A retry of a checkout that already paid the order is answered, not refused.
      const existing = err instanceof DomainError ? await previous() : undefined;
      if (!existing) throw err;
      return replay(ctx, existing, fingerprint);
    }
    if (!created) {
      const existing = await previous();
      if (existing) return replay(ctx, existing, fingerprint);
      raiseCheckout('checkout-in-progress', 'Another checkout of this order is running.');
    }
    return { ...(await settle(ctx, created, { store: storeInfo })), replayed: false };
  }

  async function get(ctx: CallContext, checkoutId: string): Promise<CheckoutRecord> {
    const record = await store.get(ctx.tenantId, checkoutId);
    if (!record) raiseCheckout('checkout-not-found', 'No such checkout.');
    return record;
  }

  /** One round of the recovery worker: every saga whose lease lapsed, driven on. */
  async function resumeDue(limit = 50): Promise<number> {
    let resumed = 0;
    for (const { tenantId, id } of await store.due(clock.now(), limit)) {
      const claimed = await store.claim(tenantId, id, settings.leaseMs);
      if (!claimed) continue;
      await drive({ tenantId, actor: checkoutWorker }, claimed);
      resumed += 1;
    }
    return resumed;
  }

  return { start, get, resumeDue };
}
