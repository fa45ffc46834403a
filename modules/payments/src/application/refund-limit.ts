import type { PaymentsApi, RefundLimitView } from '../contract.ts';
import { raise } from '../contract.ts';
import type { PaymentRepository, PaymentsDeps, RefundLimitRecord } from './ports.ts';
import { assertStoreAccess } from './stream.ts';

/** The store's refund limit, or the module's default for a store that has not set one. */
export async function refundLimitOf(
  deps: PaymentsDeps,
  repo: PaymentRepository,
  storeId: string,
): Promise<number> {
  return (await repo.findRefundLimit(storeId))?.refundLimit ?? deps.settings.defaultRefundLimit;
}

const toView = (
  deps: PaymentsDeps,
  storeId: string,
  record: RefundLimitRecord | undefined,
): RefundLimitView =>
  record
    ? {
        storeId,
        refundLimit: record.refundLimit,
        source: 'store',
        updatedAt: record.updatedAt.toISOString(),
      }
    : {
        storeId,
        refundLimit: deps.settings.defaultRefundLimit,
        source: 'default',
        updatedAt: null,
      };

/**
 * A store's limit, its own or the default. The store must be one of the
 * caller's business (asked of store-ops before the transaction, as for every
 * store-scoped route); an archived store's limit can still be read.
 */
export function getRefundLimit(deps: PaymentsDeps): PaymentsApi['getRefundLimit'] {
  return async (ctx, storeId) => {
    assertStoreAccess(ctx, storeId);
    await deps.stores.get(ctx, storeId);
    const record = await deps.store.inTenant(ctx, (repo) => repo.findRefundLimit(storeId));
    return toView(deps, storeId, record);
  };
}

/**
 * Sets the largest refund staff may give alone in a store; the change is
 * audited. Only a store of the caller's business that is not archived has a
 * limit set: the store is asked of store-ops before the transaction opens,
 * so no row is kept for a store that is not there.
 */
export function setRefundLimit(deps: PaymentsDeps): PaymentsApi['setRefundLimit'] {
  return async (ctx, storeId, amount) => {
    assertStoreAccess(ctx, storeId);
    if (!Number.isSafeInteger(amount) || amount < 0) {
      raise('invalid-amount', 'A refund limit is a whole number of minor units, 0 or more.');
    }
    const store = await deps.stores.get(ctx, storeId);
    if (!store.active) raise('store-archived', 'The store is archived.');
    return deps.store.inTenant(ctx, async (repo) => {
      const before = await repo.findRefundLimit(storeId);
      const saved = await repo.saveRefundLimit(storeId, amount, {
        at: deps.clock.now(),
        actorId: ctx.actor.id,
      });
      await repo.audit({
        action: 'refund-limit.set',
        entityType: 'store',
        entityId: storeId,
        before: { refundLimit: before?.refundLimit ?? deps.settings.defaultRefundLimit },
        after: { refundLimit: saved.refundLimit },
      });
      return toView(deps, storeId, saved);
    });
  };
}
