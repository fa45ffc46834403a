/** One stock item in one store: the projection of the ledger plus what is held. */
export interface LevelState {
  onHand: number;
  reserved: number;
  inTransit: number;
  threshold: number | null;
  /**
   * A low-stock alert has been raised for the current dip below the threshold
   * (kept while the threshold is cleared, until stock next moves).
   */
  lowStockAlerted: boolean;
}

export const emptyLevel = (): LevelState => ({
  onHand: 0,
  reserved: 0,
  inTransit: 0,
  threshold: null,
  lowStockAlerted: false,
});

/** What one operation does to a level. */
export interface LevelChange {
  /** Signed change of on-hand: becomes a ledger movement. */
  onHand?: number;
  reserved?: number;
  inTransit?: number;
}

export const available = (level: LevelState): number => level.onHand - level.reserved;

/**
 * Low-stock alerts fire once per crossing: when on-hand is below the
 * threshold and no alert has been raised since it was last at or above it.
 */
export function lowStockTransition(
  threshold: number | null,
  alerted: boolean,
  onHand: number,
): { alerted: boolean; emit: boolean } {
  if (threshold === null || onHand >= threshold) return { alerted: false, emit: false };
  return { alerted: true, emit: !alerted };
}

/**
 * Applies a change. Reserved and in-transit quantities can never go below
 * zero (they are sums of open holds and transfers); on-hand may, when a
 * store's policy allows it, and callers have made that visible.
 */
export function applyChange(
  level: LevelState,
  change: LevelChange,
): { level: LevelState; lowStock: boolean } {
  const reserved = level.reserved + (change.reserved ?? 0);
  const inTransit = level.inTransit + (change.inTransit ?? 0);
  if (reserved < 0 || inTransit < 0) {
    throw new Error(`level invariant broken: reserved ${reserved}, in transit ${inTransit}`);
  }
  const onHand = level.onHand + (change.onHand ?? 0);
  const low = lowStockTransition(level.threshold, level.lowStockAlerted, onHand);
  return {
    level: { ...level, onHand, reserved, inTransit, lowStockAlerted: low.alerted },
    lowStock: low.emit,
  };
}

/**
 * Sets or clears the threshold. Alerts stay once per crossing, and moving the
 * threshold is not a new crossing while the level is still in a dip already
 * alerted (ADR 0013):
 * - a threshold above on-hand alerts at once when no alert is outstanding
 *   (the shop is low now), and never again for the same dip, whatever value
 *   it is moved to while on-hand stays below it;
 * - a threshold at or below on-hand ends the dip: the next fall below alerts;
 * - clearing raises nothing and keeps the flag, so putting a threshold back
 *   before stock moves does not repeat the alert. Stock moving while no
 *   threshold is set clears it (`lowStockTransition`): whether it recovered
 *   meanwhile cannot be told, and a repeated alert beats a missed one.
 */
export function withThreshold(
  level: LevelState,
  threshold: number | null,
): { level: LevelState; lowStock: boolean } {
  if (threshold === null) return { level: { ...level, threshold }, lowStock: false };
  const low = lowStockTransition(threshold, level.lowStockAlerted, level.onHand);
  return { level: { ...level, threshold, lowStockAlerted: low.alerted }, lowStock: low.emit };
}
