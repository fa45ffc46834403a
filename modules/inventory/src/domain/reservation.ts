import { raise, type ItemKind, type ReservationStatus } from '../contract.ts';
import { boundedQuantity } from './movement.ts';

export interface StockItemFacts {
  id: string;
  kind: ItemKind;
  archived: boolean;
}

export interface Component {
  stockItemId: string;
  quantity: number;
}

export interface Line {
  variantId: string;
  quantity: number;
}

export interface Hold {
  stockItemId: string;
  quantity: number;
}

/**
 * What a reservation holds. A retail item or an ingredient holds itself; a
 * menu item holds its recipe's components times the quantity, and a menu item
 * without a recipe holds nothing (it is not stock-tracked). Holds of the same
 * item are summed, in first-seen order. The recipe is read now: a later change
 * to it does not alter what this reservation will deplete. An archived item
 * is held as any other: an order rung up before it was archived keeps what it
 * snapshotted, and selling it must not fail at the till.
 */
export function explodeLines(
  lines: readonly Line[],
  items: ReadonlyMap<string, StockItemFacts>,
  recipes: ReadonlyMap<string, readonly Component[]>,
): Hold[] {
  const holds = new Map<string, number>();
  const add = (stockItemId: string, quantity: number) =>
    holds.set(stockItemId, boundedQuantity((holds.get(stockItemId) ?? 0) + quantity));
  for (const line of lines) {
    const item = items.get(line.variantId);
    if (!item) raise('stock-item-not-found', `Unknown variant ${line.variantId}.`);
    if (item.kind !== 'menu') {
      add(item.id, line.quantity);
      continue;
    }
    for (const c of recipes.get(item.id) ?? []) add(c.stockItemId, c.quantity * line.quantity);
  }
  return [...holds].map(([stockItemId, quantity]) => ({ stockItemId, quantity }));
}

/** A retried reserve must ask for exactly what the first call asked for. */
export function sameRequest(
  existing: { storeId: string; lines: readonly Line[] },
  request: { storeId: string; lines: readonly Line[] },
): boolean {
  const key = (lines: readonly Line[]) =>
    JSON.stringify(lines.map((l) => [l.variantId, l.quantity]));
  return existing.storeId === request.storeId && key(existing.lines) === key(request.lines);
}

/**
 * Confirming: an active, unexpired reservation is confirmed; a confirmed one
 * answers again with its first result; anything else is refused.
 */
export function confirmStep(
  status: ReservationStatus,
  expiresAt: Date,
  now: Date,
): 'confirm' | 'replay' {
  if (status === 'confirmed') return 'replay';
  if (status !== 'active') raise('reservation-not-active', `The reservation is ${status}.`);
  if (expiresAt.getTime() <= now.getTime()) {
    raise('reservation-expired', 'The reservation expired; reserve again.');
  }
  return 'confirm';
}

/** Releasing: active ones release, released or expired ones stay so, confirmed ones refuse. */
export function releaseStep(status: ReservationStatus): 'release' | 'replay' {
  if (status === 'active') return 'release';
  if (status === 'confirmed') {
    raise('reservation-not-active', 'A confirmed reservation cannot be released.');
  }
  return 'replay';
}

export const isExpired = (status: ReservationStatus, expiresAt: Date, now: Date) =>
  status === 'active' && expiresAt.getTime() <= now.getTime();
