import { z } from 'zod';
import { defineErrors, defineEvent, type Raise } from '@stratum/platform';

export * from './contract/inputs.ts';
export * from './contract/views.ts';
export * from './contract/menu.ts';
export type { CatalogApi, Page } from './contract/api.ts';

/**
 * Integration events of the catalog. Prices are integer minor units of the
 * store's currency. A breaking change to a payload is a new version,
 * published beside the old one.
 */
const variantPayload = z.object({
  variantId: z.uuid(),
  name: z.string(),
  sku: z.string().nullable(),
  barcode: z.string().nullable(),
  priceMinor: z.number().int().nonnegative(),
});

export const catalogEvents = {
  itemCreated: defineEvent(
    'catalog.item-created',
    1,
    z.object({
      itemId: z.uuid(),
      name: z.string(),
      /** Ingredients are stocked and used by recipes but never shown on a menu. */
      kind: z.enum(['menu', 'retail', 'ingredient']),
      /** The unit stock of this item is counted in: pieces, grams or millilitres. */
      unit: z.enum(['each', 'g', 'ml']),
      categoryId: z.uuid().nullable(),
      variants: z.array(variantPayload),
    }),
  ),
  itemUpdated: defineEvent(
    'catalog.item-updated',
    1,
    z.object({ itemId: z.uuid(), name: z.string(), categoryId: z.uuid().nullable() }),
  ),
  variantAdded: defineEvent(
    'catalog.variant-added',
    1,
    variantPayload.extend({ itemId: z.uuid() }),
  ),
  priceChanged: defineEvent(
    'catalog.price-changed',
    1,
    z.object({
      itemId: z.uuid(),
      variantId: z.uuid(),
      /** null: the base price; otherwise a store's override. */
      storeId: z.uuid().nullable(),
      oldPriceMinor: z.number().int().nullable(),
      newPriceMinor: z.number().int().nullable(),
    }),
  ),
  availabilityChanged: defineEvent(
    'catalog.availability-changed',
    1,
    z.object({
      itemId: z.uuid(),
      storeId: z.uuid(),
      available: z.boolean(),
      until: z.iso.datetime().nullable(),
    }),
  ),
  itemArchived: defineEvent('catalog.item-archived', 1, z.object({ itemId: z.uuid() })),
  /** A variant's name, SKU or barcode changed (its price changes by price-changed). */
  variantUpdated: defineEvent(
    'catalog.variant-updated',
    1,
    variantPayload.extend({ itemId: z.uuid() }),
  ),
  /**
   * Once per committed catalog change of any kind, with the tenant's new
   * catalog version: caches of catalog reads are keyed by it.
   */
  catalogChanged: defineEvent(
    'catalog.catalog-changed',
    1,
    z.object({ version: z.number().int().positive() }),
  ),
} as const;

/** Permissions the catalog checks, and the roles that hold them by default. */
export const catalogPermissions = {
  /** Everyone at a till or in the kitchen reads the menu. */
  'catalog:read': ['owner', 'manager', 'cashier', 'kitchen'],
  'catalog:write': ['owner', 'manager'],
  /** Base prices, store prices and modifier price deltas (audited). */
  'prices:write': ['owner', 'manager'],
} as const satisfies Record<string, readonly string[]>;

export const catalogErrors = defineErrors({
  'category-not-found': 'not-found',
  'item-not-found': 'not-found',
  'variant-not-found': 'not-found',
  'modifier-group-not-found': 'not-found',
  'modifier-option-not-found': 'not-found',
  'tax-rate-not-found': 'not-found',
  'store-not-found': 'not-found',
  /** An archived store sells nothing: its prices and availability no longer change. */
  'store-archived': 'conflict',
  'store-not-allowed': 'forbidden',
  'duplicate-reference': 'invalid',
  'sku-taken': 'conflict',
  'barcode-taken': 'conflict',
  'item-archived': 'conflict',
  'category-not-empty': 'conflict',
  'tax-rate-in-use': 'conflict',
  'category-order-mismatch': 'unprocessable',
  'invalid-modifier-bounds': 'unprocessable',
  'tax-rate-inactive': 'unprocessable',
  'invalid-until': 'unprocessable',
  'item-not-sellable': 'unprocessable',
  'invalid-selection': 'unprocessable',
  /** The options would take the line's unit price below zero or past `maxPriceMinor`. */
  'unit-price-out-of-range': 'unprocessable',
});
export type CatalogErrorCode = keyof typeof catalogErrors.codes;
export const raise: Raise<CatalogErrorCode> = catalogErrors.raise;
export * from './contract/remote.ts';
