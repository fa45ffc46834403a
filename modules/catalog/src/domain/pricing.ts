import { maxPriceMinor } from '../contract.ts';

/**
 * Prices are integer minor units. A store's override replaces the base price
 * in that store only; the catalog is never copied per store.
 */
export function effectivePrice(
  baseMinor: number,
  overrideMinor: number | null | undefined,
): number {
  return overrideMinor ?? baseMinor;
}

export type UnitPrice =
  | { ok: true; unitPriceMinor: number }
  | { ok: false; reason: 'negative-unit-price' | 'unit-price-too-large' };

/**
 * One unit of a line: the variant's effective price plus the chosen options'
 * deltas. A sum below zero ("no bun −50" on a 30 side) or past `maxPriceMinor`
 * is refused rather than quoted: ordering would refuse the line anyway, and a
 * price stored before the cap existed could take the sum past 2^53.
 */
export function unitPrice(variantPriceMinor: number, deltasMinor: readonly number[]): UnitPrice {
  const sum = deltasMinor.reduce((total, d) => total + d, variantPriceMinor);
  if (sum < 0) return { ok: false, reason: 'negative-unit-price' };
  if (!Number.isSafeInteger(sum) || sum > maxPriceMinor) {
    return { ok: false, reason: 'unit-price-too-large' };
  }
  return { ok: true, unitPriceMinor: sum };
}
