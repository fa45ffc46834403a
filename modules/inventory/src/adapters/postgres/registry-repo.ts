import { and, asc, desc, eq, gt, lt, sql } from 'drizzle-orm';
import { compiled, type Tx } from '@stratum/platform';
import type { RegistryRepository, StockItemRecord } from '../../application/ports.ts';
import { items, reservationHolds, stockItems } from './schema.ts';

export const toStockItem = (r: typeof stockItems.$inferSelect): StockItemRecord => ({
  id: r.id,
  itemId: r.itemId,
  itemName: r.itemName,
  variantName: r.variantName,
  sku: r.sku,
  unit: r.unit,
  kind: r.kind,
  archived: r.archived,
  createdAt: r.createdAt,
});

/** Stock items by id, one statement for any number of them: compiled once (ADR 0016). */
const stockItemsById = compiled<{ ids: string[] }, (typeof stockItems.$inferSelect)[]>((db, p) =>
  db
    .select()
    .from(stockItems)
    .where(sql`${stockItems.id} = any(${p.ids}::uuid[])`),
);

/** The stock items of a reservation's holds: compiled once (ADR 0016). */
const stockItemsOfReservation = compiled<
  { reservationId: string },
  (typeof stockItems.$inferSelect)[]
>((db, p) =>
  db
    .select()
    .from(stockItems)
    .where(
      sql`${stockItems.id} in (select h.stock_item_id from ${reservationHolds} h where h.reservation_id = ${p.reservationId}::uuid)`,
    ),
);

export function registryRepository(tx: Tx, tenantId: string): RegistryRepository {
  return {
    async insertItem(item) {
      const rows = await tx
        .insert(items)
        .values({ ...item, tenantId })
        .onConflictDoNothing()
        .returning({ id: items.id });
      return rows.length === 1;
    },
    async findItem(id) {
      const [row] = await tx.select().from(items).where(eq(items.id, id));
      return (
        row && {
          id: row.id,
          name: row.name,
          kind: row.kind,
          unit: row.unit,
          archived: row.archived,
        }
      );
    },
    async updateItem(id, patch) {
      await tx
        .update(items)
        .set({ ...patch, updatedAt: sql`now()` })
        .where(eq(items.id, id));
      await tx
        .update(stockItems)
        .set({
          ...(patch.name !== undefined && { itemName: patch.name }),
          ...(patch.archived && { archived: true }),
        })
        .where(eq(stockItems.itemId, id));
    },
    async insertStockItems(records) {
      if (records.length === 0) return;
      await tx
        .insert(stockItems)
        .values(records.map((r) => ({ ...r, tenantId })))
        .onConflictDoNothing();
    },
    async updateStockItem(id, patch) {
      const rows = await tx
        .update(stockItems)
        .set(patch)
        .where(eq(stockItems.id, id))
        .returning({ id: stockItems.id });
      return rows.length === 1;
    },
    async findStockItemsOfReservation(reservationId) {
      const rows = await stockItemsOfReservation(tx, { reservationId });
      return new Map(rows.map((r) => [r.id, toStockItem(r)]));
    },
    async findStockItems(ids) {
      if (ids.length === 0) return new Map();
      const rows = await stockItemsById(tx, { ids: [...ids] });
      return new Map(rows.map((r) => [r.id, toStockItem(r)]));
    },
    async listStockItems(query, after) {
      const ascending = query.sort === 'createdAt';
      const rows = await tx
        .select()
        .from(stockItems)
        .where(
          and(
            eq(stockItems.tenantId, tenantId),
            query.kind ? eq(stockItems.kind, query.kind) : undefined,
            query.itemId ? eq(stockItems.itemId, query.itemId) : undefined,
            query.archived !== undefined ? eq(stockItems.archived, query.archived) : undefined,
            after ? (ascending ? gt(stockItems.id, after) : lt(stockItems.id, after)) : undefined,
          ),
        )
        .orderBy(ascending ? asc(stockItems.id) : desc(stockItems.id))
        .limit(query.limit);
      return rows.map(toStockItem);
    },
  };
}
