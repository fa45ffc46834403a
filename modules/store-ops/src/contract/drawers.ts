import { z } from 'zod';
import { pageQuery } from '@stratum/platform';
import { currencyCode } from './stores.ts';

/** Every movement of a drawer ledger; the amount is always positive, the kind gives the sign. */
export const movementKind = z.enum(['float', 'cash-in', 'cash-out', 'sale', 'refund']);
export type MovementKind = z.infer<typeof movementKind>;

/** How a sale or refund was paid: `cash` moves the drawer, others are only totalled. */
export const tenderType = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,31}$/, 'must be a lower-case tender name such as cash or card');
export type TenderType = z.infer<typeof tenderType>;

/** Integer minor units; 10^12 keeps every sum far inside a safe integer. */
export const positiveMinor = z.number().int().positive().max(1_000_000_000_000);
const nonNegativeMinor = z.number().int().min(0).max(1_000_000_000_000);
const reason = z.string().trim().min(1).max(500);

export const drawerSessionView = z.object({
  id: z.uuid(),
  storeId: z.uuid(),
  registerId: z.uuid(),
  status: z.enum(['open', 'closed']),
  currency: currencyCode,
  openingFloatMinor: z.number().int(),
  openedBy: z.string(),
  openedAt: z.iso.datetime(),
  closedBy: z.string().nullable(),
  closedAt: z.iso.datetime().nullable(),
});
export type DrawerSessionView = z.infer<typeof drawerSessionView>;

export const drawerMovementView = z.object({
  id: z.uuid(),
  sessionId: z.uuid(),
  registerId: z.uuid(),
  kind: movementKind,
  tender: tenderType,
  amountMinor: z.number().int(),
  currency: currencyCode,
  reason: z.string().nullable(),
  reference: z.string().nullable(),
  actorId: z.string(),
  at: z.iso.datetime(),
});
export type DrawerMovementView = z.infer<typeof drawerMovementView>;

export const openDrawerInput = z.object({ openingFloatMinor: nonNegativeMinor });
export type OpenDrawerInput = z.infer<typeof openDrawerInput>;

export const cashMovementInput = z.object({ amountMinor: positiveMinor, reason });
export type CashMovementInput = z.infer<typeof cashMovementInput>;

/**
 * A cash-in or cash-out as recorded. `replayed`: the call was a retry under
 * an Idempotency-Key already used for it, and moved no cash.
 */
export interface RecordedCashMovement {
  movement: DrawerMovementView;
  replayed: boolean;
}

export const recordDrawerMovementInput = z.object({
  registerId: z.uuid(),
  kind: z.enum(['sale', 'refund']),
  tender: tenderType,
  amountMinor: positiveMinor,
  /** The payment or refund id this movement comes from; makes the call idempotent. */
  reference: z.string().trim().min(1).max(200),
});
export type RecordDrawerMovementInput = z.infer<typeof recordDrawerMovementInput>;

export const closeDrawerInput = z.object({
  countedCashMinor: nonNegativeMinor,
  /** Required when the count differs from the expected cash. */
  reason: reason.optional(),
});
export type CloseDrawerInput = z.infer<typeof closeDrawerInput>;

export const tenderTotals = z.object({
  tender: tenderType,
  salesMinor: z.number().int(),
  refundsMinor: z.number().int(),
  netMinor: z.number().int(),
  count: z.number().int(),
});

/** A session's running totals (X report); cash figures are what the drawer should hold. */
export const xReport = z.object({
  sessionId: z.uuid(),
  storeId: z.uuid(),
  registerId: z.uuid(),
  currency: currencyCode,
  status: z.enum(['open', 'closed']),
  openedAt: z.iso.datetime(),
  openingFloatMinor: z.number().int(),
  cashInMinor: z.number().int(),
  cashOutMinor: z.number().int(),
  cashSalesMinor: z.number().int(),
  cashRefundsMinor: z.number().int(),
  expectedCashMinor: z.number().int(),
  tenders: z.array(tenderTotals),
  movementCount: z.number().int(),
});
export type XReport = z.infer<typeof xReport>;

/** The immutable end-of-session report: the X figures, the count, and over/short. */
export const zReport = xReport.omit({ status: true }).extend({
  id: z.uuid(),
  countedCashMinor: z.number().int(),
  /** counted − expected: positive is over, negative is short. */
  overShortMinor: z.number().int(),
  reason: z.string().nullable(),
  closedBy: z.string(),
  closedAt: z.iso.datetime(),
});
export type ZReport = z.infer<typeof zReport>;

export const listDrawerSessionsQuery = z.object({
  ...pageQuery,
  storeId: z.uuid().optional(),
  registerId: z.uuid().optional(),
  status: z.enum(['open', 'closed']).optional(),
  sort: z.enum(['openedAt', '-openedAt']).default('-openedAt'),
});
export type ListDrawerSessionsQuery = z.infer<typeof listDrawerSessionsQuery>;

export const listMovementsQuery = z.object({
  ...pageQuery,
  kind: movementKind.optional(),
  sort: z.enum(['at', '-at']).default('at'),
});
export type ListMovementsQuery = z.infer<typeof listMovementsQuery>;

export const allocateReceiptNumberInput = z.object({
  reference: z.string().trim().min(1).max(200).optional(),
});
export type AllocateReceiptNumberOptions = z.infer<typeof allocateReceiptNumberInput>;

export const receiptNumberView = z.object({
  registerId: z.uuid(),
  /** The register's name as it is now: what the receipt prints. */
  registerName: z.string(),
  number: z.number().int().positive(),
  reference: z.string().nullable(),
  allocatedAt: z.iso.datetime(),
});
export type ReceiptNumberView = z.infer<typeof receiptNumberView>;
