import { and, asc, desc, eq, inArray, sql, type SQLWrapper } from 'drizzle-orm';
import {
  compiled,
  compiledRows,
  isUniqueViolation,
  placeholderSet,
  placeholdersOf,
  type Tx,
} from '@stratum/platform';
import { raise } from '../../contract.ts';
import type { OrderRecord, OrderRepository } from '../../application/ports.ts';
import { orderEvents, orderNumbers, orders } from './schema.ts';

const toOrder = (r: OrderRow): OrderRecord => ({
  id: r.id,
  storeId: r.storeId,
  registerId: r.registerId,
  number: r.number,
  status: r.status,
  state: r.state,
  notes: r.notes,
  request: r.request,
  split: r.split ?? null,
  version: r.version,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
});

type OrderRow = typeof orders.$inferSelect;
type Key = { tenantId: string; id: string };

// The statements every sale runs, compiled once (ADR 0016).
const insertOrder = compiled<OrderRow, unknown>((db, p) =>
  db
    .insert(orders)
    .values(
      placeholdersOf(p, [
        'id',
        'tenantId',
        'storeId',
        'registerId',
        'number',
        'status',
        'state',
        'notes',
        'request',
        'split',
        'version',
        'createdAt',
        'updatedAt',
      ]),
    ),
);
const insertEvents = compiledRows<typeof orderEvents.$inferInsert, unknown>((db, rows) =>
  db
    .insert(orderEvents)
    .values(
      rows.map((p) =>
        placeholdersOf(p, ['tenantId', 'orderId', 'version', 'type', 'event', 'actorId', 'at']),
      ),
    ),
);
const byKey = (p: { tenantId: SQLWrapper; id: SQLWrapper }) =>
  and(eq(orders.tenantId, p.tenantId), eq(orders.id, p.id));
const findOrder = compiled<Key, OrderRow[]>((db, p) => db.select().from(orders).where(byKey(p)));
const findOrderForUpdate = compiled<Key, OrderRow[]>((db, p) =>
  db.select().from(orders).where(byKey(p)).for('update'),
);
const updateOrder = compiled<
  Key &
    Pick<OrderRow, 'status' | 'state' | 'split' | 'version' | 'updatedAt'> & {
      expected: number;
    },
  { id: string }[]
>((db, p) =>
  db
    .update(orders)
    .set(
      placeholderSet<OrderRow>({
        status: p.status,
        state: p.state,
        split: p.split,
        version: p.version,
        updatedAt: p.updatedAt,
      }),
    )
    .where(and(byKey(p), eq(orders.version, p.expected)))
    .returning({ id: orders.id }),
);
const nextOrderNumber = compiled<
  { tenantId: string; storeId: string; businessDate: string },
  { number: number }[]
>((db, p) =>
  db
    .insert(orderNumbers)
    .values({
      tenantId: p.tenantId,
      storeId: p.storeId,
      businessDate: p.businessDate,
      lastNumber: 1,
    })
    .onConflictDoUpdate({
      target: [orderNumbers.tenantId, orderNumbers.storeId, orderNumbers.businessDate],
      set: { lastNumber: sql`${orderNumbers.lastNumber} + 1` },
    })
    .returning({ number: orderNumbers.lastNumber }),
);

export function orderRepository(tx: Tx, tenantId: string): OrderRepository {
  return {
    async insertOrder(o) {
      try {
        await insertOrder(tx, { ...o, tenantId, split: o.split ?? null });
      } catch (err) {
        if (isUniqueViolation(err, 'orders_pkey')) {
          raise('order-concurrency-conflict', 'The order was created meanwhile.', {
            orderId: o.id,
          });
        }
        throw err;
      }
    },
    async findOrder(id, lock = false) {
      const [row] = await (lock ? findOrderForUpdate : findOrder)(tx, { tenantId, id });
      return row && toOrder(row);
    },
    async updateOrder(o, expectedVersion) {
      // On PostgreSQL a concurrent writer's UPDATE waits for ours and then
      // re-checks the version on the committed row: exactly one of them wins.
      const rows = await updateOrder(tx, {
        tenantId,
        id: o.id,
        status: o.status,
        state: o.state,
        split: o.split ?? null,
        version: o.version,
        updatedAt: o.updatedAt,
        expected: expectedVersion,
      });
      return rows.length === 1;
    },
    async saveSplit(orderId, split, version) {
      const rows = await tx
        .update(orders)
        .set({ split })
        .where(
          and(eq(orders.tenantId, tenantId), eq(orders.id, orderId), eq(orders.version, version)),
        )
        .returning({ id: orders.id });
      return rows.length === 1;
    },
    async appendEvents(orderId, afterVersion, events, actorId) {
      if (events.length === 0) return;
      await insertEvents(
        tx,
        events.map((event, i) => ({
          tenantId,
          orderId,
          version: afterVersion + i + 1,
          type: event.type,
          event,
          actorId,
          at: new Date(event.at),
        })),
      );
    },
    async listOrders(query, after, stores) {
      const descending = query.sort === '-createdAt';
      const keyset = after
        ? sql`(${orders.createdAt}, ${orders.id}) ${sql.raw(descending ? '<' : '>')} (${after[0]}::timestamptz, ${after[1]}::uuid)`
        : undefined;
      const rows = await tx
        .select()
        .from(orders)
        .where(
          and(
            eq(orders.tenantId, tenantId),
            query.storeId ? eq(orders.storeId, query.storeId) : undefined,
            query.registerId ? eq(orders.registerId, query.registerId) : undefined,
            query.status ? eq(orders.status, query.status) : undefined,
            stores ? inArray(orders.storeId, stores) : undefined,
            keyset,
          ),
        )
        .orderBy(
          ...(descending
            ? [desc(orders.createdAt), desc(orders.id)]
            : [asc(orders.createdAt), asc(orders.id)]),
        )
        .limit(query.limit);
      return rows.map(toOrder);
    },
    async nextOrderNumber(storeId, businessDate) {
      // The counter row's lock serialises the store's creations of the day
      // until commit; a rolled-back creation gives its number back.
      const [row] = await nextOrderNumber(tx, { tenantId, storeId, businessDate });
      if (!row) throw new Error('order number not allocated');
      return row.number;
    },
  };
}
