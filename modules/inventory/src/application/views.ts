import type {
  CountView,
  LevelView,
  MovementView,
  RecipeView,
  ReservationView,
  StockItemView,
  TransferView,
} from '../contract.ts';
import type {
  CountRecord,
  LevelRow,
  MovementRecord,
  RecipeRecord,
  ReservationRecord,
  StockItemRecord,
  TransferRecord,
} from './ports.ts';

const iso = (d: Date) => d.toISOString();
const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null);

export const toStockItemView = (s: StockItemRecord): StockItemView => ({
  id: s.id,
  itemId: s.itemId,
  itemName: s.itemName,
  variantName: s.variantName,
  sku: s.sku,
  unit: s.unit,
  kind: s.kind,
  archived: s.archived,
  createdAt: iso(s.createdAt),
});

export const toLevelView = (l: LevelRow): LevelView => ({
  storeId: l.storeId,
  stockItemId: l.stockItemId,
  itemId: l.item.itemId,
  itemName: l.item.itemName,
  variantName: l.item.variantName,
  sku: l.item.sku,
  unit: l.item.unit,
  kind: l.item.kind,
  onHand: l.onHand,
  reserved: l.reserved,
  available: l.onHand - l.reserved,
  inTransit: l.inTransit,
  lowStockThreshold: l.threshold,
  lowStock: l.threshold !== null && l.onHand < l.threshold,
  updatedAt: isoOrNull(l.updatedAt),
});

export const toMovementView = (m: MovementRecord): MovementView => ({
  ...m,
  occurredAt: iso(m.occurredAt),
});

export const toReservationView = (r: ReservationRecord): ReservationView => ({
  id: r.id,
  storeId: r.storeId,
  status: r.status,
  policy: r.policy,
  lines: r.lines,
  holds: r.holds,
  reference: r.reference,
  expiresAt: iso(r.expiresAt),
  createdAt: iso(r.createdAt),
  settledAt: isoOrNull(r.settledAt),
  saleBatchId: r.saleBatchId,
});

export const toRecipeView = (r: RecipeRecord): RecipeView => ({
  variantId: r.variantId,
  components: r.components,
  updatedAt: iso(r.updatedAt),
});

export const toCountView = (c: CountRecord): CountView => ({
  ...c,
  countedAt: iso(c.countedAt),
});

export const toTransferView = (t: TransferRecord): TransferView => ({
  ...t,
  dispatchedAt: iso(t.dispatchedAt),
  receivedAt: isoOrNull(t.receivedAt),
});
