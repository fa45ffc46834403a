import { and, asc, count, desc, eq, gt, gte, inArray, lt, lte, sql } from 'drizzle-orm';
import { compiledRows, placeholdersOf, rowsOf, type Tx } from '@stratum/platform';
import type { LedgerRepository, MovementRecord } from '../../application/ports.ts';
import { counts, levels, movements } from './schema.ts';

const toMovement = (r: typeof movements.$inferSelect): MovementRecord => ({
  id: r.id,
  batchId: r.batchId,
  storeId: r.storeId,
  stockItemId: r.stockItemId,
  kind: r.kind,
  quantity: r.quantity,
  onHandAfter: r.onHandAfter,
  reason: r.reason,
  referenceType: r.referenceType,
  referenceId: r.referenceId,
  actorId: r.actorId,
  occurredAt: r.occurredAt,
});

interface MismatchRow {
  store_id: string;
  stock_item_id: string;
  p_on_hand: unknown;
  e_on_hand: unknown;
  p_reserved: unknown;
  e_reserved: unknown;
  p_in_transit: unknown;
  e_in_transit: unknown;
}

const fields = [
  ['onHand', 'p_on_hand', 'e_on_hand'],
  ['reserved', 'p_reserved', 'e_reserved'],
  ['inTransit', 'p_in_transit', 'e_in_transit'],
] as const;

type NewMovement = Omit<typeof movements.$inferInsert, 'occurredAt'>;

/** A batch's movements, compiled once per batch size (ADR 0016). */
const insertMovements = compiledRows<NewMovement, (typeof movements.$inferSelect)[]>((db, rows) =>
  db
    .insert(movements)
    .values(
      rows.map((p) =>
        placeholdersOf(p, [
          'id',
          'tenantId',
          'batchId',
          'storeId',
          'stockItemId',
          'kind',
          'quantity',
          'onHandAfter',
          'reason',
          'referenceType',
          'referenceId',
          'actorId',
        ]),
      ),
    )
    .returning(),
);

export function ledgerRepository(tx: Tx, tenantId: string): LedgerRepository {
  return {
    async insertMovements(records) {
      if (records.length === 0) return [];
      const rows = await insertMovements(
        tx,
        records.map((m) => ({ ...m, tenantId })),
      );
      return rows.map(toMovement);
    },
    async listMovements(query, after, stores) {
      const ascending = query.sort === 'occurredAt';
      const rows = await tx
        .select()
        .from(movements)
        .where(
          and(
            eq(movements.tenantId, tenantId),
            query.storeId ? eq(movements.storeId, query.storeId) : undefined,
            stores ? inArray(movements.storeId, stores) : undefined,
            query.stockItemId ? eq(movements.stockItemId, query.stockItemId) : undefined,
            query.kind ? eq(movements.kind, query.kind) : undefined,
            query.batchId ? eq(movements.batchId, query.batchId) : undefined,
            query.referenceId ? eq(movements.referenceId, query.referenceId) : undefined,
            query.from ? gte(movements.occurredAt, new Date(query.from)) : undefined,
            query.to ? lte(movements.occurredAt, new Date(query.to)) : undefined,
            after ? (ascending ? gt(movements.id, after) : lt(movements.id, after)) : undefined,
          ),
        )
        .orderBy(ascending ? asc(movements.id) : desc(movements.id))
        .limit(query.limit);
      return rows.map(toMovement);
    },
    async movementsOfBatch(batchId) {
      const rows = await tx
        .select()
        .from(movements)
        .where(and(eq(movements.tenantId, tenantId), eq(movements.batchId, batchId)))
        .orderBy(asc(movements.id));
      return rows.map(toMovement);
    },
    async insertCount(c) {
      const [row] = await tx
        .insert(counts)
        .values({ ...c, tenantId })
        .returning();
      return { ...c, countedAt: row!.countedAt };
    },
    async findCount(id) {
      const [row] = await tx.select().from(counts).where(eq(counts.id, id));
      return (
        row && {
          id: row.id,
          storeId: row.storeId,
          batchId: row.batchId,
          note: row.note,
          lines: row.lines,
          countedBy: row.countedBy,
          countedAt: row.countedAt,
        }
      );
    },
    /**
     * Recomputes every level from its sources (the ledger, active holds, open
     * transfers) and returns where the projection differs. A full outer join,
     * so a movement without a level row is a mismatch too.
     */
    async consistency(storeId) {
      const inStore = (column: string) =>
        storeId ? sql`and ${sql.raw(column)} = ${storeId}::uuid` : sql``;
      const [checked] = await tx
        .select({ n: count() })
        .from(levels)
        .where(
          and(eq(levels.tenantId, tenantId), storeId ? eq(levels.storeId, storeId) : undefined),
        );
      const rows = rowsOf<MismatchRow>(
        await tx.execute(sql`
          with expected as (
            select store_id, stock_item_id, sum(on_hand) as on_hand, sum(reserved) as reserved,
                   sum(in_transit) as in_transit
            from (
              select store_id, stock_item_id, quantity as on_hand, 0 as reserved, 0 as in_transit
              from inventory.movements where tenant_id = ${tenantId} ${inStore('store_id')}
              union all
              select h.store_id, h.stock_item_id, 0, h.quantity, 0
              from inventory.reservation_holds h
              join inventory.reservations r on r.id = h.reservation_id and r.status = 'active'
              where h.tenant_id = ${tenantId} ${inStore('h.store_id')}
              union all
              select t.to_store_id, l.stock_item_id, 0, 0, l.quantity
              from inventory.transfer_lines l
              join inventory.transfers t on t.id = l.transfer_id and t.status = 'dispatched'
              where l.tenant_id = ${tenantId} ${inStore('t.to_store_id')}
            ) sources
            group by store_id, stock_item_id
          ),
          projected as (
            select * from inventory.levels where tenant_id = ${tenantId} ${inStore('store_id')}
          )
          select coalesce(p.store_id, e.store_id) as store_id,
                 coalesce(p.stock_item_id, e.stock_item_id) as stock_item_id,
                 coalesce(p.on_hand, 0) as p_on_hand, coalesce(e.on_hand, 0) as e_on_hand,
                 coalesce(p.reserved, 0) as p_reserved, coalesce(e.reserved, 0) as e_reserved,
                 coalesce(p.in_transit, 0) as p_in_transit, coalesce(e.in_transit, 0) as e_in_transit
          from projected p
          full join expected e on e.store_id = p.store_id and e.stock_item_id = p.stock_item_id
          where coalesce(p.on_hand, 0) <> coalesce(e.on_hand, 0)
             or coalesce(p.reserved, 0) <> coalesce(e.reserved, 0)
             or coalesce(p.in_transit, 0) <> coalesce(e.in_transit, 0)
          order by 1, 2
          limit 1000`),
      );
      const mismatches = rows.flatMap((r) =>
        fields.flatMap(([field, p, e]) =>
          Number(r[p]) === Number(r[e])
            ? []
            : [
                {
                  storeId: r.store_id,
                  stockItemId: r.stock_item_id,
                  field,
                  projected: Number(r[p]),
                  expected: Number(r[e]),
                },
              ],
        ),
      );
      return { levelsChecked: checked?.n ?? 0, mismatches };
    },
  };
}
