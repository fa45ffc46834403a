import { z } from 'zod';

const instant = z.iso.datetime({ offset: true });

/**
 * A sales window of one store: `[from, to)`, instants with an offset or `Z`.
 * A back office asks for "today" by turning the store's local day into two
 * instants; the window itself knows nothing of time zones.
 */
export const salesSummaryQuery = z.object({
  storeId: z.uuid(),
  from: instant,
  to: instant,
  /** How many best sellers to list, by revenue. */
  top: z.coerce.number().int().min(1).max(50).default(10),
});
export type SalesSummaryQuery = z.input<typeof salesSummaryQuery>;

export const topItemView = z.object({
  variantId: z.string(),
  /** The item's name as it was rung up (the line's snapshot). */
  name: z.string(),
  variantName: z.string(),
  quantity: z.number().int(),
  /** Quantity × unit price with modifiers, before discounts (the receipt's line amount). */
  revenueMinor: z.number().int(),
});
export type TopItemView = z.infer<typeof topItemView>;

/**
 * What a store sold in a window, over the orders paid in it (paid, closed or
 * refunded since; voided orders had their payments voided and do not count).
 * Money is integer minor units of the store's currency.
 */
export const salesSummaryView = z
  .object({
    storeId: z.uuid(),
    from: z.iso.datetime({ offset: true }),
    to: z.iso.datetime({ offset: true }),
    orderCount: z.number().int(),
    /** What customers paid, tax and service charge included, tips excluded, refunds not deducted. */
    grossMinor: z.number().int(),
    /** Tax inside `grossMinor`, inclusive and exclusive rates together. */
    taxMinor: z.number().int(),
    tipsMinor: z.number().int(),
    /** Refunded so far on the orders paid in the window. */
    refundedMinor: z.number().int(),
    currency: z.string().length(3),
    topItems: z.array(topItemView),
  })
  .meta({ id: 'SalesSummary', description: 'Sales of one store in a window' });
export type SalesSummaryView = z.infer<typeof salesSummaryView>;
