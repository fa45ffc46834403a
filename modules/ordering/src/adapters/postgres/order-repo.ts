import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Tx } from '@stratum/platform';
import type { OrderRecord, OrderRepository } from '../../application/ports.ts';
import { orderEvents, orderNumbers, orders } from './schema.ts';

const toOrder = (r: typeof orders.$inferSelect): OrderRecord => ({
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

export function orderRepository(tx: Tx, tenantId: string): OrderRepository {
  return {
    async insertOrder(o) {
      const rows = await tx
        .insert(orders)
        .values({
          id: o.id,
          tenantId,
          storeId: o.storeId,
          registerId: o.registerId,
          number: o.number,
          status: o.status,
          state: o.state,
          notes: o.notes,
          request: o.request,
          split: o.split,
          version: o.version,
          createdAt: o.createdAt,
          updatedAt: o.updatedAt,
        })
        .onConflictDoNothing()
        .returning({ id: orders.id });
      return rows.length === 1;
    },
    async findOrder(id, lock = false) {
      const query = tx
        .select()
        .from(orders)
        .where(and(eq(orders.tenantId, tenantId), eq(orders.id, id)));
      const [row] = lock ? await query.for('update') : await query;
      return row && toOrder(row);
    },
    async updateOrder(o, expectedVersion) {
      // On PostgreSQL a concurrent writer's UPDATE waits for ours and then
      // re-checks the version on the committed row: exactly one of them wins.
      const rows = await tx
        .update(orders)
        .set({
          status: o.status,
          state: o.state,
          split: o.split,
          version: o.version,
          updatedAt: o.updatedAt,
        })
        .where(
          and(
            eq(orders.tenantId, tenantId),
            eq(orders.id, o.id),
            eq(orders.version, expectedVersion),
          ),
        )
        .returning({ id: orders.id });
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
      await tx.insert(orderEvents).values(
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
      const [row] = await tx
        .insert(orderNumbers)
        .values({ tenantId, storeId, businessDate, lastNumber: 1 })
        .onConflictDoUpdate({
          target: [orderNumbers.tenantId, orderNumbers.storeId, orderNumbers.businessDate],
          set: { lastNumber: sql`${orderNumbers.lastNumber} + 1` },
        })
        .returning({ number: orderNumbers.lastNumber });
      if (!row) throw new Error('order number not allocated');
      return row.number;
    },
  };
}
