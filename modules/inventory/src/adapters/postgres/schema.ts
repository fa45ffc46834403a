import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
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
import type { CountLine } from '../../domain/count.ts';
import type { Component, Line } from '../../domain/reservation.ts';

export const inventory = pgSchema('inventory');

const ts = (name: string) => timestamp(name, { withTimezone: true });
/** Quantities: integers in the item's unit; bigint so that sums never overflow. */
const qty = (name: string) => bigint(name, { mode: 'number' });

/** Catalog items as inventory learnt them from catalog events. */
export const items = inventory.table(
  'items',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id').notNull(),
    name: text('name').notNull(),
    kind: text('kind', { enum: ['menu', 'retail', 'ingredient'] }).notNull(),
    unit: text('unit', { enum: ['each', 'g', 'ml'] }).notNull(),
    archived: boolean('archived').notNull().default(false),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  () => [tenantIsolationPolicy()],
);

/** The registry of stockable things: one row per catalog variant. */
export const stockItems = inventory.table(
  'stock_items',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id').notNull(),
    itemId: uuid('item_id').notNull(),
    itemName: text('item_name').notNull(),
    variantName: text('variant_name').notNull(),
    sku: text('sku'),
    unit: text('unit', { enum: ['each', 'g', 'ml'] }).notNull(),
    kind: text('kind', { enum: ['menu', 'retail', 'ingredient'] }).notNull(),
    archived: boolean('archived').notNull().default(false),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    index('stock_items_tenant_idx').on(t.tenantId, t.id),
    index('stock_items_item_idx').on(t.tenantId, t.itemId),
    tenantIsolationPolicy(),
  ],
);

/** The projection: on-hand is the sum of the ledger; updated with every movement. */
export const levels = inventory.table(
  'levels',
  {
    tenantId: uuid('tenant_id').notNull(),
    storeId: uuid('store_id').notNull(),
    stockItemId: uuid('stock_item_id').notNull(),
    onHand: qty('on_hand').notNull().default(0),
    reserved: qty('reserved').notNull().default(0),
    inTransit: qty('in_transit').notNull().default(0),
    lowStockThreshold: qty('low_stock_threshold'),
    lowStockAlerted: boolean('low_stock_alerted').notNull().default(false),
    updatedAt: ts('updated_at'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.storeId, t.stockItemId] }),
    index('levels_item_idx').on(t.tenantId, t.stockItemId, t.storeId),
    index('levels_store_on_hand_idx').on(t.tenantId, t.storeId, t.onHand, t.stockItemId),
    check('levels_reserved_check', sql`reserved >= 0`),
    check('levels_in_transit_check', sql`in_transit >= 0`),
    tenantIsolationPolicy(),
  ],
);

/** The ledger: signed, append-only movements (the grants allow no UPDATE or DELETE). */
export const movements = inventory.table(
  'movements',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id').notNull(),
    batchId: uuid('batch_id').notNull(),
    storeId: uuid('store_id').notNull(),
    stockItemId: uuid('stock_item_id').notNull(),
    kind: text('kind', {
      enum: [
        'sale',
        'receipt',
        'adjustment',
        'transfer-out',
        'transfer-in',
        'waste',
        'count-correction',
      ],
    }).notNull(),
    quantity: qty('quantity').notNull(),
    onHandAfter: qty('on_hand_after').notNull(),
    reason: text('reason'),
    referenceType: text('reference_type', {
      enum: ['reservation', 'transfer', 'count', 'manual'],
    }).notNull(),
    referenceId: text('reference_id'),
    actorId: text('actor_id'),
    occurredAt: ts('occurred_at').notNull().defaultNow(),
  },
  (t) => [
    index('movements_tenant_idx').on(t.tenantId, t.id),
    index('movements_level_idx').on(t.tenantId, t.storeId, t.stockItemId, t.id),
    index('movements_batch_idx').on(t.tenantId, t.batchId),
    index('movements_reference_idx').on(t.tenantId, t.referenceId),
    check(
      'movements_sign_check',
      sql`(kind in ('sale', 'transfer-out', 'waste') and quantity < 0)
        or (kind in ('receipt', 'transfer-in') and quantity > 0)
        or (kind in ('adjustment', 'count-correction') and quantity <> 0)`,
    ),
    tenantIsolationPolicy(),
  ],
);

export const reservations = inventory.table(
  'reservations',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id').notNull(),
    storeId: uuid('store_id').notNull(),
    status: text('status', { enum: ['active', 'confirmed', 'released', 'expired'] }).notNull(),
    policy: text('policy', { enum: ['block', 'warn', 'allow-with-alert'] }).notNull(),
    lines: jsonb('lines').$type<Line[]>().notNull(),
    reference: text('reference'),
    expiresAt: ts('expires_at').notNull(),
    createdAt: ts('created_at').notNull(),
    settledAt: ts('settled_at'),
    saleBatchId: uuid('sale_batch_id'),
  },
  (t) => [
    index('reservations_tenant_idx').on(t.tenantId, t.id),
    index('reservations_due_idx')
      .on(t.expiresAt)
      .where(sql`status = 'active'`),
    tenantIsolationPolicy(),
  ],
);

/** What each reservation holds per stock item (recipes exploded at reservation time). */
export const reservationHolds = inventory.table(
  'reservation_holds',
  {
    tenantId: uuid('tenant_id').notNull(),
    reservationId: uuid('reservation_id')
      .notNull()
      .references(() => reservations.id),
    storeId: uuid('store_id').notNull(),
    stockItemId: uuid('stock_item_id').notNull(),
    position: integer('position').notNull(),
    quantity: qty('quantity').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.reservationId, t.stockItemId] }),
    index('reservation_holds_level_idx').on(t.tenantId, t.storeId, t.stockItemId),
    check('reservation_holds_quantity_check', sql`quantity > 0`),
    tenantIsolationPolicy(),
  ],
);

/** A menu variant's recipe: components per unit sold. */
export const recipes = inventory.table(
  'recipes',
  {
    variantId: uuid('variant_id').primaryKey(),
    tenantId: uuid('tenant_id').notNull(),
    components: jsonb('components').$type<Component[]>().notNull(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('recipes_tenant_idx').on(t.tenantId, t.variantId), tenantIsolationPolicy()],
);

export const counts = inventory.table(
  'counts',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id').notNull(),
    storeId: uuid('store_id').notNull(),
    batchId: uuid('batch_id').notNull(),
    note: text('note'),
    lines: jsonb('lines').$type<CountLine[]>().notNull(),
    countedBy: text('counted_by'),
    countedAt: ts('counted_at').notNull().defaultNow(),
  },
  () => [tenantIsolationPolicy()],
);

export const transfers = inventory.table(
  'transfers',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id').notNull(),
    fromStoreId: uuid('from_store_id').notNull(),
    toStoreId: uuid('to_store_id').notNull(),
    status: text('status', { enum: ['dispatched', 'received'] }).notNull(),
    note: text('note'),
    dispatchedAt: ts('dispatched_at').notNull().defaultNow(),
    dispatchedBy: text('dispatched_by'),
    dispatchBatchId: uuid('dispatch_batch_id').notNull(),
    receivedAt: ts('received_at'),
    receivedBy: text('received_by'),
    receiveBatchId: uuid('receive_batch_id'),
  },
  (t) => [
    index('transfers_tenant_idx').on(t.tenantId, t.id),
    index('transfers_open_idx')
      .on(t.tenantId, t.toStoreId)
      .where(sql`status = 'dispatched'`),
    tenantIsolationPolicy(),
  ],
);

export const transferLines = inventory.table(
  'transfer_lines',
  {
    tenantId: uuid('tenant_id').notNull(),
    transferId: uuid('transfer_id')
      .notNull()
      .references(() => transfers.id),
    stockItemId: uuid('stock_item_id').notNull(),
    position: integer('position').notNull(),
    quantity: qty('quantity').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.transferId, t.stockItemId] }),
    check('transfer_lines_quantity_check', sql`quantity > 0`),
    tenantIsolationPolicy(),
  ],
);

/**
 * Idempotency-Keys of the requests that move stock by hand, count it or
 * dispatch a transfer, per tenant and kind of request. A key is claimed by inserting its
 * row first in the transaction that does the work, so it is the primary key
 * that makes a racing retry wait for that transaction and then find its
 * answer: one batch, count or transfer per key, enforced by the database. A refused
 * request rolls its claim back with everything else.
 */
export const idempotencyKeys = inventory.table(
  'idempotency_keys',
  {
    tenantId: uuid('tenant_id').notNull(),
    scope: text('scope', { enum: ['movements', 'counts', 'transfers'] }).notNull(),
    key: text('key').notNull(),
    /** SHA-256 of the canonical request: what "the same request" means. */
    fingerprint: text('fingerprint').notNull(),
    /** The first answer; set in the claiming transaction, so never null once committed. */
    response: jsonb('response'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.scope, t.key] }), tenantIsolationPolicy()],
);

export const auditLog = auditTable(inventory);
export const { outbox, inbox } = messagingTables(inventory);
