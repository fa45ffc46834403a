import { z } from 'zod';
import { taxRateRef } from './views.ts';

export const menuVariant = z.object({
  id: z.uuid(),
  name: z.string(),
  sku: z.string().nullable(),
  barcode: z.string().nullable(),
  /** What this store charges: its override, or else the base price. */
  priceMinor: z.number().int(),
  basePriceMinor: z.number().int(),
});

export const menuModifierGroup = z.object({
  id: z.uuid(),
  name: z.string(),
  minSelections: z.number().int(),
  maxSelections: z.number().int(),
  options: z.array(z.object({ id: z.uuid(), name: z.string(), priceDeltaMinor: z.number().int() })),
});

export const menuItem = z.object({
  id: z.uuid(),
  name: z.string(),
  kind: z.enum(['menu', 'retail']),
  description: z.string().nullable(),
  imageUrl: z.string().nullable(),
  kitchenStation: z.string().nullable(),
  /** False while the item is 86'd in this store. */
  available: z.boolean(),
  /** When an unavailable item comes back by itself; null when available or not by itself. */
  unavailableUntil: z.iso.datetime().nullable(),
  variants: z.array(menuVariant).min(1),
  /** In the order the POS offers them; each is in the document's `modifierGroups`. */
  modifierGroupIds: z.array(z.uuid()),
  /** Each is in the document's `taxRates`. */
  taxRateIds: z.array(z.uuid()),
});
export type MenuItem = z.infer<typeof menuItem>;

/**
 * Everything a POS terminal needs to sell in one store, in one document:
 * categories in menu order with their live items (never ingredients or
 * archived items), store prices, modifiers, taxes and availability.
 */
export const menuDocument = z
  .object({
    store: z.object({
      id: z.uuid(),
      currency: z.string().length(3),
      /** Whether shelf prices in this store include tax. */
      taxInclusive: z.boolean(),
      timezone: z.string(),
    }),
    /** The tenant's catalog version this document was built from. */
    catalogVersion: z.number().int().nonnegative(),
    categories: z.array(z.object({ id: z.uuid(), name: z.string(), items: z.array(menuItem) })),
    /** Sellable items in no category, after the categories. */
    uncategorized: z.array(menuItem),
    /**
     * The modifier groups the items refer to, each once: a group such as
     * "Milk" is shared by many drinks, and repeating it per item made the demo
     * café's menu half as large again (ADR 0010).
     */
    modifierGroups: z.array(menuModifierGroup),
    /** The active tax rates the items refer to; a deactivated rate no longer applies. */
    taxRates: z.array(taxRateRef),
  })
  .meta({ id: 'CatalogMenu', description: 'The POS menu of one store' });
export type MenuDocument = z.infer<typeof menuDocument>;

/**
 * The menu as the read path serves it: the serialised document and its strong
 * ETag, plus the same bytes precompressed, all cached, so a request costs
 * neither a build, nor a serialisation, nor a compression. The compressed
 * bodies are served under the weak form of the same tag (W/"…"), as their
 * bytes depend on the coding; a conditional request matches either form.
 */
export interface SerializedMenu {
  readonly etag: string;
  readonly json: string;
  /**
   * The UTF-8 bytes of `json`, encoded once: what HTTP sends, as a Buffer goes
   * out without being encoded and measured again on every response.
   */
  readonly body: Buffer;
  readonly br: Buffer;
  readonly gzip: Buffer;
}
