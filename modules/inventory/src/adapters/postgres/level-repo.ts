import { and, asc, desc, eq, inArray, isNotNull, isNull, or, sql, type SQL } from 'drizzle-orm';
import { compiled, rowsOf, type Tx } from '@stratum/platform';
import type { ListLevelsQuery } from '../../contract.ts';
import {
  levelKey,
  type LevelKey,
  type LevelRecord,
  type LevelRepository,
} from '../../application/ports.ts';
import { levels, reservationHolds, stockItems } from './schema.ts';
import { toStockItem } from './registry-repo.ts';

const toLevel = (r: typeof levels.$inferSelect): LevelRecord => ({
  storeId: r.storeId,
  stockItemId: r.stockItemId,
  onHand: r.onHand,
  reserved: r.reserved,
  inTransit: r.inTransit,
  threshold: r.lowStockThreshold,
  lowStockAlerted: r.lowStockAlerted,
  updatedAt: r.updatedAt,
});

/** A level as `execute` returns it: bigint columns come as strings from node-postgres. */
interface RawLevel {
  store_id: string;
  stock_item_id: string;
  on_hand: string | number;
  reserved: string | number;
  in_transit: string | number;
  low_stock_threshold: string | number | null;
  low_stock_alerted: boolean;
  updated_at: Date | string | null;
}

const fromRaw = (r: RawLevel): LevelRecord => ({
  storeId: r.store_id,
  stockItemId: r.stock_item_id,
  onHand: Number(r.on_hand),
  reserved: Number(r.reserved),
  inTransit: Number(r.in_transit),
  threshold: r.low_stock_threshold === null ? null : Number(r.low_stock_threshold),
  lowStockAlerted: r.low_stock_alerted,
  updatedAt: r.updated_at === null ? null : new Date(r.updated_at),
});

const pairs = (keys: readonly LevelKey[]) =>
  sql`(${levels.storeId}, ${levels.stockItemId}) in (${sql.join(
    keys.map((k) => sql`(${k.storeId}::uuid, ${k.stockItemId}::uuid)`),
    sql`, `,
  )})`;

/** Keyset condition and order for each sort of the level list. */
function ordering(query: ListLevelsQuery, after: readonly (string | number)[] | undefined) {
  const byItem = query.sort === 'stockItemId';
  const columns = byItem
    ? [levels.stockItemId, levels.storeId]
    : [levels.onHand, levels.stockItemId, levels.storeId];
  const descending = query.sort === '-onHand';
  let cursor: SQL | undefined;
  if (after) {
    const values = after.map((v, i) =>
      typeof v === 'number' || (!byItem && i === 0) ? sql`${v}` : sql`${v}::uuid`,
    );
    const row = sql`(${sql.join(columns, sql`, `)})`;
    cursor = sql`${row} ${sql.raw(descending ? '<' : '>')} (${sql.join(values, sql`, `)})`;
  }
  return { cursor, orderBy: columns.map((c) => (descending ? desc(c) : asc(c))) };
}

/**
 * The order every writer takes level rows in, so that two never wait for each
 * other: by store, then item. A uuid's order is the order of its lower-case text.
 */
const inLockOrder = (a: LevelKey, b: LevelKey): number =>
  compareText(a.storeId, b.storeId) || compareText(a.stockItemId, b.stockItemId);
const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The levels of a reservation's holds, locked in `inLockOrder`: compiled once (ADR 0016). */
const lockLevelsOfReservation = compiled<
  { tenantId: string; reservationId: string },
  (typeof levels.$inferSelect)[]
>((db, p) =>
  db
    .select()
    .from(levels)
    .where(
      and(
        sql`${levels.tenantId} = ${p.tenantId}::uuid`,
        sql`(${levels.storeId}, ${levels.stockItemId}) in (select h.store_id, h.stock_item_id from ${reservationHolds} h where h.reservation_id = ${p.reservationId}::uuid)`,
      ),
    )
    .orderBy(asc(levels.storeId), asc(levels.stockItemId))
    .for('update'),
);

export function levelRepository(tx: Tx, tenantId: string): LevelRepository {
  return {
    async lockLevelsOfReservation(reservationId) {
      const rows = await lockLevelsOfReservation(tx, { tenantId, reservationId });
      return new Map(rows.map((r) => [levelKey(r), toLevel(r)]));
    },
    async lockLevels(keys) {
      const unique = [...new Map(keys.map((k) => [levelKey(k), k])).values()].sort(inLockOrder);
      if (unique.length === 0) return new Map();
      // Every writer takes the rows in the same order. Rows are created on first
      // use: only then does locking take a second and third statement, so the
      // common case holds nothing before its one round trip (ADR 0013).
      const lock = async () =>
        new Map(
          (
            await tx
              .select()
              .from(levels)
              .where(and(eq(levels.tenantId, tenantId), pairs(unique)))
              .orderBy(asc(levels.storeId), asc(levels.stockItemId))
              .for('update')
          ).map((r) => [levelKey(r), toLevel(r)]),
        );
      const locked = await lock();
      const missing = unique.filter((k) => !locked.has(levelKey(k)));
      if (missing.length === 0) return locked;
      await tx
        .insert(levels)
        .values(missing.map((k) => ({ tenantId, storeId: k.storeId, stockItemId: k.stockItemId })))
        .onConflictDoNothing();
      return lock();
    },
    async saveLevels(records) {
      if (records.length === 0) return [];
      // One statement for every level the batch touched (their rows are locked).
      const values = sql.join(
        records.map(
          (l) =>
            sql`(${l.storeId}::uuid, ${l.stockItemId}::uuid, ${l.onHand}::bigint, ${l.reserved}::bigint, ${l.inTransit}::bigint, ${l.threshold}::bigint, ${l.lowStockAlerted}::boolean)`,
        ),
        sql`, `,
      );
      const rows = rowsOf<RawLevel>(
        await tx.execute(sql`
          update ${levels} as l set
            on_hand = v.on_hand, reserved = v.reserved, in_transit = v.in_transit,
            low_stock_threshold = v.threshold, low_stock_alerted = v.alerted, updated_at = now()
          from (values ${values}) as v(store_id, stock_item_id, on_hand, reserved, in_transit, threshold, alerted)
          where l.tenant_id = ${tenantId}::uuid and l.store_id = v.store_id and l.stock_item_id = v.stock_item_id
          returning l.store_id, l.stock_item_id, l.on_hand, l.reserved, l.in_transit,
            l.low_stock_threshold, l.low_stock_alerted, l.updated_at`),
      );
      const saved = new Map(rows.map((r) => [levelKey(fromRaw(r)), fromRaw(r)]));
      return records.map((l) => {
        const row = saved.get(levelKey(l));
        if (!row) throw new Error(`level ${levelKey(l)} missing`);
        return row;
      });
    },
    async addReserved(storeId, holds) {
      const byItem = new Map<string, number>();
      for (const h of holds)
        byItem.set(h.stockItemId, (byItem.get(h.stockItemId) ?? 0) + h.quantity);
      if (byItem.size === 0) return new Map();
      // The upsert takes the rows in the order of its values: one store, so by item (`inLockOrder`).
      const items = [...byItem].sort(([a], [b]) => compareText(a, b));
      const values = sql.join(
        items.map(
          ([stockItemId, quantity]) =>
            sql`(${tenantId}::uuid, ${storeId}::uuid, ${stockItemId}::uuid, ${quantity}::bigint, now())`,
        ),
        sql`, `,
      );
      const rows = rowsOf<RawLevel>(
        await tx.execute(sql`
          insert into ${levels} as l (tenant_id, store_id, stock_item_id, reserved, updated_at)
          values ${values}
          on conflict (tenant_id, store_id, stock_item_id)
            do update set reserved = l.reserved + excluded.reserved, updated_at = now()
          returning l.store_id, l.stock_item_id, l.on_hand, l.reserved, l.in_transit,
            l.low_stock_threshold, l.low_stock_alerted, l.updated_at`),
      );
      return new Map(
        rows.map((r) => {
          const level = fromRaw(r);
          return [levelKey(level), level];
        }),
      );
    },
    async findLevel(key) {
      const [row] = await tx
        .select()
        .from(levels)
        .where(
          and(
            eq(levels.tenantId, tenantId),
            eq(levels.storeId, key.storeId),
            eq(levels.stockItemId, key.stockItemId),
          ),
        );
      return row && toLevel(row);
    },
    async listLevels(query, after, stores) {
      const { cursor, orderBy } = ordering(query, after);
      const low = and(
        isNotNull(levels.lowStockThreshold),
        sql`${levels.onHand} < ${levels.lowStockThreshold}`,
      );
      const rows = await tx
        .select()
        .from(levels)
        .innerJoin(stockItems, eq(stockItems.id, levels.stockItemId))
        .where(
          and(
            eq(levels.tenantId, tenantId),
            query.storeId ? eq(levels.storeId, query.storeId) : undefined,
            stores ? inArray(levels.storeId, stores) : undefined,
            query.stockItemId ? eq(levels.stockItemId, query.stockItemId) : undefined,
            query.itemId ? eq(stockItems.itemId, query.itemId) : undefined,
            query.kind ? eq(stockItems.kind, query.kind) : undefined,
            query.lowStock === true ? low : undefined,
            query.lowStock === false
              ? or(
                  isNull(levels.lowStockThreshold),
                  sql`${levels.onHand} >= ${levels.lowStockThreshold}`,
                )
              : undefined,
            cursor,
          ),
        )
        .orderBy(...orderBy)
        .limit(query.limit);
      return rows.map((r) => ({ ...toLevel(r.levels), item: toStockItem(r.stock_items) }));
    },
  };
}
