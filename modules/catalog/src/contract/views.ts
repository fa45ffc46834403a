import { z } from 'zod';
import { itemKind, itemUnit } from './inputs.ts';

const at = z.iso.datetime();

export const categoryView = z.object({
  id: z.uuid(),
  name: z.string(),
  /** 0-based place in the menu. */
  position: z.number().int(),
  createdAt: at,
});
export type CategoryView = z.infer<typeof categoryView>;

export const variantView = z.object({
  id: z.uuid(),
  itemId: z.uuid(),
  name: z.string(),
  sku: z.string().nullable(),
  barcode: z.string().nullable(),
  /** The base price, before any store's override. */
  priceMinor: z.number().int(),
  position: z.number().int(),
});
export type VariantView = z.infer<typeof variantView>;

export const itemView = z.object({
  id: z.uuid(),
  name: z.string(),
  kind: itemKind,
  unit: itemUnit,
  categoryId: z.uuid().nullable(),
  description: z.string().nullable(),
  imageUrl: z.string().nullable(),
  kitchenStation: z.string().nullable(),
  archived: z.boolean(),
  variants: z.array(variantView),
  /** In the order the POS shows them. */
  modifierGroupIds: z.array(z.uuid()),
  taxRateIds: z.array(z.uuid()),
  createdAt: at,
  updatedAt: at,
});
export type ItemView = z.infer<typeof itemView>;

export const lookupView = z.object({ item: itemView, variant: variantView });
export type LookupView = z.infer<typeof lookupView>;

export const modifierOptionView = z.object({
  id: z.uuid(),
  name: z.string(),
  priceDeltaMinor: z.number().int(),
  position: z.number().int(),
});
export type ModifierOptionView = z.infer<typeof modifierOptionView>;

export const modifierGroupView = z.object({
  id: z.uuid(),
  name: z.string(),
  minSelections: z.number().int(),
  maxSelections: z.number().int(),
  options: z.array(modifierOptionView),
  createdAt: at,
});
export type ModifierGroupView = z.infer<typeof modifierGroupView>;

export const taxRateView = z.object({
  id: z.uuid(),
  name: z.string(),
  rateBps: z.number().int(),
  inclusive: z.boolean(),
  active: z.boolean(),
  /** Attached to an item at least once: it can be deactivated, never changed or deleted. */
  used: z.boolean(),
  createdAt: at,
});
export type TaxRateView = z.infer<typeof taxRateView>;

export const storePriceView = z.object({
  storeId: z.uuid(),
  itemId: z.uuid(),
  variantId: z.uuid(),
  /** The store's price, replacing the base price in that store. */
  priceMinor: z.number().int(),
  basePriceMinor: z.number().int(),
  updatedAt: at,
});
export type StorePriceView = z.infer<typeof storePriceView>;

export const availabilityView = z.object({
  storeId: z.uuid(),
  itemId: z.uuid(),
  available: z.boolean(),
  /** When an unavailable item comes back by itself; null: not by itself. */
  until: at.nullable(),
});
export type AvailabilityView = z.infer<typeof availabilityView>;

export const priceChangeView = z.object({
  id: z.uuid(),
  at,
  actorId: z.string().nullable(),
  /** null: the base price (or a modifier option's delta); otherwise that store's override. */
  storeId: z.uuid().nullable(),
  beforeMinor: z.number().int().nullable(),
  afterMinor: z.number().int().nullable(),
  reason: z.string().nullable(),
});
export type PriceChangeView = z.infer<typeof priceChangeView>;

export const taxRateRef = z.object({
  id: z.uuid(),
  name: z.string(),
  rateBps: z.number().int(),
  inclusive: z.boolean(),
});

export const quoteView = z.object({
  itemId: z.uuid(),
  itemName: z.string(),
  variantId: z.uuid(),
  variantName: z.string(),
  /** The variant's price in this store (override or base). */
  variantPriceMinor: z.number().int(),
  options: z.array(
    z.object({ id: z.uuid(), groupId: z.uuid(), name: z.string(), priceDeltaMinor: z.number() }),
  ),
  /** Variant price plus option deltas, for one unit, before discounts and taxes. */
  unitPriceMinor: z.number().int(),
  taxRates: z.array(taxRateRef),
  kitchenStation: z.string().nullable(),
  available: z.boolean(),
});
export type QuoteView = z.infer<typeof quoteView>;
