import { z } from 'zod';
import { pageQuery } from '@stratum/platform';

/** What happens when a sale would take stock below zero (per store). */
export const oversellPolicy = z.enum(['block', 'warn', 'allow-with-alert']);
export type OversellPolicy = z.infer<typeof oversellPolicy>;

/** Whether taxes are rounded per line or once per order (per store). */
export const taxRounding = z
  .enum(['per-line', 'per-order'])
  .describe(
    'How an order’s taxes are rounded (half-up): `per-line` rounds each line’s tax per rate ' +
      'and adds the rounded amounts; `per-order` adds the exact tax of every line per rate and ' +
      'rounds each rate’s total once. Set on the store, copied onto each order when it opens.',
  );

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

/** A page of a cursor-paginated list. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Sort keys every list accepts: `name` or creation order, `-` for descending. */
export const sortByNameOrCreated = z
  .enum(['createdAt', '-createdAt', 'name', '-name'])
  .default('createdAt');

const knownCurrencies = new Set(Intl.supportedValuesOf('currency'));

/** An ISO 4217 code this runtime knows (Intl's list), not just three capitals. */
export const knownCurrencyCode = currencyCode.refine((c) => knownCurrencies.has(c), {
  message: 'is not an ISO 4217 currency code',
});

/**
 * An IANA time zone name, checked against the runtime's tz database and kept
 * in the database's own spelling: `asia/tokyo` is stored as `Asia/Tokyo`.
 */
export const timezoneName = z
  .string()
  .min(1)
  .max(64)
  .transform((tz, ctx) => {
    try {
      return new Intl.DateTimeFormat('en', { timeZone: tz }).resolvedOptions().timeZone;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'is not an IANA time zone such as Europe/Paris' });
      return z.NEVER;
    }
  });

const text = (max: number) => z.string().trim().min(1).max(max);

export const addressInput = z.object({
  line1: text(200),
  line2: z.string().trim().max(200).nullable().default(null),
  city: text(100),
  postalCode: text(20),
  country: z
    .string()
    .regex(/^[A-Za-z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code')
    .transform((c) => c.toUpperCase()),
});

export const createStoreInput = z.object({
  name: text(120),
  timezone: timezoneName,
  currency: knownCurrencyCode,
  address: addressInput.nullable().default(null),
  taxInclusive: z
    .boolean()
    .default(false)
    .describe(
      'Whether the store’s prices include tax: the store’s default for a rate that does not ' +
        'say. Every catalog tax rate says (its own `inclusive` flag decides), so this matters ' +
        'only to prices taxed by a rate without one.',
    ),
  taxRounding: taxRounding.default('per-line'),
  oversellPolicy: oversellPolicy.default('block'),
});
export type CreateStoreInput = z.infer<typeof createStoreInput>;

/**
 * The currency is not here on purpose: prices, drawers and Z reports of a store
 * are in its currency, so it is fixed at creation.
 */
export const updateStoreInput = z
  .object({
    name: text(120).optional(),
    timezone: timezoneName.optional(),
    address: addressInput.nullable().optional(),
    taxInclusive: z.boolean().optional(),
    taxRounding: taxRounding.optional(),
    oversellPolicy: oversellPolicy.optional(),
  })
  .strict()
  .refine((u) => Object.values(u).some((v) => v !== undefined), { message: 'nothing to change' });
export type UpdateStoreInput = z.infer<typeof updateStoreInput>;

export const archiveStoreInput = z.object({ reason: z.string().trim().min(1).max(500).optional() });

export const listStoresQuery = z.object({
  ...pageQuery,
  status: z.enum(['active', 'archived']).optional(),
  sort: sortByNameOrCreated,
});
export type ListStoresQuery = z.infer<typeof listStoresQuery>;
