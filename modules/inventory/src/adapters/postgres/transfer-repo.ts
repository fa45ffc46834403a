import { and, asc, desc, eq, gt, inArray, lt, or, sql } from 'drizzle-orm';
import type { Tx } from '@stratum/platform';
import type { TransferRecord, TransferRepository } from '../../application/ports.ts';
import { transferLines, transfers } from './schema.ts';

type TransferRow = typeof transfers.$inferSelect;

export function transferRepository(tx: Tx, tenantId: string): TransferRepository {
  async function withLines(rows: TransferRow[]): Promise<TransferRecord[]> {
    if (rows.length === 0) return [];
    const lines = await tx
      .select()
      .from(transferLines)
      .where(
        inArray(
          transferLines.transferId,
          rows.map((r) => r.id),
        ),
      )
      .orderBy(asc(transferLines.transferId), asc(transferLines.position));
    return rows.map(({ tenantId: _t, ...r }) => ({
      ...r,
      lines: lines
        .filter((l) => l.transferId === r.id)
        .map((l) => ({ stockItemId: l.stockItemId, quantity: l.quantity })),
    }));
  }

  return {
    async insertTransfer(t) {
      const { lines, ...row } = t;
      const [inserted] = await tx
        .insert(transfers)
        .values({ ...row, tenantId })
        .returning();
      await tx.insert(transferLines).values(
        lines.map((l, position) => ({
          tenantId,
          transferId: t.id,
          stockItemId: l.stockItemId,
          position,
          quantity: l.quantity,
        })),
      );
      const { tenantId: _t, ...rest } = inserted!;
      return { ...rest, lines: lines.map((l) => ({ ...l })) };
    },
    async findTransfer(id, lock = false) {
      const query = tx.select().from(transfers).where(eq(transfers.id, id));
      const [found] = await withLines(lock ? await query.for('update') : await query);
      return found;
    },
    async markReceived(id, patch) {
      const rows = await tx
        .update(transfers)
        .set({ status: 'received', receivedAt: sql`now()`, ...patch })
        .where(eq(transfers.id, id))
        .returning();
      const [received] = await withLines(rows);
      if (!received) throw new Error(`transfer ${id} vanished`);
      return received;
    },
    async listTransfers(query, after, stores) {
      const ascending = query.sort === 'dispatchedAt';
      const rows = await tx
        .select()
        .from(transfers)
        .where(
          and(
            eq(transfers.tenantId, tenantId),
            query.status ? eq(transfers.status, query.status) : undefined,
            query.fromStoreId ? eq(transfers.fromStoreId, query.fromStoreId) : undefined,
            query.toStoreId ? eq(transfers.toStoreId, query.toStoreId) : undefined,
            stores
              ? or(inArray(transfers.fromStoreId, stores), inArray(transfers.toStoreId, stores))
              : undefined,
            after ? (ascending ? gt(transfers.id, after) : lt(transfers.id, after)) : undefined,
          ),
        )
        .orderBy(ascending ? asc(transfers.id) : desc(transfers.id))
        .limit(query.limit);
      return withLines(rows);
    },
  };
}
