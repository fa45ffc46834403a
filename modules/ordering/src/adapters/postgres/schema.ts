import { index, integer, jsonb, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { auditTable, messagingTables, tenantIsolationPolicy } from '@stratum/platform';
import type { OrderEvent } from '../../domain/order-events.ts';
import type { KitchenTicket, Order } from '../../domain/order-types.ts';
import type { Receipt } from '../../domain/receipt.ts';
import type { CreateRequest, StoredSplit } from '../../application/ports.ts';
import { ordering, ts } from './pg-schema.ts';

export { ordering } from './pg-schema.ts';

const statuses = [
  'open',
  'sent',
  'paid',
  'closed',
  'voided',
  'partially-refunded',
  'refunded',
] as const;

/**
 * One row per order: the domain `Order` as jsonb (the state `evolve` builds
 * from the order's events), plus the columns lists filter and sort on.
 * `version` counts the order's events; a write must name the version it
 * read (optimistic concurrency).
 */
export const orders = ordering.table(
  'orders',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id').notNull(),
    storeId: uuid('store_id').notNull(),
    registerId: uuid('register_id').notNull(),
    number: text('number'),
    status: text('status', { enum: statuses }).notNull(),
    state: jsonb('state').$type<Order>().notNull(),
    notes: text('notes'),
    /** The creation request, so a retried creation with the same id can be told from a clash. */
    request: jsonb('request').$type<CreateRequest>().notNull(),
    split: jsonb('split').$type<StoredSplit | null>(),
    version: integer('version').notNull(),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [
    // The order list: by store (optionally by status) or register, newest first, keyset on id.
    index('orders_store_created_idx').on(t.tenantId, t.storeId, t.createdAt, t.id),
    index('orders_store_status_created_idx').on(t.tenantId, t.storeId, t.status, t.createdAt, t.id),
    index('orders_register_created_idx').on(t.tenantId, t.registerId, t.createdAt, t.id),
    index('orders_tenant_created_idx').on(t.tenantId, t.createdAt, t.id),
    tenantIsolationPolicy(),
  ],
);

/** The order's domain events, append-only (the grants allow no UPDATE or DELETE). */
export const orderEvents = ordering.table(
  'order_events',
  {
    tenantId: uuid('tenant_id').notNull(),
    orderId: uuid('order_id').notNull(),
    version: integer('version').notNull(),
    type: text('type').notNull(),
    event: jsonb('event').$type<OrderEvent>().notNull(),
    actorId: text('actor_id'),
    at: ts('at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.orderId, t.version] }), tenantIsolationPolicy()],
);

/** Short per-store daily order numbers ("#42" for the kitchen), one counter row per day. */
export const orderNumbers = ordering.table(
  'order_numbers',
  {
    tenantId: uuid('tenant_id').notNull(),
    storeId: uuid('store_id').notNull(),
    businessDate: text('business_date').notNull(),
    lastNumber: integer('last_number').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.storeId, t.businessDate] }),
    tenantIsolationPolicy(),
  ],
);

export const kitchenTickets = ordering.table(
  'kitchen_tickets',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id').notNull(),
    storeId: uuid('store_id').notNull(),
    orderId: uuid('order_id').notNull(),
    station: text('station').notNull(),
    course: integer('course').notNull(),
    status: text('status', { enum: ['open', 'done'] }).notNull(),
    ticket: jsonb('ticket').$type<KitchenTicket>().notNull(),
    orderNotes: text('order_notes'),
    firedAt: ts('fired_at').notNull(),
    bumpedAt: ts('bumped_at'),
    bumpedBy: text('bumped_by'),
  },
  (t) => [
    // The kitchen's queue (open, oldest first) and its recent history (done, newest first).
    index('kitchen_tickets_store_idx').on(t.tenantId, t.storeId, t.status, t.firedAt, t.id),
    index('kitchen_tickets_order_idx').on(t.tenantId, t.orderId),
    tenantIsolationPolicy(),
  ],
);

/** One receipt per paid order, as printed; append-only. */
export const receipts = ordering.table(
  'receipts',
  {
    orderId: uuid('order_id').primaryKey(),
    tenantId: uuid('tenant_id').notNull(),
    storeId: uuid('store_id').notNull(),
    registerId: uuid('register_id').notNull(),
    receiptNumber: integer('receipt_number').notNull(),
    document: jsonb('document').$type<Receipt>().notNull(),
    text: text('text').notNull(),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [
    // Receipt numbers are gapless per register (ADR 0007): one order per number.
    uniqueIndex('receipts_register_number_idx').on(t.tenantId, t.registerId, t.receiptNumber),
    // Sales reports: a store's receipts in a time window.
    index('receipts_store_created_idx').on(t.tenantId, t.storeId, t.createdAt),
    tenantIsolationPolicy(),
  ],
);

export const auditLog = auditTable(ordering);
export const { outbox, inbox } = messagingTables(ordering);
