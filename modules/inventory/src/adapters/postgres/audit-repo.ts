import { and, asc, desc, gt, inArray, lt, sql } from 'drizzle-orm';
import { auditFilter, toAuditEntryView, type Tx } from '@stratum/platform';
import type { InventoryRepository } from '../../application/ports.ts';
import { auditLog } from './schema.ts';

/**
 * The store an entry concerns: stock-level entries (movements, counts,
 * thresholds) name the level as `storeId/stockItemId`; other entries, if they
 * concern a store, record a `storeId` in the state they keep. Recipes are the
 * tenant's, not a store's: null.
 */
const storeOfEntry = sql`case when ${auditLog.entityType} = 'stock-level'
  then split_part(${auditLog.entityId}, '/', 1)
  else coalesce(${auditLog.after} ->> 'storeId', ${auditLog.before} ->> 'storeId') end`;

export function auditRepository(tx: Tx, tenantId: string): Pick<InventoryRepository, 'listAudit'> {
  return {
    async listAudit(query, after, stores) {
      // Ids are UUIDv7, so their order is the order the entries were written in.
      const ascending = query.sort === 'at';
      const rows = await tx
        .select()
        .from(auditLog)
        .where(
          and(
            auditFilter(auditLog, tenantId, query),
            stores ? inArray(storeOfEntry, stores) : undefined,
            after ? (ascending ? gt(auditLog.id, after) : lt(auditLog.id, after)) : undefined,
          ),
        )
        .orderBy(ascending ? asc(auditLog.id) : desc(auditLog.id))
        .limit(query.limit);
      return rows.map(toAuditEntryView);
    },
  };
}
