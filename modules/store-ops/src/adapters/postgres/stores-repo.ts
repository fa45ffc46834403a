import { and, eq, sql } from 'drizzle-orm';
import type { Tx } from '@stratum/platform';
import { raise, type StoreView } from '../../contract.ts';
import type { StoreOpsRepository } from '../../application/ports.ts';
import { drawerSessions, stores } from './schema.ts';
import { iso, keyset } from './paging.ts';

type StoreRow = typeof stores.$inferSelect;

export const toStoreView = (r: StoreRow): StoreView => ({
  id: r.id,
  name: r.name,
  timezone: r.timezone,
  currency: r.currency,
  address: r.address ?? null,
  taxInclusive: r.taxInclusive,
  taxRounding: r.taxRounding,
  oversellPolicy: r.oversellPolicy,
  status: r.status,
  createdAt: iso(r.createdAt),
});

type StoresPart = Pick<
  StoreOpsRepository,
  'insertStore' | 'findStore' | 'listStores' | 'updateStore' | 'countOpenDrawers'
>;

export function storesRepository(tx: Tx, tenantId: string): StoresPart {
  return {
    async insertStore(store) {
      const [row] = await tx
        .insert(stores)
        .values({ ...store, tenantId })
        .returning();
      return toStoreView(row!);
    },
    async findStore(id, options = {}) {
      const query = tx.select().from(stores).where(eq(stores.id, id));
      const [row] = await (options.lock ? query.for(options.lock) : query);
      return row && toStoreView(row);
    },
    async listStores(query) {
      const k = keyset(
        'stores',
        query.sort,
        { createdAt: [stores.id], name: [stores.name, stores.id] },
        query.cursor,
      );
      const rows = await tx
        .select()
        .from(stores)
        .where(
          and(
            eq(stores.tenantId, tenantId),
            query.status ? eq(stores.status, query.status) : undefined,
            k.after,
          ),
        )
        .orderBy(...k.orderBy)
        .limit(query.limit + 1);
      return k.page(rows, query.limit, toStoreView, (r) =>
        query.sort.endsWith('name') ? [r.name, r.id] : [r.id],
      );
    },
    async updateStore(id, patch) {
      const [row] = await tx
        .update(stores)
        .set({ ...patch, updatedAt: sql`now()` })
        .where(eq(stores.id, id))
        .returning();
      if (!row) raise('store-not-found', 'No such store.');
      return toStoreView(row);
    },
    async countOpenDrawers(storeId) {
      const [row] = await tx
        .select({ n: sql<number>`count(*)::int` })
        .from(drawerSessions)
        .where(and(eq(drawerSessions.storeId, storeId), eq(drawerSessions.status, 'open')));
      return row?.n ?? 0;
    },
  };
}
