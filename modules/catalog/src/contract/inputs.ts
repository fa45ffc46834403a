import { z } from 'zod';
import { pageQuery } from '@stratum/platform';

/**
 * The largest price, option price delta or unit price the catalog takes or
 * quotes, in minor units: the cap ordering puts on an amount. Far above any
 * real price, and far enough below 2^53 that a variant price plus a hundred
 * option deltas is still an exact integer.
 */
export const maxPriceMinor = 1_000_000_000_000;
/** Integer count of the currency's minor unit (cents); never a float. */
export const minorUnits = z.number().int().nonnegative().max(maxPriceMinor);
/** A modifier's price difference: may be negative ("no cheese −20"). */
export const deltaMinor = z.number().int().min(-maxPriceMinor).max(maxPriceMinor);
/** A tax rate in basis points: 1 bp = 0.01 %, so 2000 = 20 %. */
export const basisPoints = z.number().int().min(0).max(10_000);

export const itemKind = z.enum(['menu', 'retail', 'ingredient']);
export const itemUnit = z.enum(['each', 'g', 'ml']);

const name = z.string().trim().min(1).max(120);
const code = z.string().trim().min(1).max(64);
/** Why a price changed; kept in the audit log. */
const reason = z.string().trim().min(1).max(500).optional();

export const createCategoryInput = z.object({ name });
export type CreateCategoryInput = z.infer<typeof createCategoryInput>;
export const updateCategoryInput = z.object({ name });
export type UpdateCategoryInput = z.infer<typeof updateCategoryInput>;
export const reorderCategoriesInput = z.object({
  /** Every category of the tenant, exactly once, in the new order. */
  categoryIds: z.array(z.uuid()).min(1).max(500),
});
export type ReorderCategoriesInput = z.infer<typeof reorderCategoriesInput>;

export const variantInput = z.object({
  name: name.default('Regular'),
  sku: code.nullable().optional(),
  barcode: code.nullable().optional(),
  priceMinor: minorUnits,
});
export type VariantInput = z.infer<typeof variantInput>;

const itemFields = {
  name,
  categoryId: z.uuid().nullable().optional(),
  description: z.string().trim().max(1000).nullable().optional(),
  imageUrl: z
    .url({ protocol: /^https?$/ })
    .max(2048)
    .nullable()
    .optional(),
  /** The kitchen display or printer that prepares this item ("grill", "bar"). */
  kitchenStation: z.string().trim().min(1).max(60).nullable().optional(),
};

export const createItemInput = z.object({
  ...itemFields,
  kind: itemKind,
  unit: itemUnit.default('each'),
  variants: z.array(variantInput).min(1).max(50),
  modifierGroupIds: z.array(z.uuid()).max(20).default([]),
  taxRateIds: z.array(z.uuid()).max(10).default([]),
});
export type CreateItemInput = z.infer<typeof createItemInput>;

export const updateItemInput = z
  .object({
    name: name.optional(),
    categoryId: itemFields.categoryId,
    description: itemFields.description,
    imageUrl: itemFields.imageUrl,
    kitchenStation: itemFields.kitchenStation,
  })
  .refine((u) => Object.keys(u).length > 0, { message: 'nothing to change' });
export type UpdateItemInput = z.infer<typeof updateItemInput>;

export const updateVariantInput = z
  .object({
    name: name.optional(),
    sku: code.nullable().optional(),
    barcode: code.nullable().optional(),
  })
  .refine((u) => Object.keys(u).length > 0, { message: 'nothing to change' });
export type UpdateVariantInput = z.infer<typeof updateVariantInput>;

export const changePriceInput = z.object({ priceMinor: minorUnits, reason });
export type ChangePriceInput = z.infer<typeof changePriceInput>;
export const changeDeltaInput = z.object({ priceDeltaMinor: deltaMinor, reason });
export type ChangeDeltaInput = z.infer<typeof changeDeltaInput>;
export const removeOverrideQuery = z.object({ reason });

export const setItemModifierGroupsInput = z.object({
  modifierGroupIds: z.array(z.uuid()).max(20),
});
export const setItemTaxRatesInput = z.object({ taxRateIds: z.array(z.uuid()).max(10) });

export const modifierOptionInput = z.object({ name, priceDeltaMinor: deltaMinor.default(0) });
export type ModifierOptionInput = z.infer<typeof modifierOptionInput>;

const selections = z.number().int().min(0).max(50);
export const createModifierGroupInput = z.object({
  name,
  /** Fewest options a customer must choose (0: optional group). */
  minSelections: selections.default(0),
  /** Most options a customer may choose. */
  maxSelections: selections.min(1).default(1),
  options: z.array(modifierOptionInput).max(100).default([]),
});
export type CreateModifierGroupInput = z.infer<typeof createModifierGroupInput>;
export const updateModifierGroupInput = z
  .object({
    name: name.optional(),
    minSelections: selections.optional(),
    maxSelections: selections.min(1).optional(),
  })
  .refine((u) => Object.keys(u).length > 0, { message: 'nothing to change' });
export type UpdateModifierGroupInput = z.infer<typeof updateModifierGroupInput>;
export const updateModifierOptionInput = z.object({ name });

export const createTaxRateInput = z.object({
  name,
  rateBps: basisPoints,
  /** Inclusive: the price already contains the tax (price × r/(1+r)); exclusive: added on top. */
  inclusive: z.boolean(),
});
export type CreateTaxRateInput = z.infer<typeof createTaxRateInput>;
export const updateTaxRateInput = z
  .object({
    name: name.optional(),
    rateBps: basisPoints.optional(),
    inclusive: z.boolean().optional(),
    active: z.boolean().optional(),
  })
  .refine((u) => Object.keys(u).length > 0, { message: 'nothing to change' });
export type UpdateTaxRateInput = z.infer<typeof updateTaxRateInput>;

export const setAvailabilityInput = z
  .object({
    available: z.boolean(),
    /**
     * Only when `available` is false. `"end-of-day"` (the default) means until
     * the end of today in the store's time zone ("86 it for today"); a date-time
     * until then; null until someone makes it available again.
     */
    until: z
      .union([z.literal('end-of-day'), z.iso.datetime({ offset: true })])
      .nullable()
      .optional(),
  })
  .refine((a) => !a.available || a.until === undefined || a.until === null, {
    message: 'only an unavailable item has an until',
    path: ['until'],
  });
export type SetAvailabilityInput = z.infer<typeof setAvailabilityInput>;

export const quoteLineInput = z.object({
  variantId: z.uuid(),
  /** Chosen modifier options, at most once each. */
  optionIds: z.array(z.uuid()).max(100).default([]),
});
export type QuoteLineInput = z.infer<typeof quoteLineInput>;

const flag = z.enum(['true', 'false']).transform((v) => v === 'true');

export const listCategoriesQuery = z.object({ ...pageQuery });
export type ListCategoriesQuery = z.infer<typeof listCategoriesQuery>;

export const listItemsQuery = z.object({
  ...pageQuery,
  kind: itemKind.optional(),
  categoryId: z.uuid().optional(),
  /** false (default): live items only; true: archived items only. */
  archived: flag.default(false),
  /** Case-insensitive part of the name. */
  q: z.string().trim().min(1).max(120).optional(),
  sort: z.enum(['name', '-name', 'createdAt', '-createdAt']).default('name'),
});
export type ListItemsQuery = z.infer<typeof listItemsQuery>;

export const listModifierGroupsQuery = z.object({
  ...pageQuery,
  sort: z.enum(['name', '-name', 'createdAt', '-createdAt']).default('name'),
});
export type ListModifierGroupsQuery = z.infer<typeof listModifierGroupsQuery>;

export const listTaxRatesQuery = z.object({
  ...pageQuery,
  active: flag.optional(),
  sort: z.enum(['createdAt', '-createdAt']).default('createdAt'),
});
export type ListTaxRatesQuery = z.infer<typeof listTaxRatesQuery>;

export const listStorePricesQuery = z.object({ ...pageQuery });
export const listUnavailableQuery = z.object({ ...pageQuery });
export type ListUnavailableQuery = z.infer<typeof listUnavailableQuery>;
export type ListStorePricesQuery = z.infer<typeof listStorePricesQuery>;

export const priceHistoryQuery = z.object({ ...pageQuery });
export type PriceHistoryQuery = z.infer<typeof priceHistoryQuery>;

export const lookupQuery = z
  .object({ sku: code.optional(), barcode: code.optional() })
  .refine((q) => (q.sku === undefined) !== (q.barcode === undefined), {
    message: 'give exactly one of sku and barcode',
  });
export type LookupQuery = z.infer<typeof lookupQuery>;
