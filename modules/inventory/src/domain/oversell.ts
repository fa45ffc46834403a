import type { OversellPolicy, StockWarning } from '../contract.ts';

/** Stock one operation wants to take from a store's item, against what is there. */
export interface Demand {
  storeId: string;
  stockItemId: string;
  requested: number;
  available: number;
}

export const shortfalls = (demands: readonly Demand[]): Demand[] =>
  demands.filter((d) => d.requested > 0 && d.requested > d.available);

/**
 * What happens to an operation with shortfalls. Stock never goes negative
 * silently: `block` refuses when it can (`enforceable`); where it cannot —
 * confirming a sale that was already held, after a count lowered the stock —
 * it alerts. `warn` answers with warnings, `allow-with-alert` also raises
 * `inventory.oversold`.
 */
export type OversellDecision = 'proceed' | 'reject' | 'warn' | 'alert';

export function decideOversell(
  policy: OversellPolicy,
  short: readonly Demand[],
  enforceable: boolean,
): OversellDecision {
  if (short.length === 0) return 'proceed';
  if (policy === 'block') return enforceable ? 'reject' : 'alert';
  return policy === 'warn' ? 'warn' : 'alert';
}

/**
 * Whether an operation's outcome under `policy` is the same whatever it
 * finds short: under `warn` shortfalls only become warnings (nothing is
 * refused, nothing is raised), so they can be worked out after the write.
 */
export const shortfallsOnlyWarn = (policy: OversellPolicy): boolean => policy === 'warn';

export const toWarnings = (short: readonly Demand[]): StockWarning[] =>
  short.map((d) => ({
    code: 'insufficient-stock',
    storeId: d.storeId,
    stockItemId: d.stockItemId,
    requested: d.requested,
    available: d.available,
  }));
