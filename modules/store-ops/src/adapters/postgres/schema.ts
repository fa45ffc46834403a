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
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { auditTable, messagingTables, tenantIsolationPolicy } from '@stratum/platform';

export const storeOps = pgSchema('store_ops');

const ts = (name: string) => timestamp(name, { withTimezone: true });
const minor = (name: string) => bigint(name, { mode: 'number' });

export interface Address {
  line1: string;
  line2: string | null;
  city: string;
  postalCode: string;
  country: string;
}

export const stores = storeOps.table(
  'stores',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id').notNull(),
    name: text('name').notNull(),
    timezone: text('timezone').notNull(),
    currency: text('currency').notNull(),
    address: jsonb('address').$type<Address>(),
    taxInclusive: boolean('tax_inclusive').notNull(),
    taxRounding: text('tax_rounding', { enum: ['per-line', 'per-order'] }).notNull(),
    oversellPolicy: text('oversell_policy', {
      enum: ['block', 'warn', 'allow-with-alert'],
    }).notNull(),
    status: text('status', { enum: ['active', 'archived'] })
      .notNull()
      .default('active'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('stores_tenant_id_idx').on(t.tenantId, t.id),
    index('stores_tenant_name_idx').on(t.tenantId, t.name, t.id),
    tenantIsolationPolicy(),
  ],
);

export const registers = storeOps.table(
  'registers',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id').notNull(),
    storeId: uuid('store_id')
      .notNull()
      .references(() => stores.id),
    name: text('name').notNull(),
    deviceId: uuid('device_id'),
    status: text('status', { enum: ['active', 'deactivated'] })
      .notNull()
      .default('active'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('registers_tenant_id_idx').on(t.tenantId, t.id),
    index('registers_store_id_idx').on(t.tenantId, t.storeId, t.id),
    index('registers_store_name_idx').on(t.tenantId, t.storeId, t.name, t.id),
    uniqueIndex('registers_active_name_key')
      .on(t.tenantId, t.storeId, sql`lower(${t.name})`)
      .where(sql`status = 'active'`),
    uniqueIndex('registers_device_key')
      .on(t.tenantId, t.deviceId)
      .where(sql`device_id is not null and status = 'active'`),
    tenantIsolationPolicy(),
  ],
);

/**
 * The devices identity has registered, as far as store-ops has heard
 * (`identity.device-registered` / `-revoked`): what a register may be linked to.
 */
export const devices = storeOps.table(
  'devices',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id').notNull(),
    storeId: uuid('store_id').notNull(),
    status: text('status', { enum: ['active', 'revoked'] }).notNull(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  () => [tenantIsolationPolicy()],
);

/**
 * A store's floor sections. A removed section is archived, never deleted: the
 * tables it held (kept for the orders that name them) still belong to it. Only
 * an active section's name is taken.
 */
export const floorSections = storeOps.table(
  'floor_sections',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id').notNull(),
    storeId: uuid('store_id')
      .notNull()
      .references(() => stores.id),
    name: text('name').notNull(),
    position: integer('position').notNull().default(0),
    status: text('status', { enum: ['active', 'archived'] })
      .notNull()
      .default('active'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('floor_sections_name_key')
      .on(t.tenantId, t.storeId, sql`lower(${t.name})`)
      .where(sql`status = 'active'`),
    tenantIsolationPolicy(),
  ],
);

export const floorTables = storeOps.table(
  'floor_tables',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id').notNull(),
    storeId: uuid('store_id').notNull(),
    sectionId: uuid('section_id')
      .notNull()
      .references(() => floorSections.id),
    name: text('name').notNull(),
    seats: integer('seats').notNull(),
    active: boolean('active').notNull().default(true),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    index('floor_tables_store_id_idx').on(t.tenantId, t.storeId, t.id),
    index('floor_tables_store_name_idx').on(t.tenantId, t.storeId, t.name, t.id),
    index('floor_tables_section_idx').on(t.tenantId, t.sectionId),
    uniqueIndex('floor_tables_name_key').on(t.tenantId, t.storeId, sql`lower(${t.name})`),
    tenantIsolationPolicy(),
  ],
);

export const drawerSessions = storeOps.table(
  'drawer_sessions',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id').notNull(),
    storeId: uuid('store_id').notNull(),
    registerId: uuid('register_id')
      .notNull()
      .references(() => registers.id),
    status: text('status', { enum: ['open', 'closed'] }).notNull(),
    currency: text('currency').notNull(),
    openingFloatMinor: minor('opening_float_minor').notNull(),
    openedBy: text('opened_by').notNull(),
    openedAt: ts('opened_at').notNull().defaultNow(),
    closedBy: text('closed_by'),
    closedAt: ts('closed_at'),
  },
  (t) => [
    // The rule "one open session per register", enforced where races cannot slip through.
    uniqueIndex('drawer_sessions_one_open_key')
      .on(t.tenantId, t.registerId)
      .where(sql`status = 'open'`),
    index('drawer_sessions_tenant_id_idx').on(t.tenantId, t.id),
    index('drawer_sessions_register_idx').on(t.tenantId, t.registerId, t.id),
    index('drawer_sessions_store_idx').on(t.tenantId, t.storeId, t.id),
    tenantIsolationPolicy(),
  ],
);

/** The drawer ledger: append-only, positive amounts, the kind gives the sign. */
export const drawerMovements = storeOps.table(
  'drawer_movements',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id').notNull(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => drawerSessions.id),
    registerId: uuid('register_id').notNull(),
    kind: text('kind', { enum: ['float', 'cash-in', 'cash-out', 'sale', 'refund'] }).notNull(),
    tender: text('tender').notNull(),
    amountMinor: minor('amount_minor').notNull(),
    reason: text('reason'),
    reference: text('reference'),
    actorId: text('actor_id').notNull(),
    at: ts('at').notNull().defaultNow(),
  },
  (t) => [
    index('drawer_movements_session_idx').on(t.tenantId, t.sessionId, t.id),
    check('drawer_movements_amount_positive', sql`${t.amountMinor} > 0 or ${t.kind} = 'float'`),
    // Payments may retry a posting: one movement per (register, kind, reference).
    uniqueIndex('drawer_movements_reference_key')
      .on(t.tenantId, t.registerId, t.kind, t.reference)
      .where(sql`reference is not null`),
    tenantIsolationPolicy(),
  ],
);

/** Z reports: written once when a session closes, never changed (SELECT, INSERT only). */
export const zReports = storeOps.table(
  'z_reports',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id').notNull(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => drawerSessions.id),
    storeId: uuid('store_id').notNull(),
    registerId: uuid('register_id').notNull(),
    currency: text('currency').notNull(),
    openedAt: ts('opened_at').notNull(),
    openingFloatMinor: minor('opening_float_minor').notNull(),
    cashInMinor: minor('cash_in_minor').notNull(),
    cashOutMinor: minor('cash_out_minor').notNull(),
    cashSalesMinor: minor('cash_sales_minor').notNull(),
    cashRefundsMinor: minor('cash_refunds_minor').notNull(),
    expectedCashMinor: minor('expected_cash_minor').notNull(),
    countedCashMinor: minor('counted_cash_minor').notNull(),
    overShortMinor: minor('over_short_minor').notNull(),
    tenders: jsonb('tenders').notNull(),
    movementCount: integer('movement_count').notNull(),
    reason: text('reason'),
    closedBy: text('closed_by').notNull(),
    closedAt: ts('closed_at').notNull(),
  },
  (t) => [
    uniqueIndex('z_reports_session_key').on(t.tenantId, t.sessionId),
    index('z_reports_register_idx').on(t.tenantId, t.registerId, t.closedAt),
    tenantIsolationPolicy(),
  ],
);

/** The next receipt number of each register; its row lock serialises allocations. */
export const receiptSequences = storeOps.table(
  'receipt_sequences',
  {
    tenantId: uuid('tenant_id').notNull(),
    registerId: uuid('register_id')
      .notNull()
      .references(() => registers.id),
    nextNumber: bigint('next_number', { mode: 'number' }).notNull().default(1),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.registerId] }),
    check('receipt_sequences_next_positive', sql`${t.nextNumber} >= 1`),
    tenantIsolationPolicy(),
  ],
);

/** Every receipt number given out (append-only), so gaps and duplicates are checkable. */
export const receiptNumbers = storeOps.table(
  'receipt_numbers',
  {
    tenantId: uuid('tenant_id').notNull(),
    registerId: uuid('register_id').notNull(),
    number: bigint('number', { mode: 'number' }).notNull(),
    reference: text('reference'),
    actorId: text('actor_id').notNull(),
    allocatedAt: ts('allocated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.registerId, t.number] }),
    uniqueIndex('receipt_numbers_reference_key')
      .on(t.tenantId, t.registerId, t.reference)
      .where(sql`reference is not null`),
    tenantIsolationPolicy(),
  ],
);

export const auditLog = auditTable(storeOps);
export const { outbox, inbox } = messagingTables(storeOps);
