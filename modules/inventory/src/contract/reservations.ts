import { z } from 'zod';
import { pageQuery } from '@stratum/platform';
import { movementView, oversellPolicy, positiveQuantity, stockWarning } from './stock.ts';

export const reservationStatus = z.enum(['active', 'confirmed', 'released', 'expired']);
export type ReservationStatus = z.infer<typeof reservationStatus>;

const reservationLine = z.object({
  /** A catalog variant: a retail item or ingredient itself, or a menu item (its recipe). */
  variantId: z.uuid(),
  quantity: positiveQuantity.max(100_000),
});

/** Holds stock for a sale that is being paid for. */
export const reserveInput = z.object({
  /**
   * The caller's id for this reservation, so a retried call (the checkout saga
   * after a crash) returns the first result instead of reserving twice.
   */
  reservationId: z.uuid().optional(),
  storeId: z.uuid(),
  lines: z.array(reservationLine).min(1).max(100),
  /** Seconds until the hold lapses on its own. */
  ttlSeconds: z.number().int().min(1).max(86_400).default(900),
  /** Free text for people reading the ledger, e.g. an order number. */
  reference: z.string().trim().min(1).max(200).optional(),
});
export type ReserveInput = z.input<typeof reserveInput>;

export const reservationView = z.object({
  id: z.uuid(),
  storeId: z.uuid(),
  status: reservationStatus,
  /** The store's policy when the reservation was made; confirmation follows it. */
  policy: oversellPolicy,
  lines: z.array(reservationLine),
  /**
   * What is held, per stock item: lines of stocked items, and the ingredients
   * of menu items' recipes as they were at reservation time.
   */
  holds: z.array(z.object({ stockItemId: z.uuid(), quantity: z.number().int() })),
  reference: z.string().nullable(),
  expiresAt: z.iso.datetime(),
  createdAt: z.iso.datetime(),
  settledAt: z.iso.datetime().nullable(),
  /** The batch of sale movements written on confirmation. */
  saleBatchId: z.uuid().nullable(),
});
export type ReservationView = z.infer<typeof reservationView>;

export const reserveResult = z.object({
  reservation: reservationView,
  warnings: z.array(stockWarning),
});
export type ReserveResult = z.infer<typeof reserveResult>;

export const confirmResult = z.object({
  reservation: reservationView,
  movements: z.array(movementView),
  warnings: z.array(stockWarning),
});
export type ConfirmResult = z.infer<typeof confirmResult>;

export const sweepResult = z.object({ expired: z.number().int() });

/** A menu variant's recipe: the ingredients one unit of it consumes. */
export const recipeComponent = z.object({
  stockItemId: z.uuid(),
  /** In the component's own unit (e.g. 150 g of beef). */
  quantity: positiveQuantity.max(1_000_000),
});

export const setRecipeInput = z.object({
  components: z.array(recipeComponent).min(1).max(50),
});
export type SetRecipeInput = z.infer<typeof setRecipeInput>;

export const recipeView = z.object({
  variantId: z.uuid(),
  components: z.array(recipeComponent),
  updatedAt: z.iso.datetime(),
});
export type RecipeView = z.infer<typeof recipeView>;

export const listRecipesQuery = z.object({
  ...pageQuery,
  /** Only recipes that use this stock item. */
  componentId: z.uuid().optional(),
});
export type ListRecipesQuery = z.infer<typeof listRecipesQuery>;
