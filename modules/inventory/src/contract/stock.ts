import { z } from 'zod';
import { pageQuery } from '@stratum/platform';

/** The unit a stock item is counted in; every quantity is an integer count of it. */
export const stockUnit = z.enum(['each', 'g', 'ml']);
export type StockUnit = z.infer<typeof stockUnit>;

/**
 * The catalog's item kinds. Retail items and ingredients hold stock; menu items
 * are made to order and deplete the ingredients of their recipe instead.
 */
export const itemKind = z.enum(['menu', 'retail', 'ingredient']);
export type ItemKind = z.infer<typeof itemKind>;

/** What a store does when a sale or a removal would take stock below what is available. */
export const oversellPolicy = z.enum(['block', 'warn', 'allow-with-alert']);
export type OversellPolicy = z.infer<typeof oversellPolicy>;

/** Kinds of ledger movements; the sign of each is fixed by its kind (see ADR 0013). */
export const movementKinds = [
  'sale',
  'receipt',
  'adjustment',
  'transfer-out',
  'transfer-in',
  'waste',
  'count-correction',
] as const;
export const movementKind = z.enum(movementKinds);
export type MovementKind = z.infer<typeof movementKind>;

/** The largest quantity a single line or movement may carry. */
export const MAX_QUANTITY = 1_000_000_000;
export const positiveQuantity = z.number().int().min(1).max(MAX_QUANTITY);

/**
 * The answer to a request made under an Idempotency-Key. `replayed`: the key
 * was used before for the same request, whose first answer this is; nothing
 * was recorded again.
 */
export type Replayable<T> = T & { readonly replayed: boolean };

/** A page of a cursor-paginated list (`pageOf(item)` in the platform). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** A variant the inventory knows about, registered from the catalog's events. */
export const stockItemView = z.object({
  /** The catalog variant id. */
  id: z.uuid(),
  itemId: z.uuid(),
  itemName: z.string(),
  variantName: z.string(),
  sku: z.string().nullable(),
  unit: stockUnit,
  kind: itemKind,
  archived: z.boolean(),
  createdAt: z.iso.datetime(),
});
export type StockItemView = z.infer<typeof stockItemView>;

export const listStockItemsQuery = z.object({
  ...pageQuery,
  kind: itemKind.optional(),
  itemId: z.uuid().optional(),
  archived: z.stringbool().optional(),
  sort: z.enum(['createdAt', '-createdAt']).default('createdAt'),
});
export type ListStockItemsQuery = z.infer<typeof listStockItemsQuery>;

/** The projection of the ledger for one stock item in one store. */
export const levelView = z.object({
  storeId: z.uuid(),
  stockItemId: z.uuid(),
  itemId: z.uuid(),
  itemName: z.string(),
  variantName: z.string(),
  sku: z.string().nullable(),
  unit: stockUnit,
  kind: itemKind,
  /** Sum of the ledger's movements. */
  onHand: z.number().int(),
  /** Held by active reservations. */
  reserved: z.number().int(),
  /** onHand − reserved: what a new reservation may take under the block policy. */
  available: z.number().int(),
  /** Dispatched to this store and not yet received. */
  inTransit: z.number().int(),
  lowStockThreshold: z.number().int().nullable(),
  /** onHand is below the threshold. */
  lowStock: z.boolean(),
  updatedAt: z.iso.datetime().nullable(),
});
export type LevelView = z.infer<typeof levelView>;

export const listLevelsQuery = z.object({
  ...pageQuery,
  storeId: z.uuid().optional(),
  stockItemId: z.uuid().optional(),
  itemId: z.uuid().optional(),
  kind: itemKind.optional(),
  lowStock: z.stringbool().optional(),
  sort: z.enum(['stockItemId', 'onHand', '-onHand']).default('stockItemId'),
});
export type ListLevelsQuery = z.infer<typeof listLevelsQuery>;

export const setThresholdInput = z.object({
  /** Alert when on-hand falls below this; null removes the threshold. */
  threshold: z.number().int().min(0).max(MAX_QUANTITY).nullable(),
});
export type SetThresholdInput = z.infer<typeof setThresholdInput>;

export const movementView = z.object({
  id: z.uuid(),
  /** Movements written by one operation share a batch id. */
  batchId: z.uuid(),
  storeId: z.uuid(),
  stockItemId: z.uuid(),
  kind: movementKind,
  /** Signed: negative takes stock out of the store. */
  quantity: z.number().int(),
  onHandAfter: z.number().int(),
  reason: z.string().nullable(),
  referenceType: z.enum(['reservation', 'transfer', 'count', 'manual']),
  referenceId: z.string().nullable(),
  actorId: z.string().nullable(),
  occurredAt: z.iso.datetime(),
});
export type MovementView = z.infer<typeof movementView>;

export const listMovementsQuery = z.object({
  ...pageQuery,
  storeId: z.uuid().optional(),
  stockItemId: z.uuid().optional(),
  kind: movementKind.optional(),
  batchId: z.uuid().optional(),
  referenceId: z.string().max(200).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  /** Movements are ordered by when they were written. */
  sort: z.enum(['occurredAt', '-occurredAt']).default('-occurredAt'),
});
export type ListMovementsQuery = z.infer<typeof listMovementsQuery>;

const reason = z.string().trim().min(1).max(500);

/** Stock moved by hand: a delivery received, a correction, or waste. */
export const recordMovementsInput = z.object({
  storeId: z.uuid(),
  kind: z.enum(['receipt', 'adjustment', 'waste']),
  /** Required for adjustments and waste. */
  reason: reason.optional(),
  /** E.g. a supplier's delivery note. */
  reference: z.string().trim().min(1).max(200).optional(),
  lines: z
    .array(
      z.object({
        stockItemId: z.uuid(),
        /** Receipts and waste: a positive amount. Adjustments: signed, not zero. */
        quantity: z.number().int().min(-MAX_QUANTITY).max(MAX_QUANTITY),
      }),
    )
    .min(1)
    .max(200),
});
export type RecordMovementsInput = z.infer<typeof recordMovementsInput>;

/** A shortfall that a policy let through: the response says so instead of staying silent. */
export const stockWarning = z.object({
  code: z.literal('insufficient-stock'),
  storeId: z.uuid(),
  stockItemId: z.uuid(),
  requested: z.number().int(),
  available: z.number().int(),
});
export type StockWarning = z.infer<typeof stockWarning>;

export const movementBatchView = z.object({
  batchId: z.uuid(),
  storeId: z.uuid(),
  movements: z.array(movementView),
  warnings: z.array(stockWarning),
});
export type MovementBatchView = z.infer<typeof movementBatchView>;

export const recordCountInput = z.object({
  storeId: z.uuid(),
  note: z.string().trim().min(1).max(500).optional(),
  lines: z
    .array(z.object({ stockItemId: z.uuid(), counted: z.number().int().min(0).max(MAX_QUANTITY) }))
    .min(1)
    .max(500),
});
export type RecordCountInput = z.infer<typeof recordCountInput>;

export const countView = z.object({
  id: z.uuid(),
  storeId: z.uuid(),
  batchId: z.uuid(),
  note: z.string().nullable(),
  lines: z.array(
    z.object({
      stockItemId: z.uuid(),
      /** On hand according to the ledger when the count was entered. */
      expected: z.number().int(),
      counted: z.number().int(),
      /** counted − expected: the count-correction movement written (none when 0). */
      difference: z.number().int(),
    }),
  ),
  countedBy: z.string().nullable(),
  countedAt: z.iso.datetime(),
});
export type CountView = z.infer<typeof countView>;

export const consistencyQuery = z.object({ storeId: z.uuid().optional() });
export type ConsistencyQuery = z.infer<typeof consistencyQuery>;

/** Proof that the projection equals the ledger (and reservations and transfers). */
export const consistencyReport = z.object({
  consistent: z.boolean(),
  levelsChecked: z.number().int(),
  mismatches: z.array(
    z.object({
      storeId: z.uuid(),
      stockItemId: z.uuid(),
      field: z.enum(['onHand', 'reserved', 'inTransit']),
      /** The value in the levels table. */
      projected: z.number().int(),
      /** The value recomputed from movements, active holds or open transfers. */
      expected: z.number().int(),
    }),
  ),
});
export type ConsistencyReport = z.infer<typeof consistencyReport>;
