import { index, jsonb, pgPolicy, text, timestamp, uuid, type PgSchema } from 'drizzle-orm/pg-core';
import { and, asc, eq, gte, lte, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { currentContext } from './context.ts';
import { newId } from './ids.ts';
import { pageQuery } from './pagination.ts';
import type { Database } from './db/database.ts';
import type { Tx } from './db/types.ts';

/**
 * A module's append-only audit log: who did what, when, the state before and
 * after, and why. Migrations grant the application SELECT and INSERT only, so
 * entries cannot be changed or removed.
 */
export function auditTable(schema: PgSchema) {
  return schema.table(
    'audit_log',
    {
      id: uuid('id').primaryKey(),
      tenantId: uuid('tenant_id').notNull(),
      action: text('action').notNull(),
      entityType: text('entity_type').notNull(),
      entityId: text('entity_id').notNull(),
      actorId: text('actor_id'),
      before: jsonb('before'),
      after: jsonb('after'),
      reason: text('reason'),
      requestId: text('request_id'),
      at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    },
    (t) => [
      index('audit_log_entity_idx').on(t.tenantId, t.entityType, t.entityId, t.at),
      // The tenant's log, page by page in id (time) order.
      index('audit_log_tenant_id_idx').on(t.tenantId, t.id),
      pgPolicy('tenant_isolation', {
        for: 'all',
        using: sql`tenant_id = current_setting('app.tenant_id')::uuid`,
        withCheck: sql`tenant_id = current_setting('app.tenant_id')::uuid`,
      }),
    ],
  );
}

export type AuditTable = ReturnType<typeof auditTable>;

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId: string;
  before?: unknown;
  after?: unknown;
  reason?: string | null;
  /** Who acted; default: the actor of the current request context. */
  actorId?: string | null;
}

/** Appends an audit entry in the caller's transaction; the actor comes from the context. */
export async function recordAudit(
  tx: Tx,
  table: AuditTable,
  tenantId: string,
  entry: AuditEntry,
): Promise<void> {
  const ctx = currentContext();
  await tx.insert(table).values({
    id: newId(),
    tenantId,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId,
    actorId: entry.actorId !== undefined ? entry.actorId : (ctx?.actor?.id ?? null),
    before: entry.before ?? null,
    after: entry.after ?? null,
    reason: entry.reason ?? null,
    requestId: ctx?.requestId ?? null,
  });
}

/** A tenant's entries in a module's audit log, oldest first; one transaction's in the order written. */
export function auditTrail(
  database: Database,
  table: AuditTable,
  tenantId: string,
): Promise<AuditTable['$inferSelect'][]> {
  return database.transaction(
    (tx) =>
      tx
        .select()
        .from(table)
        .where(eq(table.tenantId, tenantId))
        .orderBy(asc(table.at), asc(table.id)),
    { tenantId },
  );
}

/** Filters of a module's audit log list; `sort` is by when entries were written (UUIDv7 ids). */
export const listAuditQuery = z.object({
  ...pageQuery,
  entityType: z.string().trim().min(1).max(100).optional(),
  entityId: z.string().trim().min(1).max(200).optional(),
  action: z.string().trim().min(1).max(100).optional(),
  actorId: z.string().trim().min(1).max(200).optional(),
  /** Entries written at or after this instant. */
  from: z.iso.datetime({ offset: true }).optional(),
  /** Entries written at or before this instant. */
  to: z.iso.datetime({ offset: true }).optional(),
  sort: z.enum(['at', '-at']).default('-at'),
});
export type ListAuditQuery = z.infer<typeof listAuditQuery>;

/** One audit log entry as the API shows it. */
export const auditEntryView = z.object({
  id: z.uuid(),
  at: z.iso.datetime(),
  /** The user who acted, or a system actor's name; null when no actor was known. */
  actorId: z.string().nullable(),
  action: z.string(),
  entityType: z.string(),
  entityId: z.string(),
  /** The entity's state before the change (JSON), as the writer recorded it. */
  before: z.unknown(),
  /** The entity's state after the change (JSON), as the writer recorded it. */
  after: z.unknown(),
  reason: z.string().nullable(),
  /** The request that made the change, to find it in the logs and traces. */
  requestId: z.string().nullable(),
});
export type AuditEntryView = z.infer<typeof auditEntryView>;

/**
 * The tenant and the query's filters as one condition over a module's audit
 * log; the module adds its paging and, for store-scoped callers, its stores.
 */
export function auditFilter(
  table: AuditTable,
  tenantId: string,
  query: Omit<ListAuditQuery, 'limit' | 'cursor' | 'sort'>,
): SQL | undefined {
  return and(
    eq(table.tenantId, tenantId),
    query.entityType ? eq(table.entityType, query.entityType) : undefined,
    query.entityId ? eq(table.entityId, query.entityId) : undefined,
    query.action ? eq(table.action, query.action) : undefined,
    query.actorId ? eq(table.actorId, query.actorId) : undefined,
    query.from ? gte(table.at, new Date(query.from)) : undefined,
    query.to ? lte(table.at, new Date(query.to)) : undefined,
  );
}

export const toAuditEntryView = (r: AuditTable['$inferSelect']): AuditEntryView => ({
  id: r.id,
  at: r.at.toISOString(),
  actorId: r.actorId,
  action: r.action,
  entityType: r.entityType,
  entityId: r.entityId,
  before: r.before,
  after: r.after,
  reason: r.reason,
  requestId: r.requestId,
});
