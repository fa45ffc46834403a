import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  index,
  integer,
  jsonb,
  pgSchema,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { auditTable, messagingTables, tenantIsolationPolicy } from '@stratum/platform';

export const payments = pgSchema('payments');

const ts = (name: string) => timestamp(name, { withTimezone: true });
/** Money: integer minor units; bigint so that sums never overflow. */
const money = (name: string) => bigint(name, { mode: 'number' });

/**
 * The event store: one stream per payment (stream id = payment id), append
 * only. The application role may SELECT and INSERT, and a trigger refuses
 * UPDATE, DELETE and TRUNCATE to everyone (ADR 0015). The primary key is the
 * unique (stream_id, version) that optimistic concurrency relies on.
 */
export const paymentEvents = payments.table(
  'payment_events',
  {
    tenantId: uuid('tenant_id').notNull(),
    streamId: uuid('stream_id').notNull(),
    version: integer('version').notNull(),
    type: text('type').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
    occurredAt: ts('occurred_at').notNull().defaultNow(),
    actorId: text('actor_id'),
  },
  (t) => [
    primaryKey({ name: 'payment_events_stream_version_pk', columns: [t.streamId, t.version] }),
    check('payment_events_version_check', sql`version > 0`),
    tenantIsolationPolicy(),
  ],
);

/** The read model: one row per payment, written in the transaction that appends its events. */
export const paymentRows = payments.table(
  'payments',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id').notNull(),
    orderId: uuid('order_id').notNull(),
    storeId: uuid('store_id').notNull(),
    status: text('status', {
      enum: [
        'pending',
        'declined',
        'authorized',
        'capture-failed',
        'captured',
        'partially-refunded',
        'refunded',
        'voided',
      ],
    }).notNull(),
    tender: text('tender', { enum: ['cash', 'card'] }).notNull(),
    currency: text('currency').notNull(),
    amount: money('amount').notNull(),
    tip: money('tip').notNull().default(0),
    authorized: money('authorized').notNull().default(0),
    captured: money('captured').notNull().default(0),
    refunded: money('refunded').notNull().default(0),
    refundCount: integer('refund_count').notNull().default(0),
    cashGiven: money('cash_given'),
    changeDue: money('change_due'),
    processorRef: text('processor_ref'),
    last4: text('last4'),
    declineCode: text('decline_code'),
    note: text('note'),
    reference: text('reference'),
    version: integer('version').notNull(),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [
    index('payments_tenant_created_idx').on(t.tenantId, t.createdAt, t.id),
    index('payments_store_created_idx').on(t.tenantId, t.storeId, t.createdAt, t.id),
    index('payments_order_idx').on(t.tenantId, t.orderId),
    check('payments_refunded_check', sql`refunded >= 0 and refunded <= captured`),
    tenantIsolationPolicy(),
  ],
);

/**
 * Idempotency-Key records of the HTTP API, per tenant: the first response to
 * a key is stored and replayed. `claimed_at` is the lease of an in-flight
 * request (a crashed one can be taken over once it has run out). Records are
 * kept for the module's retention from `created_at`, then swept across
 * tenants oldest first (`payments.prune_idempotency_keys`), hence the index.
 */
export const idempotencyKeys = payments.table(
  'idempotency_keys',
  {
    tenantId: uuid('tenant_id').notNull(),
    scope: text('scope').notNull(),
    key: text('key').notNull(),
    fingerprint: text('fingerprint').notNull(),
    status: text('status', { enum: ['in-flight', 'done'] }).notNull(),
    responseStatus: integer('response_status'),
    responseBody: jsonb('response_body'),
    createdAt: ts('created_at').notNull().defaultNow(),
    claimedAt: ts('claimed_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.scope, t.key] }),
    index('idempotency_keys_created_idx').on(t.createdAt),
    tenantIsolationPolicy(),
  ],
);

/** Per-store payment settings; without a row, the module's defaults apply. */
export const storeSettings = payments.table(
  'store_settings',
  {
    tenantId: uuid('tenant_id').notNull(),
    storeId: uuid('store_id').notNull(),
    refundLimit: money('refund_limit').notNull(),
    updatedAt: ts('updated_at').notNull(),
    updatedBy: text('updated_by'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.storeId] }),
    check('store_settings_refund_limit_check', sql`refund_limit >= 0`),
    tenantIsolationPolicy(),
  ],
);

export const auditLog = auditTable(payments);
export const { outbox, inbox } = messagingTables(payments);
