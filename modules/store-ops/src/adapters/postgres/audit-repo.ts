import { and, inArray, sql } from 'drizzle-orm';
import { auditFilter, toAuditEntryView, type Tx } from '@stratum/platform';
import type { StoreOpsRepository } from '../../application/ports.ts';
import { auditLog } from './schema.ts';
import { keyset } from './paging.ts';

/**
 * The store an entry concerns: a store's own entries name it as their entity;
 * register and drawer entries (and skipped postings) record a `storeId` in the
 * state they keep. Null when an entry names no store.
 */
const storeOfEntry = sql`case when ${auditLog.entityType} = 'store' then ${auditLog.entityId}
  else coalesce(${auditLog.after} ->> 'storeId', ${auditLog.before} ->> 'storeId') end`;

export function auditRepository(tx: Tx, tenantId: string): Pick<StoreOpsRepository, 'listAudit'> {
  return {
    async listAudit(query, stores) {
      // Ids are UUIDv7, so their order is the order the entries were written in.
      const k = keyset('audit', query.sort, { at: [auditLog.id] }, query.cursor);
      const rows = await tx
        .select()
        .from(auditLog)
        .where(
          and(
            auditFilter(auditLog, tenantId, query),
            stores ? inArray(storeOfEntry, [...stores]) : undefined,
            k.after,
          ),
        )
        .orderBy(...k.orderBy)
        .limit(query.limit + 1);
      return k.page(rows, query.limit, toAuditEntryView, (r) => [r.id]);
    },
  };
}
