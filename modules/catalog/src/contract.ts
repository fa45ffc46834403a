import { z } from 'zod';
import { defineEvent } from '@stratum/platform';

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
} as const;
