import { DomainError, type CallContext } from '@stratum/platform';
import { raiseCheckout } from '../../contract/checkout.ts';
import {
  canCompensate,
  changeDue,
  compensationSteps,
  nextCompensation,
  nextForward,
  pivotStep,
  type CompensationStep,
  type ForwardStep,
} from '../../domain/checkout.ts';
import type { StoreInfo } from '../ports.ts';
import type { CheckoutDeps, CheckoutRecord, StepDone } from './ports.ts';

/** What the request that started a saga read already, so that its run need not read it again. */
export interface ReadBefore {
  /** The register's store, checked before any money moved. */
  store?: StoreInfo;
}

/**
 * A failure worth retrying: a dependency that is down, slow or busy, a lost
 * optimistic-concurrency race, or anything unexpected (a dropped connection).
 * A DomainError of any other kind is an answer (a decline, no stock) and
 * retrying would give the same one.
 */
export function isTransient(err: unknown): boolean {
  if (!(err instanceof DomainError)) return true;
  return err.kind === 'unavailable' || err.code.endsWith('-concurrency-conflict');
}

/** Exponential backoff with full jitter, capped at 30 s. */
export function retryDelayMs(attempts: number, random: () => number = Math.random): number {
  const ceiling = Math.min(30_000, 250 * 2 ** Math.min(attempts, 10));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

function failureOf(err: unknown, step: ForwardStep): NonNullable<CheckoutRecord['failure']> {
  if (err instanceof DomainError) return { code: err.code, message: err.message, step };
  return { code: 'internal-error', message: 'The checkout failed unexpectedly.', step };
}

/**
 * Runs a checkout saga from wherever it stands until it is terminal or a
 * step fails transiently (then it is released for a later retry). Each step
 * is idempotent on ids fixed in the plan, so a step a crash interrupted is
 * simply run again. The row records progress at checkpoints only (the pivot,
 * in ordering's transaction that pays the order, and the end); the steps in
 * between are logged with the next checkpoint, and after a crash they run
 * again from the last one.
 */
export function checkoutSaga<U>(deps: CheckoutDeps<U>) {
  const { store, orders, reservations, payments, receipts, clock, settings } = deps;

  /** A forward step that is not a checkpoint: its effect only. */
  async function forward(ctx: CallContext, record: CheckoutRecord, step: ForwardStep) {
    const { plan } = record;
    if (step === 'place') {
      // Sagas are created with place done; one started otherwise checks the order here.
      const now = await orders.snapshot(ctx, record.orderId);
      if (now.version !== plan.orderVersion) {
        raiseCheckout(
          'order-changed-during-checkout',
          'The order changed after the checkout was requested; check out again.',
        );
      }
    } else if (step === 'reserve-stock') {
      await reservations.reserve(ctx, {
        reservationId: plan.reservationId,
        storeId: record.storeId,
        lines: [...plan.lines],
        reference: `order ${record.orderId}`,
      });
    } else if (step.startsWith('pay:')) {
      const tender = plan.tenders[Number(step.slice(4))];
      if (!tender) throw new Error(`no tender for ${step}`);
      await payments.take(ctx, tender, {
        orderId: record.orderId,
        storeId: record.storeId,
        registerId: record.registerId,
        currency: plan.currency,
      });
    } else if (step === 'fire-kitchen') {
      await orders.fireRemaining(ctx, record.orderId);
    } else if (step === 'confirm-stock') {
      await reservations.confirm(ctx, plan.reservationId);
    } else {
      throw new Error(`${step} is a checkpoint`);
    }
  }

  /**
   * The pivot: a receipt number, then the order paid and the saga moved on in
   * one transaction. A split-bill part that leaves some of the bill owed is
   * recorded on the order without a receipt, and the saga ends there.
   */
  async function confirmOrder(
    ctx: CallContext,
    record: CheckoutRecord,
    done: StepDone[],
    read: ReadBefore,
  ) {
    const { plan } = record;
    if (plan.kind === 'part') {
      const payPart = await orders.preparePartPaid(ctx, record.orderId, {
        checkoutId: record.id,
        orderVersion: plan.orderVersion,
        partId: plan.partId ?? '',
        tenders: plan.tenders,
        paidAt: clock.now(),
      });
      return store.advanceWith(
        ctx,
        record,
        done,
        { step: 'done', status: 'completed' },
        settings.leaseMs,
        {},
        payPart,
      );
    }
    const { number: receiptNumber, registerName } = await receipts.allocate(
      ctx,
      record.registerId,
      record.orderId,
    );
    const pay = await orders.prepareMarkPaid(ctx, record.orderId, {
      checkoutId: record.id,
      storeId: record.storeId,
      ...(read.store?.id === record.storeId && { store: read.store }),
      orderVersion: plan.orderVersion,
      registerId: record.registerId,
      registerName,
      ...(plan.cashierName !== undefined && { cashier: plan.cashierName }),
      receiptNumber,
      tenders: plan.tenders,
      changeDue: changeDue(plan.tenders),
      paidAt: clock.now(),
    });
    const next = nextForward(pivotStep, plan.tenders, plan.kind);
    return store.advanceWith(
      ctx,
      record,
      done,
      next ? { step: next, status: 'running' } : { step: 'done', status: 'completed' },
      settings.leaseMs,
      { receiptNumber },
      pay,
    );
  }

  async function compensate(ctx: CallContext, record: CheckoutRecord, step: CompensationStep) {
    const reason = `checkout ${record.id} undone: ${record.failure?.code ?? 'failed'}`;
    if (step.startsWith('refund:')) {
      const tender = record.plan.tenders[Number(step.slice(7))];
      if (!tender) throw new Error(`no tender for ${step}`);
      await payments.undo(ctx, tender.paymentId, reason);
    } else if (step === 'release-stock') {
      await reservations.release(ctx, record.plan.reservationId);
    } else {
      // `release-order`, or `cancel-order` where an earlier version planned it: the bill stays owed.
      await orders.release(ctx, record.orderId, record.id);
    }
  }

  /** Leaves the saga for a later attempt; past the pivot it is never given up. */
  async function postpone(record: CheckoutRecord, err: unknown, step: string) {
    deps.log?.('warn', 'checkout step failed; will retry', {
      checkoutId: record.id,
      step,
      attempts: record.attempts,
      error: err instanceof Error ? err.message : String(err),
    });
    return store.release(record, new Date(clock.now().getTime() + retryDelayMs(record.attempts)));
  }

  /**
   * Runs the forward steps from the row's step to the next checkpoint and
   * moves the row there; on a failure, postpones or starts undoing.
   */
  async function runForward(ctx: CallContext, record: CheckoutRecord, read: ReadBefore) {
    const { tenders, kind } = record.plan;
    const done: StepDone[] = [];
    let step = record.step as ForwardStep;
    try {
      for (;;) {
        deps.onStep?.(step, 'before');
        if (step === pivotStep) {
          const moved = await confirmOrder(
            ctx,
            record,
            [...done, { step, direction: 'forward' }],
            read,
          );
          deps.onStep?.(step, 'after');
          return moved;
        }
        await forward(ctx, record, step);
        done.push({ step, direction: 'forward' });
        deps.onStep?.(step, 'after');
        const next = nextForward(step, tenders, kind);
        if (next === null) {
          return await store.advance(
            record,
            done,
            { step: 'done', status: 'completed' },
            settings.leaseMs,
          );
        }
        step = next;
      }
    } catch (err) {
      const age = clock.now().getTime() - record.createdAt.getTime();
      if (!canCompensate(step, tenders, kind)) return postpone(record, err, step);
      if (isTransient(err) && age < settings.retryWindowMs) return postpone(record, err, step);
      const failure = failureOf(err, step);
      deps.log?.('warn', 'checkout failed; undoing it', { checkoutId: record.id, ...failure });
      const [first] = compensationSteps(step, tenders, kind);
      if (!first) throw new Error(`nothing to undo after ${step}`, { cause: err });
      return store.advance(
        record,
        done,
        { step: first, status: 'compensating' },
        settings.leaseMs,
        { failure },
      );
    }
  }

  async function stepBack(ctx: CallContext, record: CheckoutRecord) {
    const step = record.step as CompensationStep;
    const failure = record.failure;
    if (!failure) throw new Error(`checkout ${record.id} is compensating without a failure`);
    try {
      deps.onStep?.(step, 'before');
      await compensate(ctx, record, step);
      deps.onStep?.(step, 'after');
      const next = nextCompensation(step, failure.step, record.plan.tenders, record.plan.kind);
      return await store.advance(
        record,
        [{ step, direction: 'compensate' }],
        next ? { step: next, status: 'compensating' } : { step: 'done', status: 'compensated' },
        settings.leaseMs,
      );
    } catch (err) {
      // Undoing must finish: keep retrying, however long the dependency is away.
      return postpone(record, err, step);
    }
  }

  /**
   * Drives `record` (whose lease the caller holds) as far as it will go now;
   * `read` is what the request that started it has read already.
   */
  return async function drive(
    ctx: CallContext,
    record: CheckoutRecord,
    read: ReadBefore = {},
  ): Promise<CheckoutRecord> {
    let current = record;
    for (;;) {
      if (current.status === 'completed' || current.status === 'compensated') return current;
      const before = current;
      current =
        current.status === 'running'
          ? await runForward(ctx, current, read)
          : await stepBack(ctx, current);
      // A postponed step leaves the saga where it was: stop and let the retry come.
      if (current.step === before.step && current.status === before.status) return current;
    }
  };
}
