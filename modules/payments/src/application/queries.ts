import { cursorScope, invalidCursor, toPage } from '@stratum/platform';
import { listPaymentsQuery, raise, type PaymentsApi } from '../contract.ts';
import { visibleStores } from '../domain/stores.ts';
import type { PaymentsDeps } from './ports.ts';
import { assertStoreAccess, loadExisting } from './stream.ts';
import { recordView, toEventView } from './views.ts';

const uuidLike = /^[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}$/i;

/** The read model's row: one short query, no stream replay. */
export function getPayment(deps: PaymentsDeps): PaymentsApi['getPayment'] {
  return async (ctx, paymentId) => {
    const record = await deps.store.inTenant(ctx, (repo) => repo.findPayment(paymentId));
    if (!record) raise('payment-not-found', 'No such payment.');
    assertStoreAccess(ctx, record.view.storeId);
    return recordView(record);
  };
}

/** Newest first, keyset-paginated on (createdAt, id); only the caller's stores. */
export function listPayments(deps: PaymentsDeps): PaymentsApi['listPayments'] {
  return async (ctx, raw) => {
    const query = listPaymentsQuery.parse(raw);
    if (query.storeId) assertStoreAccess(ctx, query.storeId);
    const cursors = cursorScope('payments');
    let after: { createdAt: Date; id: string } | undefined;
    const values = cursors.decode(query.cursor, 2);
    if (values) {
      const [at, id] = values;
      const createdAt = new Date(String(at));
      if (Number.isNaN(createdAt.getTime()) || !uuidLike.test(String(id))) throw invalidCursor();
      after = { createdAt, id: String(id) };
    }
    const rows = await deps.store.inTenant(ctx, (repo) =>
      repo.listPayments(
        {
          limit: query.limit + 1,
          ...(query.orderId && { orderId: query.orderId }),
          ...(query.storeId && { storeId: query.storeId }),
        },
        after,
        visibleStores(ctx.actor.stores),
      ),
    );
    return toPage(
      rows,
      query.limit,
      recordView,
      cursors.keyOf((r) => [r.createdAt.toISOString(), r.id]),
    );
  };
}

/** The stream itself, oldest first: the ledger behind the view. */
export function paymentEvents(deps: PaymentsDeps): PaymentsApi['paymentEvents'] {
  return async (ctx, paymentId) => {
    const loaded = await loadExisting(deps, ctx, paymentId);
    return loaded.events.map(toEventView);
  };
}
