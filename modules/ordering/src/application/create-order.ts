import { isUuid, newId, together, type CallContext } from '@stratum/platform';
import {
  createOrderInput,
  orderingEvents,
  raise,
  type FulfilmentView,
  type OrderingApi,
  type OrderView,
} from '../contract.ts';
import { businessDate } from '../domain/local-time.ts';
import { decide } from '../domain/order.ts';
import { placedPayload } from './integration-events.ts';
import { pricedLine } from './lines.ts';
import { assertRegisterOf, assertStoreAccess, withRetry } from './order-writer.ts';
import type { CreateRequest, OrderRecord, OrderingDeps, StoreInfo } from './ports.ts';
import { toFulfilment, toOrderView } from './views.ts';

/** Key order does not matter: two requests are the same when their JSON values are. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const sameRequest = (a: CreateRequest, b: CreateRequest) => canonical(a) === canonical(b);

/** The store, checked for access and being open for business (before any transaction). */
export async function storeFor(
  deps: OrderingDeps,
  ctx: CallContext,
  storeId: string,
): Promise<StoreInfo> {
  assertStoreAccess(ctx, storeId);
  return deps.stores.get(ctx, storeId);
}

/**
 * Opens an order, empty or with the lines a till rang up (priced as adding
 * each would). The store's currency, tax mode and tax rounding come from
 * store-ops and are kept on the order: later changes to the store do not
 * reprice it. A client-chosen id makes the creation
 * idempotent: the same request again answers the order as it is now, another
 * request under the same id is `order-already-exists`.
 */
/**
 * A dine-in order at a floor-plan table (its id) takes the table's name, for
 * the receipt and the kitchen; the table must be an active one of the store.
 * Any other `tableId` is a label the floor knows the table by, kept as given.
 */
async function seated(
  deps: OrderingDeps,
  ctx: CallContext,
  storeId: string,
  fulfilment: FulfilmentView,
): Promise<FulfilmentView> {
  if (fulfilment.type !== 'dine-in') return fulfilment;
  const { tableName: _given, ...asked } = fulfilment;
  if (!isUuid(asked.tableId)) return asked;
  const table = await deps.tables.find(ctx, asked.tableId);
  if (table?.storeId !== storeId) {
    raise('table-not-found', 'No such table in the order’s store.', { tableId: asked.tableId });
  }
  if (!table.active) {
    raise('table-inactive', 'The table is deactivated.', { tableId: asked.tableId });
  }
  return { ...asked, tableName: table.name };
}

export function createOrder(deps: OrderingDeps): OrderingApi['createOrder'] {
  return async (ctx, raw) => {
    const input = createOrderInput.parse(raw);
    const store = await storeFor(deps, ctx, input.storeId);
    await assertRegisterOf(deps, ctx, input.registerId, input.storeId);
    const fulfilment = await seated(deps, ctx, input.storeId, input.fulfilment);
    if (!store.active) raise('store-archived', 'The store is archived.');
    const orderId = input.orderId ?? newId();
    const request: CreateRequest = {
      storeId: input.storeId,
      registerId: input.registerId,
      fulfilment: input.fulfilment,
      notes: input.notes || null,
      ...(input.lines?.length && { lines: input.lines }),
    };
    const lineIds = (input.lines ?? []).map((l) => l.lineId ?? newId());
    if (new Set(lineIds).size !== lineIds.length) {
      raise('duplicate-line', 'Two lines of the order have the same id.');
    }
    // Priced before the transaction opens: another module's call never runs inside ours.
    const lines = await Promise.all(
      (input.lines ?? []).map((l, i) => pricedLine(deps, ctx, input.storeId, l, lineIds[i]!)),
    );
    const replay = (existing: OrderRecord): OrderView => {
      assertStoreAccess(ctx, existing.storeId);
      if (!sameRequest(existing.request, request)) {
        raise('order-already-exists', `Order ${orderId} exists with another request.`);
      }
      return toOrderView(existing);
    };
    // A concurrent creation under the same id makes the insert find the row:
    // the next attempt reads it and answers it as a replay.
    return withRetry(deps, undefined, (retry) =>
      deps.store.inTenant(ctx, async (repo) => {
        // An id this call drew cannot exist yet; a client's may (a retried creation).
        const existing = input.orderId ? await repo.findOrder(orderId) : undefined;
        if (existing) return replay(existing);
        // The last attempt found the id taken, and it is not ours: another business's order.
        if (retry) raise('order-already-exists', `Order id ${orderId} is taken.`);
        const now = deps.clock.now();
        const number = await repo.nextOrderNumber(input.storeId, businessDate(now, store.timezone));
        const placed = decide(
          null,
          {
            type: 'place-order',
            orderId,
            storeId: input.storeId,
            orderNumber: String(number),
            fulfilment: toFulfilment(fulfilment),
            currency: store.currency,
            settings: {
              taxInclusive: store.taxInclusive,
              rounding: store.rounding,
            },
            openedBy: ctx.actor.id,
          },
          now,
        );
        let state = placed.state;
        const events = [...placed.events];
        for (const line of lines) {
          const added = decide(state, { type: 'add-line', line }, now);
          state = added.state;
          events.push(...added.events);
        }
        const record: OrderRecord = {
          id: orderId,
          storeId: input.storeId,
          registerId: input.registerId,
          number: state.orderNumber,
          status: state.status,
          state,
          notes: request.notes,
          request,
          split: null,
          version: events.length,
          createdAt: now,
          updatedAt: now,
        };
        // The last statements: the commit leaves with them, so the store's order-number
        // row, which every sale of the day queues for, is held one round trip less.
        // An id found taken fails the insert (order-concurrency-conflict) and so the
        // transaction, giving back the number; the next attempt replays a concurrent
        // creation of ours or refuses another business's id.
        await repo.lastly(() =>
          together([
            repo.insertOrder(record),
            repo.appendEvents(orderId, 0, events, ctx.actor.id),
            repo.emit(orderingEvents.orderPlaced, placedPayload(record)),
          ]),
        );
        return toOrderView(record);
      }),
    );
  };
}
