import { z } from 'zod';
import { defineEvent, type CallContext } from '@stratum/platform';

/** What happens when a sale would take stock below zero (per store). */
export const oversellPolicy = z.enum(['block', 'warn', 'allow-with-alert']);
export type OversellPolicy = z.infer<typeof oversellPolicy>;

/** Whether taxes are rounded per line or once per order (per store). */
export const taxRounding = z.enum(['per-line', 'per-order']);

export const currencyCode = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR');

/** A store as other modules see it. */
export const storeView = z.object({
  id: z.uuid(),
  name: z.string(),
  timezone: z.string(),
  currency: currencyCode,
  address: z
    .object({
      line1: z.string(),
      line2: z.string().nullable(),
      city: z.string(),
      postalCode: z.string(),
      country: z.string().length(2),
    })
    .nullable(),
  taxInclusive: z.boolean(),
  taxRounding,
  oversellPolicy,
  status: z.enum(['active', 'archived']),
  createdAt: z.iso.datetime(),
});
export type StoreView = z.infer<typeof storeView>;

/**
 * The part of store-ops' API other modules call (catalog for time zones and
 * currencies, inventory for the oversell policy). The HTTP routes expose more.
 */
export interface StoreDirectory {
  /** The store, or a `store-not-found` DomainError. */
  getStore(ctx: CallContext, storeId: string): Promise<StoreView>;
}

export const storeOpsEvents = {
  storeCreated: defineEvent('store-ops.store-created', 1, storeView),
  storeUpdated: defineEvent('store-ops.store-updated', 1, storeView),
  drawerClosed: defineEvent(
    'store-ops.drawer-closed',
    1,
    z.object({
      sessionId: z.uuid(),
      storeId: z.uuid(),
      registerId: z.uuid(),
      expectedCashMinor: z.number().int(),
      countedCashMinor: z.number().int(),
      overShortMinor: z.number().int(),
      currency: currencyCode,
    }),
  ),
} as const;
