import { cursorScope, invalidCursor, toPage, type CursorScope } from '@stratum/platform';
import { listOrdersQuery, raise, type OrderingApi } from '../contract.ts';
import { visibleStores } from '../domain/stores.ts';
import { assertStoreAccess, readOrder } from './order-writer.ts';
import type { OrderCursor, OrderingDeps } from './ports.ts';
import { toOrderView, toReceiptView, toSummaryView } from './views.ts';

const uuidPattern = /^[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}$/i;

function decodeOrderCursor(cursors: CursorScope, cursor: string | undefined) {
  const values = cursors.decode(cursor, 2);
  if (values === undefined) return undefined;
  const [at, id] = values;
  if (typeof at !== 'string' || Number.isNaN(Date.parse(at))) throw invalidCursor();
  if (typeof id !== 'string' || !uuidPattern.test(id)) throw invalidCursor();
  const after: OrderCursor = [at, id];
  return after;
}

export function getOrder(deps: OrderingDeps): OrderingApi['getOrder'] {
  return async (ctx, orderId) => toOrderView(await readOrder(deps, ctx, orderId));
}

/** Newest first by default; keyset pagination on (created_at, id), one index per filter. */
export function listOrders(deps: OrderingDeps): OrderingApi['listOrders'] {
  return async (ctx, raw) => {
    const query = listOrdersQuery.parse(raw);
    if (query.storeId) assertStoreAccess(ctx, query.storeId);
    const cursors = cursorScope('orders', query.sort);
    const after = decodeOrderCursor(cursors, query.cursor);
    return deps.store.inTenant(ctx, async (repo) => {
      const rows = await repo.listOrders(
        { ...query, limit: query.limit + 1 },
        after,
        visibleStores(ctx.actor.stores),
      );
      return toPage(
        rows,
        query.limit,
        toSummaryView,
        cursors.keyOf((o) => [o.createdAt.toISOString(), o.id]),
      );
    });
  };
}

export function getReceipt(deps: OrderingDeps): OrderingApi['getReceipt'] {
  return (ctx, orderId) =>
    deps.store.inTenant(ctx, async (repo) => {
      const receipt = await repo.findReceipt(orderId);
      if (!receipt) {
        const order = await repo.findOrder(orderId);
        if (!order) raise('order-not-found', 'No such order.', { orderId });
        raise('receipt-not-found', 'The order has no receipt yet: it is not paid.', {
          status: order.status,
        });
      }
      assertStoreAccess(ctx, receipt.storeId);
      return toReceiptView(receipt);
    });
}
