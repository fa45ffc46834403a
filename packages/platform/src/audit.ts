import { index, jsonb, pgPolicy, text, timestamp, uuid, type PgSchema } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { currentContext } from './context.ts';
import { newId } from './ids.ts';
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
