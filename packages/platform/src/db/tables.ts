import { sql } from 'drizzle-orm';
import {
  index,
  integer,
  jsonb,
  pgPolicy,
  primaryKey,
  text,
  timestamp,
  uuid,
  type PgSchema,
} from 'drizzle-orm/pg-core';

/** The tenant the current transaction is scoped to; errors when none is set (fails closed). */
export const currentTenantSql = sql`current_setting('app.tenant_id')::uuid`;

/**
 * Row-level security for a tenant-owned table: rows of other tenants are
 * neither visible nor writable. drizzle-kit emits ENABLE; each module's custom
 * migration adds FORCE so the owner is bound too.
 */
export function tenantIsolationPolicy() {
  return pgPolicy('tenant_isolation', {
    for: 'all',
    using: sql`tenant_id = current_setting('app.tenant_id')::uuid`,
    withCheck: sql`tenant_id = current_setting('app.tenant_id')::uuid`,
  });
}

/**
 * Messaging tables are read across tenants by the relay, which marks its
 * transaction as system work; everyone else sees only their tenant's rows.
 */
function messagingPolicy() {
  const check = sql`current_setting('app.system', true) = 'on' or tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid`;
  return pgPolicy('tenant_or_system', { for: 'all', using: check, withCheck: check });
}

export const timestamps = {
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
};

/**
 * The transactional outbox and the idempotency inbox of a module, created in
 * the module's own schema by its migrations.
 */
export function messagingTables(schema: PgSchema) {
  const outbox = schema.table(
    'outbox',
    {
      id: uuid('id').primaryKey(),
      tenantId: uuid('tenant_id').notNull(),
      type: text('type').notNull(),
      version: integer('version').notNull(),
      envelope: jsonb('envelope').notNull(),
      createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
      availableAt: timestamp('available_at', { withTimezone: true }).notNull().defaultNow(),
      attempts: integer('attempts').notNull().default(0),
      lastError: text('last_error'),
      publishedAt: timestamp('published_at', { withTimezone: true }),
      deadAt: timestamp('dead_at', { withTimezone: true }),
    },
    (t) => [
      index('outbox_pending_idx')
        .on(t.availableAt, t.id)
        .where(sql`published_at is null and dead_at is null`),
      messagingPolicy(),
    ],
  );
  const inbox = schema.table(
    'inbox',
    {
      messageId: uuid('message_id').notNull(),
      handler: text('handler').notNull(),
      tenantId: uuid('tenant_id').notNull(),
      processedAt: timestamp('processed_at', { withTimezone: true }).notNull().defaultNow(),
    },
    (t) => [primaryKey({ columns: [t.messageId, t.handler] }), messagingPolicy()],
  );
  return { outbox, inbox };
}

export type OutboxTable = ReturnType<typeof messagingTables>['outbox'];
export type InboxTable = ReturnType<typeof messagingTables>['inbox'];
