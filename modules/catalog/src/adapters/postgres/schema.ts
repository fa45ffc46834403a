import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  pgSchema,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { auditTable, messagingTables, tenantIsolationPolicy } from '@stratum/platform';

export const catalog = pgSchema('catalog');

const ts = (name: string) => timestamp(name, { withTimezone: true });
const money = (name: string) => bigint(name, { mode: 'number' });
const tenantId = () => uuid('tenant_id').notNull();

/** One row per tenant: bumped by every catalog write, keys the menu cache (ADR 0010). */
export const versions = catalog.table(
  'versions',
  {
    tenantId: uuid('tenant_id').primaryKey(),
    version: bigint('version', { mode: 'number' }).notNull(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  () => [tenantIsolationPolicy()],
);

export const categories = catalog.table(
  'categories',
  {
    id: uuid('id').primaryKey(),
    tenantId: tenantId(),
    name: text('name').notNull(),
    position: integer('position').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('categories_position_idx').on(t.tenantId, t.position, t.id),
    tenantIsolationPolicy(),
  ],
);

export const items = catalog.table(
  'items',
  {
    id: uuid('id').primaryKey(),
    tenantId: tenantId(),
    categoryId: uuid('category_id').references(() => categories.id),
    name: text('name').notNull(),
    kind: text('kind', { enum: ['menu', 'retail', 'ingredient'] }).notNull(),
    unit: text('unit', { enum: ['each', 'g', 'ml'] }).notNull(),
    description: text('description'),
    imageUrl: text('image_url'),
    kitchenStation: text('kitchen_station'),
    archivedAt: ts('archived_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    // The item list: live or archived, by name or by creation (id is UUIDv7).
    index('items_name_idx').on(t.tenantId, t.name, t.id),
    index('items_created_idx').on(t.tenantId, t.id),
    index('items_category_idx').on(t.tenantId, t.categoryId),
    check('items_kind_check', sql`${t.kind} in ('menu', 'retail', 'ingredient')`),
    check('items_unit_check', sql`${t.unit} in ('each', 'g', 'ml')`),
    tenantIsolationPolicy(),
  ],
);

export const variants = catalog.table(
  'variants',
  {
    id: uuid('id').primaryKey(),
    tenantId: tenantId(),
    itemId: uuid('item_id')
      .notNull()
      .references(() => items.id),
    name: text('name').notNull(),
    sku: text('sku'),
    barcode: text('barcode'),
    priceMinor: money('price_minor').notNull(),
    position: integer('position').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    // A code names one variant per tenant; another tenant may use the same code.
    uniqueIndex('variants_sku_key')
      .on(t.tenantId, t.sku)
      .where(sql`${t.sku} is not null`),
    uniqueIndex('variants_barcode_key')
      .on(t.tenantId, t.barcode)
      .where(sql`${t.barcode} is not null`),
    index('variants_item_idx').on(t.tenantId, t.itemId, t.position),
    check('variants_price_check', sql`${t.priceMinor} >= 0`),
    tenantIsolationPolicy(),
  ],
);

export const modifierGroups = catalog.table(
  'modifier_groups',
  {
    id: uuid('id').primaryKey(),
    tenantId: tenantId(),
    name: text('name').notNull(),
    minSelections: integer('min_selections').notNull(),
    maxSelections: integer('max_selections').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('modifier_groups_name_idx').on(t.tenantId, t.name, t.id),
    index('modifier_groups_created_idx').on(t.tenantId, t.id),
    check(
      'modifier_groups_bounds_check',
      sql`${t.minSelections} >= 0 and ${t.maxSelections} >= 1 and ${t.minSelections} <= ${t.maxSelections}`,
    ),
    tenantIsolationPolicy(),
  ],
);

export const modifierOptions = catalog.table(
  'modifier_options',
  {
    id: uuid('id').primaryKey(),
    tenantId: tenantId(),
    groupId: uuid('group_id')
      .notNull()
      .references(() => modifierGroups.id),
    name: text('name').notNull(),
    priceDeltaMinor: money('price_delta_minor').notNull(),
    position: integer('position').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    index('modifier_options_group_idx').on(t.tenantId, t.groupId, t.position),
    tenantIsolationPolicy(),
  ],
);

export const itemModifierGroups = catalog.table(
  'item_modifier_groups',
  {
    tenantId: tenantId(),
    itemId: uuid('item_id')
      .notNull()
      .references(() => items.id),
    groupId: uuid('group_id')
      .notNull()
      .references(() => modifierGroups.id),
    position: integer('position').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.itemId, t.groupId] }), tenantIsolationPolicy()],
);

export const taxRates = catalog.table(
  'tax_rates',
  {
    id: uuid('id').primaryKey(),
    tenantId: tenantId(),
    name: text('name').notNull(),
    rateBps: integer('rate_bps').notNull(),
    inclusive: boolean('inclusive').notNull(),
    active: boolean('active').notNull().default(true),
    /** First attached to an item: from then on the rate is immutable (ADR 0011). */
    usedAt: ts('used_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('tax_rates_created_idx').on(t.tenantId, t.id),
    check('tax_rates_rate_check', sql`${t.rateBps} between 0 and 10000`),
    tenantIsolationPolicy(),
  ],
);

export const itemTaxRates = catalog.table(
  'item_tax_rates',
  {
    tenantId: tenantId(),
    itemId: uuid('item_id')
      .notNull()
      .references(() => items.id),
    taxRateId: uuid('tax_rate_id')
      .notNull()
      .references(() => taxRates.id),
    position: integer('position').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.itemId, t.taxRateId] }), tenantIsolationPolicy()],
);

/** A store's own price for a variant; without a row the base price applies. */
export const priceOverrides = catalog.table(
  'price_overrides',
  {
    tenantId: tenantId(),
    storeId: uuid('store_id').notNull(),
    variantId: uuid('variant_id')
      .notNull()
      .references(() => variants.id),
    priceMinor: money('price_minor').notNull(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.storeId, t.variantId] }),
    check('price_overrides_price_check', sql`${t.priceMinor} >= 0`),
    tenantIsolationPolicy(),
  ],
);

/** An item 86'd in a store: until an instant, or (null) until made available again. */
export const unavailableItems = catalog.table(
  'unavailable_items',
  {
    tenantId: tenantId(),
    storeId: uuid('store_id').notNull(),
    itemId: uuid('item_id')
      .notNull()
      .references(() => items.id),
    until: ts('until'),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.storeId, t.itemId] }), tenantIsolationPolicy()],
);

export const auditLog = auditTable(catalog);
export const { outbox, inbox } = messagingTables(catalog);
